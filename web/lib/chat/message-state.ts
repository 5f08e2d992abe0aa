import { mergeBySeq, refreshQuotes, upsertBySeq } from './message-order';
import { type Optimistic, isShown } from './optimistic';
import type { Message, MessagePage, QuotedMessage, RoomEventKind } from './types';

/** A message this tab sent that the room's stream has not delivered yet. */
export interface PendingMessage {
  clientId: string;
  text: string;
  createdAt: string;
  replyTo?: QuotedMessage;
  /** Files already uploaded, sent with the text. */
  attachments?: Message['attachments'];
  /** The server's id once `sendMessage` answered; the stream's copy replaces it. */
  id?: string;
  failed?: string;
}

/** A refused change, shown under its message until dismissed or replaced. */
export interface MessageNotice {
  messageId: string;
  text: string;
}

export interface MessageState {
  /** Delivered messages, ascending by seq, each id once. */
  messages: Message[];
  ids: ReadonlySet<string>;
  pending: PendingMessage[];
  optimistic: Optimistic[];
  notices: MessageNotice[];
  olderCursor: string | null;
  hasOlder: boolean;
  /** Where the next newer page starts, while an older stretch of the room is shown. */
  newerCursor: string | null;
  /**
   * The list stops short of the room's newest messages (opened at a search result, say):
   * new messages are not appended (they would stand after a gap), and reading stops.
   */
  hasNewer: boolean;
  /**
   * The highest seq of a message the change feed announced past the shown stretch (and
   * so did not add): a page that ends before it is not the newest, whatever it says.
   */
  droppedSeq: number;
  /** Messages by others the feed announced past the shown stretch, not in the list yet. */
  unseenNewer: number;
  /** Counts the times the list was replaced by another stretch of the room. */
  stretch: number;
}

export type MessageAction =
  | { type: 'event'; kind: RoomEventKind; message: Message | null | undefined; viewerId: string }
  | { type: 'older'; page: MessagePage }
  | { type: 'newer'; page: MessagePage }
  | { type: 'latest'; page: MessagePage }
  | { type: 'replace'; page: MessagePage }
  | { type: 'sending'; pending: PendingMessage }
  | { type: 'sent'; clientId: string; id: string }
  | { type: 'failed'; clientId: string; error: string }
  | { type: 'retrying'; clientId: string }
  /** A send the server refused for now (slow mode): it goes back to the composer. */
  | { type: 'withdrawn'; clientId: string }
  | { type: 'optimistic'; optimistic: Optimistic }
  | { type: 'settled'; key: string }
  | { type: 'refused'; key: string; error: string }
  | { type: 'forget'; key: string }
  | { type: 'notice'; notice: MessageNotice }
  | { type: 'dismiss'; messageId: string };

export function initialMessageState(page: MessagePage): MessageState {
  const messages = page.edges.map((edge) => edge.node).sort((a, b) => a.seq - b.seq);
  return {
    messages,
    ids: new Set(messages.map((m) => m.id)),
    pending: [],
    optimistic: [],
    notices: [],
    olderCursor: page.pageInfo.startCursor ?? null,
    hasOlder: page.pageInfo.hasPreviousPage,
    newerCursor: page.pageInfo.endCursor ?? null,
    hasNewer: page.pageInfo.hasNextPage ?? false,
    droppedSeq: 0,
    unseenNewer: 0,
    stretch: 0,
  };
}

/**
 * After a page that reaches forward: more is newer while the server says so, or while
 * the feed announced a message past what is held (committed after the page was read,
 * and dropped as beyond the stretch when it arrived).
 */
function newerAfter(state: MessageState, messages: readonly Message[], page: MessagePage) {
  const newest = messages.at(-1)?.seq ?? 0;
  const hasNewer = (page.pageInfo.hasNextPage ?? false) || state.droppedSeq > newest;
  return {
    hasNewer,
    newerCursor: page.pageInfo.endCursor ?? state.newerCursor,
    unseenNewer: hasNewer ? state.unseenNewer : 0,
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

/** Settled changes the server's new copy of `message` now shows are done. */
function dropShown(optimistic: Optimistic[], message: Message): Optimistic[] {
  const kept = optimistic.filter((o) => !(o.settled && o.messageId === message.id && isShown(message, o.change)));
  return kept.length === optimistic.length ? optimistic : kept;
}

/**
 * Whether a message not held belongs in the list: it does unless it is older than the
 * oldest held one while there is older history to load, or newer than the newest held
 * one while newer history is still to load (then it comes with that page).
 */
export function withinReach(state: MessageState, message: Message): boolean {
  const oldest = state.messages[0];
  const newest = state.messages.at(-1);
  if (state.hasOlder && (oldest === undefined || message.seq < oldest.seq)) return false;
  if (state.hasNewer && (newest === undefined || message.seq > newest.seq)) return false;
  return true;
}

/**
 * One change from the room's feed, applied idempotently: replay may repeat what is held
 * or skip the steps between. The message takes its place by seq, replacing a held copy
 * of the same id. A change to a message not held is dropped when the message is older
 * than the loaded history, and taken in otherwise: a replay that compacted "added, then
 * edited" may bring only the edit. Quotes of it follow either way.
 */
function applyEvent(state: MessageState, kind: RoomEventKind, message: Message, viewerId: string): MessageState {
  let { pending, messages, ids, droppedSeq, unseenNewer } = state;
  if (kind === 'MESSAGE_ADDED') {
    const index = confirms(pending, message, viewerId);
    if (index !== -1) pending = pending.filter((_, i) => i !== index);
  }
  if (ids.has(message.id)) {
    messages = messages.map((m) => (m.id === message.id ? message : m));
  } else if (withinReach(state, message)) {
    messages = upsertBySeq(messages, message);
    ids = new Set(ids).add(message.id);
  } else if (kind === 'MESSAGE_ADDED' && state.hasNewer) {
    droppedSeq = Math.max(droppedSeq, message.seq);
    if (message.author.id !== viewerId && !message.deletedAt) unseenNewer += 1;
  }
  messages = refreshQuotes(messages, message);
  const counted = droppedSeq !== state.droppedSeq || unseenNewer !== state.unseenNewer;
  if (messages === state.messages && pending === state.pending && !counted) return state;
  return {
    ...state,
    messages,
    ids,
    pending,
    droppedSeq,
    unseenNewer,
    optimistic: dropShown(state.optimistic, message),
  };
}

/**
 * The message list of one room. Only the room's feed (history and subscription) adds
 * or changes delivered messages, so their order and state are the room's; a send's
 * answer just tags its pending copy with the id the feed will bring, and the viewer's
 * own changes are drawn over the feed's copies (`optimistic`) until it shows them.
 */
export function messageReducer(state: MessageState, action: MessageAction): MessageState {
  switch (action.type) {
    case 'event': {
      const { kind, message } = action;
      const isMessageEvent = kind.startsWith('MESSAGE_') || kind === 'REACTIONS_CHANGED';
      return message && isMessageEvent ? applyEvent(state, kind, message, action.viewerId) : state;
    }
    case 'older': {
      const older = action.page.edges.map((e) => e.node);
      const messages = mergeBySeq(state.messages, older);
      return {
        ...state,
        messages,
        ids: new Set(messages.map((m) => m.id)),
        olderCursor: action.page.pageInfo.startCursor ?? null,
        hasOlder: action.page.pageInfo.hasPreviousPage,
      };
    }
    case 'newer': {
      const newer = action.page.edges.map((e) => e.node);
      const messages = mergeBySeq(state.messages, newer);
      return {
        ...state,
        messages,
        ids: new Set(messages.map((m) => m.id)),
        ...newerAfter(state, messages, action.page),
      };
    }
    case 'replace': {
      // Another stretch of the room (the newest messages, or those around one): what is
      // held goes, what this tab is sending and changing stays, and so does the feed's
      // position (its events keep coming, whatever is shown).
      const page = initialMessageState(action.page);
      return {
        ...state,
        messages: page.messages,
        ids: page.ids,
        olderCursor: page.olderCursor,
        hasOlder: page.hasOlder,
        ...newerAfter(state, page.messages, action.page),
        stretch: state.stretch + 1,
      };
    }
    case 'latest': {
      // Only used when the page knew no cursor to resume after: the fresh page wins over
      // what the feed delivered meanwhile, and keeps what it did not have.
      const page = initialMessageState(action.page);
      const messages = mergeBySeq(page.messages, state.messages);
      return {
        ...state,
        ...page,
        messages,
        ids: new Set(messages.map((m) => m.id)),
        pending: state.pending,
        optimistic: state.optimistic,
        notices: state.notices,
        droppedSeq: state.droppedSeq,
        unseenNewer: 0,
        stretch: state.stretch,
      };
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
    case 'withdrawn':
      return { ...state, pending: state.pending.filter((p) => p.clientId !== action.clientId) };
    case 'optimistic': {
      const { messageId } = action.optimistic;
      return {
        ...state,
        optimistic: [...state.optimistic, action.optimistic],
        notices: state.notices.filter((n) => n.messageId !== messageId),
      };
    }
    case 'settled': {
      const optimistic = state.optimistic.flatMap((o) => {
        if (o.key !== action.key) return [o];
        const held = state.messages.find((m) => m.id === o.messageId);
        return held && isShown(held, o.change) ? [] : [{ ...o, settled: true }];
      });
      return { ...state, optimistic };
    }
    case 'refused': {
      const refused = state.optimistic.find((o) => o.key === action.key);
      if (!refused) return state;
      return {
        ...state,
        optimistic: state.optimistic.filter((o) => o !== refused),
        notices: [
          ...state.notices.filter((n) => n.messageId !== refused.messageId),
          { messageId: refused.messageId, text: action.error },
        ],
      };
    }
    case 'forget':
      return { ...state, optimistic: state.optimistic.filter((o) => o.key !== action.key) };
    case 'notice':
      return {
        ...state,
        notices: [...state.notices.filter((n) => n.messageId !== action.notice.messageId), action.notice],
      };
    case 'dismiss':
      return { ...state, notices: state.notices.filter((n) => n.messageId !== action.messageId) };
  }
}
