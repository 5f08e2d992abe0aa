import { type GqlResult, type User, gql, gqlOk } from './http.js';

/** Everything a message shows, as a client that renders it selects it. */
export const FULL_MESSAGE = /* GraphQL */ `
  id
  roomId
  seq
  text
  createdAt
  editedAt
  deletedAt
  author { id name }
  replyTo { id text deletedAt }
  reactions { emoji count viewerReacted users { name } }
  mentions { id name }
`;

export interface Reaction {
  emoji: string;
  count: number;
  viewerReacted: boolean;
  users: { name: string }[];
}

export interface FullMessage {
  id: string;
  roomId: string;
  seq: number;
  text: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  author: User;
  replyTo: { id: string; text: string; deletedAt: string | null } | null;
  reactions: Reaction[];
  mentions: User[];
}

export interface RoomEvent {
  kind: string;
  cursor: string;
  message: FullMessage | null;
  user: { name: string } | null;
  room: { id: string };
}

export const ROOM_EVENTS = /* GraphQL */ `
  subscription RoomEvents($roomId: ID!, $after: String) {
    roomEvents(roomId: $roomId, after: $after) {
      kind
      cursor
      message { ${FULL_MESSAGE} }
      user { name }
      room { id }
    }
  }
`;

export type Events = { roomEvents: RoomEvent };

/** Every message of the room, oldest first, and the room's eventCursor read with them. */
export async function snapshot(
  url: string,
  token: string,
  roomId: string,
): Promise<{ messages: FullMessage[]; eventCursor: string }> {
  const messages: FullMessage[] = [];
  let before: string | null = null;
  let eventCursor: string | undefined;
  for (;;) {
    const data: {
      room: {
        eventCursor: string;
        messages: { edges: { node: FullMessage }[]; pageInfo: { hasPreviousPage: boolean; startCursor: string } };
      } | null;
    } = await gqlOk(
      url,
      `query($id: ID!, $before: String) {
        room(id: $id) {
          eventCursor
          messages(last: 100, before: $before) {
            edges { node { ${FULL_MESSAGE} } }
            pageInfo { hasPreviousPage startCursor }
          }
        }
      }`,
      { id: roomId, before },
      { token },
    );
    if (!data.room) throw new Error(`room ${roomId} is not visible`);
    eventCursor ??= data.room.eventCursor;
    messages.unshift(...data.room.messages.edges.map((e) => e.node));
    if (!data.room.messages.pageInfo.hasPreviousPage) return { messages, eventCursor };
    before = data.room.messages.pageInfo.startCursor;
  }
}

/**
 * What a client holds, rebuilt from events the way the contract says to apply them: a
 * message event replaces the message by id (MESSAGE_ADDED adds it), kept in seq order.
 */
export class RoomModel {
  private readonly byId = new Map<string, FullMessage>();
  cursor: string | undefined;

  constructor(messages: readonly FullMessage[] = [], cursor?: string) {
    for (const m of messages) this.byId.set(m.id, m);
    this.cursor = cursor;
  }

  apply(event: RoomEvent): void {
    this.cursor = event.cursor;
    const { message } = event;
    if (!message) return;
    if (event.kind === 'MESSAGE_ADDED' || this.byId.has(message.id)) this.byId.set(message.id, message);
    // A quote shows the original as it is now: its change reaches the replies too.
    for (const held of this.byId.values()) {
      if (held.replyTo?.id !== message.id) continue;
      const { id, text, deletedAt } = message;
      this.byId.set(held.id, { ...held, replyTo: { id, text, deletedAt } });
    }
  }

  get messages(): FullMessage[] {
    return [...this.byId.values()].sort((a, b) => a.seq - b.seq);
  }
}

export const EDIT = `mutation($id: ID!, $text: String!) { editMessage(id: $id, text: $text) { ${FULL_MESSAGE} } }`;
export const DELETE = `mutation($id: ID!) { deleteMessage(id: $id) { ${FULL_MESSAGE} } }`;
export const REACT = `mutation($id: ID!, $emoji: String!) { addReaction(messageId: $id, emoji: $emoji) { ${FULL_MESSAGE} } }`;
export const UNREACT = `mutation($id: ID!, $emoji: String!) { removeReaction(messageId: $id, emoji: $emoji) { ${FULL_MESSAGE} } }`;
export const SEND_FULL = `mutation($roomId: ID!, $text: String!, $replyToId: ID, $clientId: ID) {
  sendMessage(roomId: $roomId, text: $text, replyToId: $replyToId, clientId: $clientId) { ${FULL_MESSAGE} }
}`;

export async function send(
  url: string,
  token: string,
  roomId: string,
  text: string,
  replyToId?: string,
): Promise<FullMessage> {
  return (await gqlOk<{ sendMessage: FullMessage }>(url, SEND_FULL, { roomId, text, replyToId }, { token }))
    .sendMessage;
}

/** Runs one of the mutations above; resolves to the whole result, errors included. */
export function change(
  url: string,
  token: string,
  mutation: string,
  variables: Record<string, unknown>,
): Promise<GqlResult<Record<string, FullMessage>>> {
  return gql<Record<string, FullMessage>>(url, mutation, variables, { token });
}
