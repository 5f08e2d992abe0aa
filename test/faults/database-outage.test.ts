/**
 * PostgreSQL going away for a few seconds under a running cluster: a PostgreSQL of the
 * suite's own (test/helpers/private-postgres.ts), stopped with `pg_ctl stop` while a
 * writer keeps sending and subscribers listen on two nodes, then started again.
 *
 * From outside: sends fail fast with the masked INTERNAL_SERVER_ERROR (none waits for
 * the outage to end), `/readyz` answers 503 and is back to 200 within seconds of
 * PostgreSQL without restarting a node, the subscriptions stay open, and every message
 * acknowledged (and every failed one retried with its clientId) is in history and
 * reached each subscriber exactly once, in order.
 *
 * Runs with DATABASE_URL=postgres://… and REDIS_URL (a cluster's backends: the nodes use
 * REDIS_URL's Redis, and the private PostgreSQL instead of DATABASE_URL's); needs
 * initdb and pg_ctl, and fails under CI=true without them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_CONNECT_TIMEOUT_MS, DB_QUERY_TIMEOUT_MS } from '../../server/limits.js';
import { type Session, createRoom, history, sendMessage, signUp } from '../helpers/http.js';
import { type PrivatePostgres, RUN_PRIVATE_POSTGRES, startPrivatePostgres } from '../helpers/private-postgres.js';
import { waitUntil } from '../helpers/wait.js';
import { CLUSTER_BACKENDS } from '../cluster/harness.js';
import { duplicates, ids, percentile, subscribeOn, useTwoNodes } from '../cluster/support.js';
import { busyLoad, readiness, steadyWriter, waitReady } from './support.js';

/** How long PostgreSQL stays down. */
const OUTAGE_MS = 5_000;
/** A node must call itself unready within this of PostgreSQL stopping (its probe gives the database 2 s). */
const NOTICE_MS = 4_000;
/** And ready again within this of PostgreSQL accepting connections. */
const RECOVER_MS = 5_000;
/**
 * No send may take longer than this: with PostgreSQL stopped a connection is refused at
 * once, and the pool never waits longer than DB_CONNECT_TIMEOUT_MS for one. The margin
 * is for two busy cores.
 */
const SEND_BOUND_MS = DB_CONNECT_TIMEOUT_MS + 1_500;
/**
 * A PostgreSQL that answers nothing: a request waits at most DB_CONNECT_TIMEOUT_MS for a
 * connection, then DB_QUERY_TIMEOUT_MS for its statement, and fails at the first that
 * passes. Frozen for longer than that, so a send that waited for the end would show.
 */
const FROZEN_SEND_BOUND_MS = DB_CONNECT_TIMEOUT_MS + DB_QUERY_TIMEOUT_MS + 1_500;
const FROZEN_MS = FROZEN_SEND_BOUND_MS + 1_000;

describe.runIf(CLUSTER_BACKENDS && RUN_PRIVATE_POSTGRES)('a PostgreSQL outage', () => {
  let postgres: PrivatePostgres | undefined;
  // Registered before the cluster's hooks: PostgreSQL starts before the nodes and, as
  // after hooks run in reverse, is removed after them.
  beforeAll(async () => {
    postgres = await startPrivatePostgres();
  }, 60_000);
  afterAll(async () => {
    await postgres?.remove();
  });
  const { socketOn, A, B } = useTwoNodes(() => ({ nodes: 2, env: { DATABASE_URL: postgres!.url } }));
  let alice: Session;
  let bob: Session;
  let carol: Session;
  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all([signUp(A().url), signUp(B().url), signUp(A().url)]);
  });

  it('fails sends fast with a masked error, answers 503 on /readyz, and recovers by itself with every acknowledged message delivered once', async () => {
    const roomId = await createRoom(A().url, alice.token);
    const onB = await subscribeOn(socketOn, B(), bob, roomId);
    const onA = await subscribeOn(socketOn, A(), carol, roomId);

    const writer = steadyWriter([A(), B()], alice, roomId, { label: 'db-outage' });
    // Connections busy when PostgreSQL goes, in a room of their own: a node must survive
    // losing those too.
    const load = busyLoad([A(), B()], bob, await createRoom(A().url, bob.token));
    try {
      await waitUntil(() => writer.acknowledged() >= 10, { timeoutMs: 10_000, what: '10 sends before the outage' });

      const stoppedAt = Date.now();
      await postgres!.stop('fast');
      const downAt = Date.now(); // pg_ctl has seen it exit
      await Promise.all([waitReady(A(), 503, NOTICE_MS), waitReady(B(), 503, NOTICE_MS)]);
      const unreadyAfterMs = Date.now() - stoppedAt;
      const during = await readiness(A());
      expect(JSON.parse(during.body), "node A's /readyz during the outage").toMatchObject({ database: 'down' });

      await new Promise((resolve) => setTimeout(resolve, stoppedAt + OUTAGE_MS - Date.now()));
      const startedAt = Date.now();
      await postgres!.start();
      const upAt = Date.now();
      await Promise.all([waitReady(A(), 200, RECOVER_MS), waitReady(B(), 200, RECOVER_MS)]);
      const readyAfterMs = Date.now() - upAt;

      // The writer carries on by itself: sends succeed again without anyone restarting a node.
      const ackedBefore = writer.acknowledged();
      await waitUntil(() => writer.acknowledged() >= ackedBefore + 10, {
        timeoutMs: 10_000,
        what: '10 sends after the outage',
      });
      const sends = await writer.stop();

      expect([A().alive, B().alive], 'nodes alive after the outage').toEqual([true, true]);
      const failed = sends.filter((s) => !s.outcome.ok);
      const inOutage = sends.filter((s) => s.at >= downAt && s.at + s.ms <= startedAt);
      expect(inOutage.length, 'sends while PostgreSQL was down').toBeGreaterThan(5);
      for (const send of inOutage) expect(send.outcome.ok, `${send.clientId} while PostgreSQL was down`).toBe(false);
      // Each failure is the masked error: no SQL, no driver message, no stack.
      for (const { clientId, outcome } of failed) {
        if (outcome.ok) continue;
        expect(outcome.errors, `${clientId}: ${outcome.error}`).toBeDefined();
        expect(
          outcome.errors!.map((e) => [e.message, e.extensions?.code]),
          `${clientId}'s errors`,
        ).toEqual([['Unexpected error.', 'INTERNAL_SERVER_ERROR']]);
        expect(JSON.stringify(outcome.errors)).not.toMatch(/ECONN|postgres|terminat|select|insert|stack/i);
      }
      const slowest = Math.max(...sends.map((s) => s.ms));
      expect(slowest, 'the slowest send, in ms').toBeLessThan(SEND_BOUND_MS);

      // What failed is retried with its clientId, as a client does: a send that PostgreSQL
      // committed before its answer was lost comes back as the same message, not twice.
      for (const { clientId, text, node, outcome } of failed) {
        const retried = await sendMessage((node === A().name ? A() : B()).url, alice.token, roomId, text, clientId);
        if (outcome.ok) expect(retried).toEqual(outcome.message);
      }
      const fence = await sendMessage(B().url, alice.token, roomId, 'fence');

      const stored = (await history(A().url, alice.token, roomId, 100)).map((m) => m.id);
      for (const { clientId, outcome } of sends) {
        if (outcome.ok) expect(stored, `${clientId}, acknowledged, in history`).toContain(outcome.message.id);
      }
      expect(stored).toHaveLength(sends.length + 1);
      for (const [where, sub] of [
        ['node A', onA],
        ['node B', onB],
      ] as const) {
        await sub.waitFor((items) => items.some((i) => i.messageAdded.id === fence.id), 10_000);
        expect(sub.errors, `the subscription on ${where} ended`).toEqual([]);
        expect(duplicates(ids(sub)), `duplicates on the subscriber on ${where}`).toEqual([]);
        expect(ids(sub), `the subscriber on ${where} vs history`).toEqual(stored);
      }

      const failedMs = failed.map((s) => s.ms);
      console.info(
        `PostgreSQL outage of ${OUTAGE_MS} ms: ${sends.length} sends, ${failed.length} failed ` +
          `(answered in p50 ${percentile(failedMs, 50)} ms, max ${Math.max(...failedMs)} ms), slowest send ${slowest} ms; ` +
          `both nodes unready ${unreadyAfterMs} ms after the stop and ready ${readyAfterMs} ms after PostgreSQL was ` +
          `back (its start took ${upAt - startedAt} ms)`,
      );
    } finally {
      await writer.stop();
      await load.stop();
      if (postgres && !postgres.running) await postgres.start();
    }
  }, 60_000);

  it('fails sends within the pool timeouts while PostgreSQL answers nothing at all, and recovers when it does', async () => {
    const roomId = await createRoom(A().url, alice.token);
    const onB = await subscribeOn(socketOn, B(), bob, roomId);
    const onA = await subscribeOn(socketOn, A(), carol, roomId);

    const writer = steadyWriter([A(), B()], alice, roomId, { label: 'db-frozen' });
    const load = busyLoad([A(), B()], bob, await createRoom(A().url, bob.token));
    let frozen = false;
    try {
      await waitUntil(() => writer.acknowledged() >= 5, { timeoutMs: 10_000, what: '5 sends before the freeze' });
      const frozenAt = Date.now();
      postgres!.freeze();
      frozen = true;
      await Promise.all([waitReady(A(), 503, NOTICE_MS), waitReady(B(), 503, NOTICE_MS)]);
      const unreadyAfterMs = Date.now() - frozenAt;
      await new Promise((resolve) => setTimeout(resolve, frozenAt + FROZEN_MS - Date.now()));
      const thawedAt = Date.now();
      postgres!.thaw();
      frozen = false;
      await Promise.all([waitReady(A(), 200, RECOVER_MS), waitReady(B(), 200, RECOVER_MS)]);
      const readyAfterMs = Date.now() - thawedAt;
      const ackedBefore = writer.acknowledged();
      await waitUntil(() => writer.acknowledged() >= ackedBefore + 10, {
        timeoutMs: 15_000,
        what: '10 sends after the freeze',
      });
      const sends = await writer.stop();

      // Sends answered while PostgreSQL was frozen: failures, each within the bound,
      // the first of them long before the freeze ended.
      const answeredFrozen = sends.filter((s) => s.at >= frozenAt && s.at + s.ms < thawedAt);
      expect(answeredFrozen.length, 'sends answered while PostgreSQL was frozen').toBeGreaterThan(0);
      for (const send of answeredFrozen) expect(send.outcome.ok, `${send.clientId} while frozen`).toBe(false);
      for (const { clientId, outcome } of answeredFrozen) {
        if (outcome.ok) continue;
        expect(
          outcome.errors?.map((e) => [e.message, e.extensions?.code]),
          `${clientId}'s errors: ${outcome.error}`,
        ).toEqual([['Unexpected error.', 'INTERNAL_SERVER_ERROR']]);
      }
      const slowest = Math.max(...sends.map((s) => s.ms));
      expect(slowest, 'the slowest send, in ms').toBeLessThan(FROZEN_SEND_BOUND_MS);

      const failed = sends.filter((s) => !s.outcome.ok);
      for (const { clientId, text, node, outcome } of failed) {
        const retried = await sendMessage((node === A().name ? A() : B()).url, alice.token, roomId, text, clientId);
        if (outcome.ok) expect(retried).toEqual(outcome.message);
      }
      const fence = await sendMessage(A().url, alice.token, roomId, 'fence');
      const stored = (await history(B().url, alice.token, roomId, 100)).map((m) => m.id);
      for (const { clientId, outcome } of sends) {
        if (outcome.ok) expect(stored, `${clientId}, acknowledged, in history`).toContain(outcome.message.id);
      }
      expect(stored).toHaveLength(sends.length + 1);
      for (const [where, sub] of [
        ['node A', onA],
        ['node B', onB],
      ] as const) {
        await sub.waitFor((items) => items.some((i) => i.messageAdded.id === fence.id), 10_000);
        expect(sub.errors, `the subscription on ${where} ended`).toEqual([]);
        expect(duplicates(ids(sub)), `duplicates on the subscriber on ${where}`).toEqual([]);
        expect(ids(sub), `the subscriber on ${where} vs history`).toEqual(stored);
      }
      const failedMs = answeredFrozen.map((s) => s.ms);
      console.info(
        `PostgreSQL frozen (SIGSTOP) for ${FROZEN_MS} ms: ${answeredFrozen.length} sends answered meanwhile, all failed, ` +
          `in ${failedMs.join(', ')} ms; slowest send ${slowest} ms; both nodes unready ${unreadyAfterMs} ms after the ` +
          `freeze and ready ${readyAfterMs} ms after it ended`,
      );
    } finally {
      if (frozen) postgres!.thaw();
      await writer.stop();
      await load.stop();
    }
  }, 60_000);
});
