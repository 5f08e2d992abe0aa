import type { Message, MessagePage } from '../../web/lib/chat/types';

export const alice = {
  id: '1',
  name: 'alice',
  displayName: null,
  avatarUrl: null,
  isBot: false,
  isDeleted: false,
} satisfies Message['author'];
export const bob = {
  id: '2',
  name: 'bob',
  displayName: null,
  avatarUrl: null,
  isBot: false,
  isDeleted: false,
} satisfies Message['author'];

/** A message of `seq` in its plain state; `change` overrides any field. */
export function message(seq: number, change: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    roomId: 'general',
    seq,
    text: `message ${seq}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    deletedBy: null,
    author: alice,
    replyTo: null,
    reactions: [],
    mentions: [],
    attachments: [],
    ...change,
  };
}

export function page(messages: Message[], hasPreviousPage = false, hasNextPage = false): MessagePage {
  return {
    edges: messages.map((node) => ({ node })),
    pageInfo: {
      hasPreviousPage,
      startCursor: messages[0] ? `c${messages[0].seq}` : null,
      hasNextPage,
      endCursor: messages.at(-1) ? `c${messages.at(-1)!.seq}` : null,
    },
  };
}
