import { TYPING_SHOWN_MAX } from '../limits.js';
import type { Signal, Told } from '../realtime/fanout.js';
import type { TypingState, TypingView } from '../realtime/room-hub.js';
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
function othersTyping(view: TypingView, viewerId: string): TypingBatchState {
  return {
    users: view.leading.filter((user) => user.id !== viewerId).slice(0, TYPING_SHOWN_MAX),
    count: view.typing.size - (view.typing.has(viewerId) ? 1 : 0),
  };
}

/** What everyone who is not typing sees of a view: the same for all of them. */
const seenByBystanders = new WeakMap<TypingView, TypingBatchState>();

/** `othersTyping`, one object per view for everyone who is not typing (most of a room). */
function seenBy(view: TypingView, viewerId: string): TypingBatchState {
  if (view.typing.has(viewerId)) return othersTyping(view, viewerId);
  let seen = seenByBystanders.get(view);
  if (!seen) seenByBystanders.set(view, (seen = othersTyping(view, viewerId)));
  return seen;
}

const sameTyping = (a: TypingBatchState, b: TypingBatchState): boolean =>
  a === b ||
  (a.count === b.count && a.users.length === b.users.length && a.users.every((user, k) => user.id === b.users[k]!.id));

const NOTHING: readonly Told[] = [];
const NOBODY: readonly UserRow[] = [];

/**
 * `userTyping`: a viewer is told the stops and starts that take who it was shown to who
 * is shown now. Viewers shown the same before and after (every bystander) share one list.
 */
class UserTypingSignal implements Signal<TypingView> {
  private last: { before: readonly UserRow[]; after: readonly UserRow[]; told: readonly Told[] } | undefined;

  tell(viewerId: string, told: TypingView | undefined, now: TypingView): readonly Told[] {
    const before = told ? seenBy(told, viewerId).users : NOBODY;
    const after = seenBy(now, viewerId).users;
    if (this.last?.before === before && this.last.after === after) return this.last.told;
    const changes: Told[] = [];
    const event = (user: UserRow, isTyping: boolean): Told => ({
      key: `${isTyping ? 'start' : 'stop'}:${user.id}`,
      value: { user, isTyping } satisfies TypingState,
    });
    for (const user of before) if (!after.some((u) => u.id === user.id)) changes.push(event(user, false));
    for (const user of after) if (!before.some((u) => u.id === user.id)) changes.push(event(user, true));
    const result = changes.length === 0 ? NOTHING : changes;
    this.last = { before, after, told: result };
    return result;
  }
}

/** `roomTyping`: a viewer is told the whole picture when its part of it changed, and first. */
class RoomTypingSignal implements Signal<TypingView> {
  private readonly toldOf = new WeakMap<TypingBatchState, readonly Told[]>();

  tell(viewerId: string, told: TypingView | undefined, now: TypingView): readonly Told[] {
    const seen = seenBy(now, viewerId);
    if (told && sameTyping(seenBy(told, viewerId), seen)) return NOTHING; // the change is one it is not told
    let result = this.toldOf.get(seen);
    if (!result) {
      const key = `${seen.count}:${seen.users.map((u) => u.id).join(',')}`;
      this.toldOf.set(seen, (result = [{ key, value: seen }]));
    }
    return result;
  }
}

export const userTypingSignal: Signal<TypingView> = new UserTypingSignal();
export const roomTypingSignal: Signal<TypingView> = new RoomTypingSignal();
