import { REPLAY_BATCH } from '../limits.js';
import type { MessageRow, RoomChange, Store } from '../store/index.js';

/**
 * What a room subscription streams, seen from the room's one change order: which changes
 * it carries, where each stands (for resume and to drop duplicates at the replay seam),
 * and how to read those it missed from the store.
 */
export interface Feed<T> {
  /** The subscription field, for metrics. */
  readonly field: 'messageAdded' | 'roomEvents';
  /** The value this feed delivers for `change`, or undefined when it carries none. */
  pick(change: RoomChange): T | undefined;
  /** A value's position: strictly increasing along the feed. */
  position(value: T): number;
  /** When the value happened, for the delivery latency metric. */
  createdAt(value: T): number;
  /**
   * One batch of the values past `position`, oldest first: at most REPLAY_BATCH of them,
   * and where the next batch reads on from (null when the store has no more).
   */
  read(store: Store, roomId: string, position: number): Promise<ReplayBatch<T>>;
}

export interface ReplayBatch<T> {
  readonly values: T[];
  /** The position to read on from, or null when this batch was the last. */
  readonly next: number | null;
}

/** Reads one batch past a position (a feed's `read`, or one shared between subscribers). */
export type ReplayRead<T> = (position: number) => Promise<ReplayBatch<T>>;

/**
 * Lets the event loop read I/O between replay batches. SQLite answers synchronously
 * under its promise, so a replay of thousands of messages would otherwise hold the loop
 * from its first batch to its last: /healthz, new connection_acks and every other
 * client waited seconds behind a reconnect storm's replays.
 */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Everything past `position`, batch by batch, letting I/O in between. */
export async function* replay<T>(read: ReplayRead<T>, position: number): AsyncGenerator<T[]> {
  for (let after = position; ;) {
    const { values, next } = await read(after);
    if (values.length > 0) yield values;
    if (next === null) return;
    after = next;
    await yieldToIo();
  }
}

/** Where a batch of `limit` asked for leaves off: its last position, or null when it was short. */
const nextAfter = (batch: readonly { seq: number }[]): number | null =>
  batch.length < REPLAY_BATCH ? null : batch.at(-1)!.seq;

/** `messageAdded`: new messages, by message seq. */
export const messageFeed: Feed<MessageRow> = {
  field: 'messageAdded',
  pick: (change) => (change.kind === 'MESSAGE_ADDED' ? (change.message ?? undefined) : undefined),
  position: (message) => message.seq,
  createdAt: (message) => message.createdAt,
  async read(store, roomId, position) {
    const batch = await store.messagesAfter(roomId, position, REPLAY_BATCH);
    return { values: batch, next: nextAfter(batch) };
  },
};

/** `roomEvents`: every change, by change seq; replay compacts each batch. */
export const changeFeed: Feed<RoomChange> = {
  field: 'roomEvents',
  pick: (change) => change,
  position: (change) => change.seq,
  createdAt: (change) => change.createdAt,
  async read(store, roomId, position) {
    const batch = await store.changesAfter(roomId, position, REPLAY_BATCH);
    return { values: compact(batch), next: nextAfter(batch) };
  },
};

/**
 * Folds the changes of one message into one, at the place of its first change and in
 * its current state (the store reads messages as they are now): MESSAGE_ADDED if it was
 * added within the batch, MESSAGE_DELETED if it is deleted now, else MESSAGE_EDITED if
 * any change was an edit, else REACTIONS_CHANGED. Applied in order, the result gives the
 * same messages as applying every change.
 *
 * Each folded change's `seq` (its cursor) is the longest run of the batch's positions
 * that it and the changes before it cover: resuming from any of them misses nothing,
 * and resuming from the last repeats nothing. `changes` must be contiguous (a batch of
 * the store's gap-free feed).
 */
export function compact(changes: readonly RoomChange[]): RoomChange[] {
  if (changes.length === 0) return [];
  const slots: { first: RoomChange; covers: number[]; kinds: Set<string> }[] = [];
  const byMessage = new Map<string, (typeof slots)[number]>();
  for (const change of changes) {
    const id = change.message?.id;
    let slot = id === undefined ? undefined : byMessage.get(id);
    if (!slot) {
      slot = { first: change, covers: [], kinds: new Set() };
      slots.push(slot);
      if (id !== undefined) byMessage.set(id, slot);
    }
    slot.covers.push(change.seq);
    slot.kinds.add(change.kind);
  }
  const covered = new Set<number>();
  let through = changes[0]!.seq - 1;
  return slots.map(({ first, covers, kinds }) => {
    for (const seq of covers) covered.add(seq);
    while (covered.has(through + 1)) through += 1;
    if (covers.length === 1) return through === first.seq ? first : { ...first, seq: through };
    const message = first.message!;
    const kind = kinds.has('MESSAGE_ADDED')
      ? 'MESSAGE_ADDED'
      : message.deletedAt !== null
        ? 'MESSAGE_DELETED'
        : kinds.has('MESSAGE_EDITED')
          ? 'MESSAGE_EDITED'
          : 'REACTIONS_CHANGED';
    return { ...first, kind, seq: through };
  });
}
