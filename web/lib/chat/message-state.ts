import type { Message, MessagePage } from './types';

/** A message this tab sent that the room's stream has not delivered yet. */
export interface PendingMessage {
  clientId: string;
  text: string;
  createdAt: string;
  /** The server's id once `sendMessage` answered; the stream's copy replaces it. */
  id?: string;
  failed?: string;
}

export interface MessageState {
  /** Delivered messages, oldest first, each id once, in the room's order. */
  messages: Message[];
  ids: ReadonlySet<string>;
  pending: PendingMessage[];
  olderCursor: string | null;
  hasOlder: boolean;
}

export type MessageAction =
  | { type: 'delivered'; message: Message; viewerId: string }
  | { type: 'older'; page: MessagePage }
  | { type: 'latest'; page: MessagePage }
  | { type: 'sending'; pending: PendingMessage }
  | { type: 'sent'; clientId: string; id: string }
  | { type: 'failed'; clientId: string; error: string }
  | { type: 'retrying'; clientId: string };

export function initialMessageState(page: MessagePage): MessageState {
  const messages = page.edges.map((edge) => edge.node);
  return {
    messages,
    ids: new Set(messages.map((m) => m.id)),
    pending: [],
    olderCursor: page.pageInfo.startCursor ?? null,
    hasOlder: page.pageInfo.hasPreviousPage,
  };
}

/** The pending message a delivered one confirms: by server id, else by author and text. */
function confirms(pending: PendingMessage[], message: Message, viewerId: string): number {
  const byId = pending.findIndex((p) => p.id === message.id);
  if (byId !== -1 || message.author.id !== viewerId) return byId;
  return pending.findIndex((p) => p.id === undefined && p.text.trim() === message.text);
}

function updatePending(state: MessageState, clientId: string, change: Partial<PendingMessage>): MessageState {
  return { ...state, pending: state.pending.map((p) => (p.clientId === clientId ? { ...p, ...change } : p)) };
}

/**
 * The message list of one room. Only the room's stream (history and subscription) adds
 * delivered messages, so their order is the room's; a send's answer just tags its pending
 * copy with the id the stream will bring. Each id is kept once, however often it arrives.
 */
export function messageReducer(state: MessageState, action: MessageAction): MessageState {
  switch (action.type) {
    case 'delivered': {
      const { message, viewerId } = action;
      const index = confirms(state.pending, message, viewerId);
      const pending = index === -1 ? state.pending : state.pending.filter((_, i) => i !== index);
      if (state.ids.has(message.id)) return pending === state.pending ? state : { ...state, pending };
      return { ...state, pending, messages: [...state.messages, message], ids: new Set(state.ids).add(message.id) };
    }
    case 'older': {
      const older = action.page.edges.map((e) => e.node).filter((m) => !state.ids.has(m.id));
      return {
        ...state,
        messages: [...older, ...state.messages],
        ids: new Set([...state.ids, ...older.map((m) => m.id)]),
        olderCursor: action.page.pageInfo.startCursor ?? null,
        hasOlder: action.page.pageInfo.hasPreviousPage,
      };
    }
    case 'latest': {
      // Only used when the page knew no message to resume after: the fresh page goes
      // first, anything delivered meanwhile (necessarily newer) after it.
      const page = initialMessageState(action.page);
      const extra = state.messages.filter((m) => !page.ids.has(m.id));
      const messages = [...page.messages, ...extra];
      return { ...page, messages, ids: new Set(messages.map((m) => m.id)), pending: state.pending };
    }
    case 'sending':
      return { ...state, pending: [...state.pending, action.pending] };
    case 'sent':
      // Already delivered by the stream (it can beat the mutation's answer): done.
      if (state.ids.has(action.id)) {
        return { ...state, pending: state.pending.filter((p) => p.clientId !== action.clientId) };
      }
      return updatePending(state, action.clientId, { id: action.id });
    case 'failed':
      return updatePending(state, action.clientId, { failed: action.error });
    case 'retrying':
      return updatePending(state, action.clientId, { failed: undefined });
  }
}
