/**
 * Redis going away and coming back under a running cluster. The suite starts its own
 * redis-server (never the machine's shared one, which other suites use) and kills it:
 * the nodes say they are not ready, keep serving what needs only the database, lose no
 * message they acknowledge, and recover by themselves when Redis is back.
 * Skipped without PostgreSQL and Redis: the embedded default is one node by definition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, createRoom, gqlOk, history, sendMessage, signUp } from '../helpers/http.js';
import { type Events, ROOM_EVENTS } from '../helpers/events.js';
import { waitOnline, waitUntil } from '../helpers/wait.js';
import { errorsOf } from '../helpers/ws.js';
import { CLUSTER_BACKENDS, type NodeProcess, type RedisProcess, startRedis } from './harness.js';
import {
  type Added,
  ON_MESSAGE,
  type SendOutcome,
  duplicates,
  ids,
  subscribeOn,
  trySend,
  useTwoNodes,
} from './support.js';

/** How long a node may take to notice Redis has gone, or is back (its reconnection backs off to 1 s). */
const NOTICE_MS = 5_000;
const INVITE = 'mutation($r: ID!, $u: String!) { invite(roomId: $r, userName: $u) { id } }';
const REMOVE = 'mutation($r: ID!, $u: String!) { removeMember(roomId: $r, userName: $u) { id } }';
const ROOM = 'query($r: ID!) { room(id: $r) { id } }';
const RECOVER_MS = 15_000;

async function readyStatus(node: NodeProcess): Promise<{ status: number; body: string }> {
  const response = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text() };
}

async function waitReady(node: NodeProcess, status: 200 | 503, timeoutMs: number): Promise<void> {
  let last = { status: 0, body: '' };
  await waitUntil(
    async () => {
      last = await readyStatus(node);
      return last.status === status;
    },
    { timeoutMs, intervalMs: 100, what: `${node.name}'s /readyz to answer ${status}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last: HTTP ${last.status} ${last.body}\n${node.tail()}`);
  });
}

describe.runIf(CLUSTER_BACKENDS)('a Redis outage', () => {
  let redis: RedisProcess | undefined;
  // Registered before the cluster's hooks: Redis starts before the nodes and, as after
  // hooks run in reverse, stops after them.
  beforeAll(async () => {
    redis = await startRedis();
  }, 20_000);
  afterAll(async () => {
    await redis?.kill('SIGKILL');
  });
  const { socketOn, A, B } = useTwoNodes(() => ({ nodes: 2, redisUrl: redis!.url }));
  let alice: Session;
  let bob: Session;
  let carol: Session;
  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all([signUp(A().url), signUp(B().url), signUp(A().url)]);
  });

  it('answers 503 on /readyz, keeps serving and storing, and recovers live delivery by itself', async () => {
    const roomId = await createRoom(A().url, alice.token);
    const onB = await subscribeOn(socketOn, B(), bob, roomId);
    const onA = await subscribeOn(socketOn, A(), carol, roomId);
    const before = await sendMessage(A().url, alice.token, roomId, 'before the outage');
    await Promise.all([onA.waitFor(1, 5_000), onB.waitFor(1, 5_000)]);

    await redis!.kill('SIGKILL');
    await Promise.all([waitReady(A(), 503, NOTICE_MS), waitReady(B(), 503, NOTICE_MS)]);

    // What needs only the database keeps working, on both nodes.
    for (const node of [A(), B()]) {
      const { me } = await gqlOk<{ me: { name: string } }>(node.url, '{ me { name } }', {}, { token: bob.token });
      expect(me.name, `me on ${node.name} during the outage`).toBe(bob.user.name);
      expect((await history(node.url, bob.token, roomId)).map((m) => m.id)).toEqual([before.id]);
    }

    // Sends during the outage either fail with a clear error or are stored: never
    // acknowledged and lost. Alternating nodes, each with a clientId to retry with.
    const outage: { clientId: string; text: string; node: string; outcome: SendOutcome }[] = [];
    for (let i = 0; i < 6; i++) {
      const node = i % 2 ? B() : A();
      const clientId = `outage-${i}`;
      const text = `during the outage ${i}`;
      outage.push({
        clientId,
        text,
        node: node.name,
        outcome: await trySend(node.url, alice.token, roomId, text, clientId),
      });
    }
    // The store, not Redis, is what accepts a message: every send is acknowledged.
    for (const { clientId, node, outcome } of outage) {
      expect(outcome.ok, `${clientId} on ${node} was refused: ${outcome.ok ? '' : outcome.error}`).toBe(true);
    }
    const stored = await history(B().url, bob.token, roomId);
    const acknowledged = outage.filter((s) => s.outcome.ok);
    for (const { clientId, outcome } of acknowledged) {
      expect(
        stored.map((m) => m.id),
        `${clientId} acknowledged during the outage, not in history`,
      ).toContain(outcome.ok && outcome.message.id);
    }
    expect([A().alive, B().alive], 'nodes alive during the outage').toEqual([true, true]);
    // A node still delivers what it stores to its own subscribers, in order: the last
    // send on A brings those stored on B with it, from the store.
    const lastOnA = outage.filter((s) => s.node === A().name).at(-1)!.outcome;
    if (lastOnA.ok) {
      const upTo = stored.map((m) => m.id).slice(0, stored.findIndex((m) => m.id === lastOnA.message.id) + 1);
      await onA.waitFor((items) => items.some((i) => i.messageAdded.id === lastOnA.message.id), 5_000);
      expect(ids(onA), "node A's subscriber during the outage").toEqual(upTo);
    }

    // Redis comes back, empty, on the same port.
    const downFor = Date.now();
    await redis!.restart();
    await Promise.all([waitReady(A(), 200, RECOVER_MS), waitReady(B(), 200, RECOVER_MS)]);
    const readyAfterMs = Date.now() - downFor;

    // Live delivery resumes with no reconnection: a message sent on A reaches the
    // subscriber that stayed connected to B, after everything stored during the outage.
    const after = await sendMessage(A().url, alice.token, roomId, 'after the outage');
    await onB.waitFor((items) => items.some((i) => i.messageAdded.id === after.id), RECOVER_MS);
    // Sends that failed are retried with their clientId: nothing doubles.
    for (const { clientId, text, outcome } of outage) {
      const retried = await sendMessage(A().url, alice.token, roomId, text, clientId);
      if (outcome.ok) expect(retried, `retry of ${clientId}`).toEqual(outcome.message);
    }
    const fence = await sendMessage(B().url, alice.token, roomId, 'fence');
    const everything = (await history(A().url, alice.token, roomId)).map((m) => m.id);
    expect(everything).toHaveLength(1 + outage.length + 2);
    for (const [where, sub] of [
      ['node B', onB],
      ['node A', onA],
    ] as const) {
      await sub.waitFor((items) => items.some((i) => i.messageAdded.id === fence.id), RECOVER_MS);
      expect(duplicates(ids(sub)), `duplicates on the subscriber on ${where}`).toEqual([]);
      expect(ids(sub), `the subscriber that stayed on ${where} vs history`).toEqual(everything);
      expect(sub.errors).toEqual([]);
    }

    // And a client that did reconnect catches up with `after`.
    const resumed = socketOn(B(), bob).subscribe<Added>(ON_MESSAGE, { roomId, after: before.id });
    await resumed.waitFor(everything.length - 1, 10_000);
    expect(ids(resumed)).toEqual(everything.slice(1));
    console.info(
      `Redis outage: ${acknowledged.length} of ${outage.length} sends acknowledged during it; ` +
        `both nodes ready ${readyAfterMs} ms after Redis restarted`,
    );
  }, 90_000);

  it('takes access back during an outage: the other node forgets it within the cache time, and ends its subscription once Redis is back', async () => {
    const roomId = await createRoom(A().url, alice.token, true);
    await gqlOk(A().url, INVITE, { r: roomId, u: bob.user.name }, { token: alice.token });
    // B remembers bob's access (a read) and serves his subscription.
    expect((await gqlOk<{ room: unknown }>(B().url, ROOM, { r: roomId }, { token: bob.token })).room).not.toBeNull();
    const feed = socketOn(B(), bob).subscribe<Events>(ROOM_EVENTS, { roomId });
    await waitOnline(B().url, bob.token, roomId, bob.user.name, 10_000);

    await redis!.kill('SIGKILL');
    await Promise.all([waitReady(A(), 503, NOTICE_MS), waitReady(B(), 503, NOTICE_MS)]);
    // Stored on A; the notice to B is lost with Redis.
    await gqlOk(A().url, REMOVE, { r: roomId, u: bob.user.name }, { token: alice.token });
    const removedAt = Date.now();
    // B stops believing what it remembered within ROOM_ACCESS_CACHE_MS (5 s).
    await waitUntil(
      async () => (await gqlOk<{ room: unknown }>(B().url, ROOM, { r: roomId }, { token: bob.token })).room === null,
      {
        timeoutMs: 7_000,
        intervalMs: 200,
        what: 'node B to answer NOT_FOUND during the outage',
      },
    );
    expect(Date.now() - removedAt).toBeLessThan(5_000 + 1_000);

    // Once Redis is back, B's feed of the room fills the gap from the store: the
    // MEMBER_LEFT ends bob's subscription there.
    await redis!.restart();
    expect(errorsOf(await feed.waitForError(RECOVER_MS))[0]?.extensions?.code).toBe('FORBIDDEN');
    await Promise.all([waitReady(A(), 200, RECOVER_MS), waitReady(B(), 200, RECOVER_MS)]);
  }, 90_000);
});
