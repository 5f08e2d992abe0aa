/**
 * A room's feed on one node when the store fails while it fills a gap: what happens to
 * a node during a database outage (or when its pool's timeouts pass under load) if a
 * change went missing on pub/sub at the same time. The feed is the real RoomHub; the
 * store and the pub/sub are stand-ins that fail on cue, so the timing is exact.
 *
 * A failed read is not an empty one: the changes are in the store, and skipping them
 * would lose them for every subscriber of the room on this node.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { RoomSignal } from '../../server/pubsub/index.js';
import type { Listener, PubSub, Topic } from '../../server/pubsub/types.js';
import { RoomHub } from '../../server/realtime/room-hub.js';
import type { RoomChange, Store } from '../../server/store/index.js';
import { waitUntil } from '../helpers/wait.js';

const ROOM = 'room-1';

/** Changes 1…n of ROOM, as the store holds them. */
const stored = (n: number): RoomChange[] =>
  Array.from(
    { length: n },
    (_, i) =>
      ({
        seq: i + 1,
        kind: 'MESSAGE_ADDED',
        roomId: ROOM,
        message: { id: String(i + 1), roomId: ROOM, author: { id: 'u1', name: 'alice' } },
      }) as unknown as RoomChange,
  );

/** A store whose reads fail `failures` times (as during an outage), then answer from `changes`. */
function flakyStore(changes: RoomChange[], failures: { count: number }): Store {
  const fail = () => {
    if (failures.count <= 0) return;
    failures.count--;
    throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  };
  return {
    lastChangeSeq: async () => {
      fail();
      return changes.length;
    },
    changesAfter: async (_roomId: string, after: number, limit: number) => {
      fail();
      return changes.filter((c) => c.seq > after).slice(0, limit);
    },
  } as unknown as Store;
}

/** A pub/sub whose events and reconnections the test hands over itself. */
class HandPubSub implements Partial<PubSub> {
  listener: Listener<RoomSignal> | undefined;
  onMissed: (() => void) | undefined;
  async subscribe<E>(_topic: Topic<E>, listener: Listener<E>, onMissed?: () => void) {
    this.listener = listener as Listener<RoomSignal>;
    this.onMissed = onMissed;
    return async () => {};
  }
}

async function hubWith(store: Store) {
  const pubsub = new HandPubSub();
  const hub = new RoomHub(store, pubsub as unknown as PubSub, pino({ level: 'silent' }), 6_000);
  const seen: number[] = [];
  const stop = await hub.listen(ROOM, { change: (c) => seen.push(c.seq) });
  return { pubsub, hub, seen, stop };
}

describe('a room feed whose store fails', () => {
  it('fills a gap once the store answers again, instead of skipping the changes it could not read', async () => {
    const changes = stored(3);
    const failures = { count: 0 };
    const { pubsub, hub, seen, stop } = await hubWith(flakyStore(changes, failures));
    // The baseline was read (3 changes already there); the next ones arrive out of order.
    changes.push(...stored(6).slice(3));
    failures.count = 2; // the store is down for the first two reads of the gap
    pubsub.listener!({ kind: 'change', change: changes[3]! }); // 4
    pubsub.listener!({ kind: 'change', change: changes[5]! }); // 6: 5 went missing
    await waitUntil(() => seen.length >= 3, { timeoutMs: 5_000, what: 'changes 4, 5 and 6' });
    expect(seen).toEqual([4, 5, 6]);
    stop();
    await hub.close();
  });

  it('catches up after pub/sub comes back even when the store is down at that moment', async () => {
    const changes = stored(2);
    const failures = { count: 0 };
    const { pubsub, hub, seen, stop } = await hubWith(flakyStore(changes, failures));
    // While pub/sub was away, changes 3 and 4 were stored; it is back, the store is not yet.
    changes.push(...stored(4).slice(2));
    failures.count = 2;
    pubsub.onMissed!();
    await waitUntil(() => seen.length >= 2, { timeoutMs: 5_000, what: 'changes 3 and 4' });
    expect(seen).toEqual([3, 4]);
    stop();
    await hub.close();
  });
});
