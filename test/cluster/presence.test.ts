/**
 * Presence across nodes: a user is online in a room while one of their connections, on
 * any node, subscribes to it; every node's `room.online` and `presenceChanged` agree, and
 * a node that dies (kill -9, no goodbye) takes its users offline within a bound.
 * Skipped without PostgreSQL and Redis: the embedded default is one node by definition.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PRESENCE_HEARTBEAT_MS, PRESENCE_TTL_MS } from '../../server/limits.js';
import { type Session, createRoom, onlineNames, signUp } from '../helpers/http.js';
import { waitOnline, waitUntil } from '../helpers/wait.js';
import type { Subscription, TestSocket } from '../helpers/ws.js';
import { CLUSTER_BACKENDS, type NodeProcess } from './harness.js';
import { ON_MESSAGE, useTwoNodes } from './support.js';

type Presence = { presenceChanged: { user: { id: string; name: string }; online: boolean } };
const ON_PRESENCE = 'subscription($roomId: ID!) { presenceChanged(roomId: $roomId) { user { id name } online } }';

/** How long a crashed node's users may stay online: the TTL, two sweeps, and slack for 2 busy cores. */
const CRASH_OFFLINE_BOUND_MS = PRESENCE_TTL_MS + 2 * PRESENCE_HEARTBEAT_MS + 5_000;

describe.runIf(CLUSTER_BACKENDS)('presence across nodes', () => {
  const { socketOn, A, B } = useTwoNodes();
  let alice: Session;
  let bob: Session;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([signUp(A().url), signUp(B().url)]);
  });

  /** Bob watching the room's presence from node B, live before it resolves. */
  async function bobWatches(roomId: string): Promise<Subscription<Presence>> {
    const sub = socketOn(B(), bob).subscribe<Presence>(ON_PRESENCE, { roomId });
    await waitOnline(B().url, bob.token, roomId, bob.user.name, 10_000);
    return sub;
  }

  /** Alice in the room from `node`: a messageAdded subscription is what makes her online. */
  function aliceVisits(node: NodeProcess, roomId: string): TestSocket {
    const socket = socketOn(node, alice);
    socket.subscribe(ON_MESSAGE, { roomId });
    return socket;
  }

  /** Presence events about alice, as "online"/"offline". */
  const aboutAlice = (sub: Subscription<Presence>) =>
    sub.items
      .filter((i) => i.presenceChanged.user.id === alice.user.id)
      .map((i) => (i.presenceChanged.online ? 'online' : 'offline'));

  /** Waits until `node` lists exactly `names` online in the room; fails with what it listed. */
  async function onlineOn(node: NodeProcess, roomId: string, names: string[], timeoutMs = 5_000): Promise<void> {
    const want = [...names].sort();
    let listed: string[] = [];
    await waitUntil(
      async () => {
        listed = (await onlineNames(node.url, bob.token, roomId)).sort();
        return JSON.stringify(listed) === JSON.stringify(want);
      },
      { timeoutMs, intervalMs: 100, what: `${node.name} to list ${JSON.stringify(want)} online` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; it lists ${JSON.stringify(listed)}`);
    });
  }

  it('shows a user online on every node while she subscribes on one, and offline when she leaves', async () => {
    const roomId = await createRoom(A().url, alice.token);
    const watch = await bobWatches(roomId);
    await onlineOn(A(), roomId, [bob.user.name]);

    const socket = aliceVisits(A(), roomId);
    await watch.waitFor(() => aboutAlice(watch).length >= 1, 5_000);
    expect(aboutAlice(watch)).toEqual(['online']);
    expect(watch.items.find((i) => i.presenceChanged.user.id === alice.user.id)?.presenceChanged.user).toEqual(
      alice.user,
    );
    await onlineOn(A(), roomId, [alice.user.name, bob.user.name]);
    await onlineOn(B(), roomId, [alice.user.name, bob.user.name]);

    await socket.close();
    await watch.waitFor(() => aboutAlice(watch).length >= 2, 5_000);
    expect(aboutAlice(watch)).toEqual(['online', 'offline']);
    await onlineOn(A(), roomId, [bob.user.name]);
    await onlineOn(B(), roomId, [bob.user.name]);
  }, 30_000);

  it(
    `takes the users of a node killed with -9 offline on the others within ${CRASH_OFFLINE_BOUND_MS / 1000} s`,
    async () => {
      const roomId = await createRoom(A().url, alice.token);
      const watch = await bobWatches(roomId);
      aliceVisits(A(), roomId);
      await watch.waitFor(() => aboutAlice(watch).length >= 1, 5_000);
      await waitOnline(A().url, bob.token, roomId, alice.user.name, 5_000);

      const killed = Date.now();
      const exit = await A().kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      await watch
        .waitFor(() => aboutAlice(watch).length >= 2, CRASH_OFFLINE_BOUND_MS)
        .catch((error: Error) => {
          throw new Error(
            `no offline event for alice on node B within ${CRASH_OFFLINE_BOUND_MS} ms of killing node A ` +
              `(PRESENCE_TTL_MS ${PRESENCE_TTL_MS}, PRESENCE_HEARTBEAT_MS ${PRESENCE_HEARTBEAT_MS}): ${error.message.slice(0, 300)}`,
          );
        });
      const eventAfterMs = Date.now() - killed;
      expect(aboutAlice(watch)).toEqual(['online', 'offline']);
      // The event follows the entry's expiry, so the list must already agree; and bob, whose
      // node kept renewing him through all this, is still there.
      await onlineOn(B(), roomId, [bob.user.name], 2_000);
      console.info(
        `presence: alice offline on node B ${eventAfterMs} ms after kill -9 of node A ` +
          `(TTL ${PRESENCE_TTL_MS} ms, heartbeat ${PRESENCE_HEARTBEAT_MS} ms)`,
      );
      const bobOffline = watch.items.filter(
        (i) => i.presenceChanged.user.id === bob.user.id && !i.presenceChanged.online,
      );
      expect(bobOffline, 'bob was swept while his node renewed him').toEqual([]);
      expect(watch.errors).toEqual([]);
    },
    CRASH_OFFLINE_BOUND_MS + 30_000,
  );
});
