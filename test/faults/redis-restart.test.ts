/**
 * Redis restarted under a running cluster: a redis-server of the suite's own, killed
 * (SIGKILL) and started again at once on the same port, empty, as after a crash or a
 * deploy of Redis. test/cluster/redis-outage.test.ts holds Redis down for a while; this
 * is the short, memory-losing restart: what lived only in Redis (the nodes' channel
 * subscriptions, presence claims, rate-limit counts) is gone, and each node must put
 * it back by itself, with no client reconnecting and no node restarted.
 *
 * Runs with DATABASE_URL=postgres://… and REDIS_URL (a cluster's backends; the nodes use
 * the private Redis instead of REDIS_URL's); needs redis-server, and fails under
 * CI=true without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESENCE_HEARTBEAT_MS, RATE_SEND_MESSAGE } from '../../server/limits.js';
import { type Session, createRoom, history, onlineNames, sendMessage, signUp } from '../helpers/http.js';
import { type RedisProcess, RUN_PRIVATE_REDIS, startPrivateRedis } from '../helpers/private-redis.js';
import { waitUntil } from '../helpers/wait.js';
import { CLUSTER_BACKENDS } from '../cluster/harness.js';
import { duplicates, ids, subscribeOn, trySend, useTwoNodes } from '../cluster/support.js';
import { steadyWriter, waitReady } from './support.js';

type Presence = { presenceChanged: { user: { id: string; name: string }; online: boolean } };
const ON_PRESENCE = 'subscription($roomId: ID!) { presenceChanged(roomId: $roomId) { user { id name } online } }';
/** Both nodes ready again within this of Redis answering (their reconnection backs off to 1 s). */
const READY_MS = 5_000;
/**
 * Each node writes its users' presence back as soon as Redis answers again: well before
 * its next heartbeat (PRESENCE_HEARTBEAT_MS), until which everyone would look offline.
 */
const PRESENCE_BACK_MS = 2_000;

describe.runIf(CLUSTER_BACKENDS && RUN_PRIVATE_REDIS)('a Redis restart', () => {
  let redis: RedisProcess | undefined;
  // Registered before the cluster's hooks: Redis starts before the nodes and stops after them.
  beforeAll(async () => {
    redis = await startPrivateRedis();
  }, 20_000);
  afterAll(async () => {
    await redis?.kill('SIGKILL');
  });
  // Rate limits on: they are part of what Redis holds for the cluster.
  const { socketOn, A, B } = useTwoNodes(() => ({ nodes: 2, redisUrl: redis!.url, env: { RATE_LIMITS: 'on' } }));
  let alice: Session;
  let bob: Session;
  let carol: Session;
  let dave: Session;
  let erin: Session;
  let frank: Session;
  beforeAll(async () => {
    [alice, bob, carol, dave, erin, frank] = await Promise.all([
      signUp(A().url),
      signUp(B().url),
      signUp(A().url),
      signUp(B().url),
      signUp(A().url),
      signUp(B().url),
    ]);
  });

  it('re-subscribes every node, puts presence back and counts rate limits across nodes again, by itself', async () => {
    const roomId = await createRoom(A().url, alice.token);
    const onB = await subscribeOn(socketOn, B(), bob, roomId);
    const onA = await subscribeOn(socketOn, A(), carol, roomId);
    const presenceOnB = socketOn(B(), bob).subscribe<Presence>(ON_PRESENCE, { roomId });
    const before = await sendMessage(A().url, alice.token, roomId, 'before the restart');
    await Promise.all([onA.waitFor(1, 5_000), onB.waitFor(1, 5_000)]);
    for (const node of [A(), B()]) {
      expect((await onlineNames(node.url, alice.token, roomId)).sort(), `online on ${node.name}`).toEqual(
        [bob.user.name, carol.user.name].sort(),
      );
    }

    // A writer sends through the restart (4 a second: under the rate limit, which is on).
    const writer = steadyWriter([A(), B()], frank, roomId, { intervalMs: 250, label: 'through' });
    await waitUntil(() => writer.acknowledged() >= 2, { timeoutMs: 5_000, what: 'the writer under way' });
    await redis!.kill('SIGKILL');
    const restartedAt = Date.now();
    await redis!.restart();
    const answeringAt = Date.now();
    await Promise.all([waitReady(A(), 200, READY_MS), waitReady(B(), 200, READY_MS)]);
    const readyAfterMs = Date.now() - answeringAt;
    const through = await writer.stop();
    // The store, not Redis, accepts a message: sends go on through the restart.
    for (const { clientId, outcome } of through) {
      expect(outcome.ok, `${clientId}: ${outcome.ok ? '' : outcome.error}`).toBe(true);
    }

    // Presence: Redis came back knowing nobody; each node writes its users back.
    await waitUntil(
      async () => {
        const [onANames, onBNames] = await Promise.all([
          onlineNames(A().url, alice.token, roomId),
          onlineNames(B().url, alice.token, roomId),
        ]);
        return onANames.length === 2 && onBNames.length === 2;
      },
      { timeoutMs: PRESENCE_BACK_MS, intervalMs: 100, what: 'bob and carol online again on both nodes' },
    );
    const presenceAfterMs = Date.now() - answeringAt;
    expect(presenceAfterMs, 'ms until presence was back').toBeLessThan(PRESENCE_HEARTBEAT_MS);
    for (const node of [A(), B()]) {
      expect((await onlineNames(node.url, alice.token, roomId)).sort(), `online on ${node.name}`).toEqual(
        [bob.user.name, carol.user.name].sort(),
      );
    }
    // And a newcomer on one node is announced on the other.
    const daveOnA = await subscribeOn(socketOn, A(), dave, roomId);
    await presenceOnB.waitFor(
      (items) => items.some((i) => i.presenceChanged.user.id === dave.user.id && i.presenceChanged.online),
      5_000,
    );

    // Messages sent on either node once it is back reach the subscriber on the other,
    // with no client reconnecting.
    const firstAfter = Date.now();
    const onA1 = await sendMessage(A().url, alice.token, roomId, 'after the restart, on A');
    await onB.waitFor((items) => items.some((i) => i.messageAdded.id === onA1.id), 5_000);
    const deliveredAfterMs = Date.now() - firstAfter;
    const onB1 = await sendMessage(B().url, alice.token, roomId, 'after the restart, on B');
    await onA.waitFor((items) => items.some((i) => i.messageAdded.id === onB1.id), 5_000);

    // Rate limits count in Redis again, for the cluster: one user alternating between
    // the nodes gets RATE_SEND_MESSAGE.points in all, not that many per node (which is
    // what each node's own fallback count would allow).
    const outcomes = [];
    for (let i = 0; i <= RATE_SEND_MESSAGE.points; i++) {
      outcomes.push(await trySend((i % 2 ? B() : A()).url, erin.token, roomId, `limited ${i}`));
    }
    const accepted = outcomes.filter((o) => o.ok).length;
    const refused = outcomes.at(-1)!;
    expect(accepted, 'sends accepted across both nodes').toBe(RATE_SEND_MESSAGE.points);
    expect(refused.ok ? [] : refused.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    expect(refused.ok ? 0 : refused.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);

    // Every message, exactly once, in order, on both subscribers that stayed connected.
    const fence = await sendMessage(B().url, alice.token, roomId, 'fence');
    const stored = (await history(A().url, alice.token, roomId)).map((m) => m.id);
    expect(stored[0]).toBe(before.id);
    expect(stored).toHaveLength(1 + through.length + 2 + RATE_SEND_MESSAGE.points + 1);
    for (const [where, sub] of [
      ['node A', onA],
      ['node B', onB],
    ] as const) {
      await sub.waitFor((items) => items.some((i) => i.messageAdded.id === fence.id), 10_000);
      expect(sub.errors, `the subscription on ${where}`).toEqual([]);
      expect(duplicates(ids(sub)), `duplicates on ${where}`).toEqual([]);
      expect(ids(sub), `the subscriber on ${where} vs history`).toEqual(stored);
    }
    daveOnA.dispose?.();
    console.info(
      `Redis restart (SIGKILL, started again in ${answeringAt - restartedAt} ms, empty): ${through.length} sends ` +
        `through it, all acknowledged; both nodes ready ` +
        `${readyAfterMs} ms after it answered, presence back after ${presenceAfterMs} ms, the first message ` +
        `after it delivered across nodes in ${deliveredAfterMs} ms`,
    );
  }, 60_000);
});
