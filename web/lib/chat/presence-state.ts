import type { User } from './types';

/** People listed at most (the room's queries ask `online(first: 50)`); the count says how many in all. */
export const ONLINE_LISTED_MAX = 50;

/** Who is online as the page keeps it: some of them (all, in a small room) and how many. */
export interface PresenceState {
  readonly users: ReadonlyMap<string, User>;
  readonly count: number;
}

export interface PresenceBatch {
  readonly joined: readonly User[];
  readonly left: readonly { readonly id: string }[];
  /** How many left: more than `left` names when many went at once. */
  readonly leftCount: number;
  readonly onlineCount: number;
}

export const presenceFromList = (users: readonly User[], count: number): PresenceState => ({
  users: new Map(users.slice(0, ONLINE_LISTED_MAX).map((user) => [user.id, user])),
  count,
});

/**
 * One roomPresence batch applied: who left goes, who joined is listed while there is room,
 * and the count is the server's. `short` says the list may show fewer than it could, or
 * people no longer there (people listed left while others, unlisted, stayed; or more
 * left than the batch names): time to read a page afresh.
 */
export function applyPresenceBatch(state: PresenceState, batch: PresenceBatch): PresenceState & { short: boolean } {
  const users = new Map(state.users);
  for (const { id } of batch.left) users.delete(id);
  for (const user of batch.joined) if (users.size < ONLINE_LISTED_MAX) users.set(user.id, user);
  const short =
    batch.leftCount > batch.left.length ||
    (batch.left.length > 0 && users.size < Math.min(batch.onlineCount, ONLINE_LISTED_MAX));
  return { users, count: batch.onlineCount, short };
}
