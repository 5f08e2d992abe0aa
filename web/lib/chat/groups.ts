import type { PendingMessage } from './message-state';
import type { Message, User } from './types';

const NO_BREAKS: ReadonlySet<string> = new Set();

/** Consecutive messages by one author this close together share one header. */
const GROUP_WINDOW_MS = 5 * 60_000; // 5 minutes

export type ChatItem =
  { kind: 'message'; key: string; message: Message } | { kind: 'pending'; key: string; pending: PendingMessage };

export interface ChatGroup {
  key: string;
  /**
   * `isBot` for a webhook's bot (the header's "bot" badge), `isDeleted` for a deleted
   * account ("deleted user"); the viewer's pending messages have neither.
   */
  author: User & { isBot?: boolean; isDeleted?: boolean };
  /** When the group's first message was posted. */
  createdAt: string;
  /** The group starts at the first unread message: the "New" divider goes above it. */
  startsUnread?: boolean;
  items: ChatItem[];
}

/**
 * Groups delivered messages, then this tab's pending ones, into runs by author. A run is
 * cut at `firstUnreadId`, so the "New" divider can go between two groups, and after each
 * message of `breakAfter`, so a timeline line can follow it.
 */
export function groupMessages(
  messages: readonly Message[],
  pending: readonly PendingMessage[],
  viewer: User,
  firstUnreadId: string | null = null,
  breakAfter: ReadonlySet<string> = NO_BREAKS,
): ChatGroup[] {
  const items = [
    ...messages.map((message) => ({
      author: message.author,
      createdAt: message.createdAt,
      item: { kind: 'message', key: message.id, message } as ChatItem,
    })),
    ...pending.map((p) => ({
      author: viewer,
      createdAt: p.createdAt,
      item: { kind: 'pending', key: p.clientId, pending: p } as ChatItem,
    })),
  ];
  const groups: ChatGroup[] = [];
  let previousAt = 0;
  let broken = false;
  for (const { author, createdAt, item } of items) {
    const at = Date.parse(createdAt);
    const current = groups.at(-1);
    const startsUnread = item.kind === 'message' && item.key === firstUnreadId;
    const joins = current && !startsUnread && !broken && current.author.id === author.id;
    if (joins && at - previousAt <= GROUP_WINDOW_MS) {
      current.items.push(item);
    } else {
      groups.push({ key: item.key, author, createdAt, items: [item], ...(startsUnread && { startsUnread }) });
    }
    previousAt = at;
    broken = breakAfter.has(item.key);
  }
  return groups;
}
