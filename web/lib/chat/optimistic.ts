import type { Message, Reaction, User } from './types';

/**
 * A change the viewer made that the server has not confirmed yet, drawn over the
 * server's copy of the message. Each is stated as a desired end state ("my 👍 is on"),
 * not a delta, so drawing it over a copy that already has it changes nothing, and an
 * event that overtook the mutation's answer is not counted twice.
 */
export type OptimisticChange =
  { kind: 'react'; emoji: string; on: boolean; viewer: User } | { kind: 'edit'; text: string; at: string };

export interface Optimistic {
  key: string;
  messageId: string;
  change: OptimisticChange;
  /** The mutation succeeded: kept only until the server's copy shows the change. */
  settled?: boolean;
}

function react(reactions: readonly Reaction[], emoji: string, on: boolean, viewer: User): Reaction[] {
  const current = reactions.find((r) => r.emoji === emoji);
  if ((current?.viewerReacted ?? false) === on) return reactions as Reaction[];
  if (on && !current) return [...reactions, { emoji, count: 1, viewerReacted: true, users: [viewer] }];
  if (!current) return reactions as Reaction[];
  const count = current.count + (on ? 1 : -1);
  if (count <= 0) return reactions.filter((r) => r !== current);
  const users = on ? [...current.users, viewer] : current.users.filter((u) => u.id !== viewer.id);
  return reactions.map((r) => (r === current ? { ...r, count, viewerReacted: on, users } : r));
}

/** The message as the viewer should see it with `change` applied. A tombstone stays one. */
export function applyChange(message: Message, change: OptimisticChange): Message {
  if (message.deletedAt) return message;
  if (change.kind === 'edit') {
    if (message.text === change.text) return message;
    return { ...message, text: change.text, editedAt: change.at };
  }
  const reactions = react(message.reactions, change.emoji, change.on, change.viewer);
  return reactions === message.reactions ? message : { ...message, reactions };
}

/** Whether the server's copy already shows `change` (or can no longer show it). */
export function isShown(message: Message, change: OptimisticChange): boolean {
  return applyChange(message, change) === message;
}

/** Messages with every outstanding change drawn over them. */
export function withOptimistic(messages: Message[], changes: readonly Optimistic[]): Message[] {
  if (changes.length === 0) return messages;
  const byMessage = new Map<string, OptimisticChange[]>();
  for (const { messageId, change } of changes) byMessage.set(messageId, [...(byMessage.get(messageId) ?? []), change]);
  return messages.map((m) => {
    const pending = byMessage.get(m.id);
    return pending ? pending.reduce(applyChange, m) : m;
  });
}
