import { TYPING_SHOWN_MAX } from '../limits.js';
import type { TypingView } from '../realtime/room-hub.js';
import type { UserRow } from '../store/index.js';

/** What one viewer is told of a room's typing: at most TYPING_SHOWN_MAX others, and how many in all. */
export interface TypingBatchState {
  readonly users: UserRow[];
  readonly count: number;
}

/**
 * The one place a user's own typing is filtered out: by user, so none of their
 * connections (a second tab, a phone) hears it, whichever subscription they hold.
 */
export function othersTyping(view: TypingView, viewerId: string): TypingBatchState {
  return {
    users: view.leading.filter((user) => user.id !== viewerId).slice(0, TYPING_SHOWN_MAX),
    count: view.typing.size - (view.typing.has(viewerId) ? 1 : 0),
  };
}

export const sameTyping = (a: TypingBatchState, b: TypingBatchState): boolean =>
  a.count === b.count && a.users.length === b.users.length && a.users.every((user, k) => user.id === b.users[k]!.id);
