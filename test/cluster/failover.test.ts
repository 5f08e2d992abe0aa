/**
 * Losing a node: to kill -9 in the middle of a send storm, and to SIGTERM (a deploy) with
 * sockets open and a send in flight. What a node acknowledged stays; a client moves to
 * the other node and resumes without a gap or a duplicate.
 * Skipped without PostgreSQL and Redis: the embedded default is one node by definition.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SHUTDOWN_DEADLINE_MS } from '../../server/limits.js';
import { type Message, type Session, createRoom, history, sendMessage, signUp } from '../helpers/http.js';
import { waitUntil } from '../helpers/wait.js';
import type { TestSocket } from '../helpers/ws.js';
import { CLUSTER_BACKENDS } from './harness.js';
import {
  type Added,
  ON_MESSAGE,
  SEND,
  type SendOutcome,
  duplicates,
  ids,
  subscribeOn,
  trySend,
  useTwoNodes,
} from './support.js';

describe.runIf(CLUSTER_BACKENDS)('losing a node', () => {
  const { socketOn, A, B } = useTwoNodes();
  let users: Session[];
  beforeAll(async () => {
    users = await Promise.all(Array.from({ length: 6 }, () => signUp(B().url)));
  });

  it('keeps every acknowledged message through a kill -9, and a client resumes on the other node', async () => {
    const [reader, ...writerUsers] = users as [Session, ...Session[]];
    const roomId = await createRoom(B().url, reader.token);
    const watched = await subscribeOn(socketOn, A(), reader, roomId);

    // Four writers, two per node, each sending as fast as its node answers.
    let stopB = false;
    let ackedOnB = 0;
    const writers = writerUsers.slice(0, 4).map((user, w) => ({ user, node: w < 2 ? A() : B(), name: `w${w}` }));
    const runs = writers.map(async ({ user, node, name }) => {
      const acked: Message[] = [];
      const failed: { text: string; error: string; at: number }[] = [];
      for (let i = 0; ; i++) {
        if (node === B() && stopB) break;
        const text = `${name} ${i}`;
        const outcome: SendOutcome = await trySend(node.url, user.token, roomId, text);
        if (outcome.ok) {
          acked.push(outcome.message);
          if (node === B()) ackedOnB += 1;
        } else {
          failed.push({ text, error: outcome.error, at: Date.now() });
          break; // a writer whose node died stops; one whose node lives has failed the test
        }
      }
      return { name, node: node.name, acked, failed };
    });

    await watched.waitFor(150, 20_000);
    const killedAt = Date.now();
    const exit = await A().kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    const heardBeforeKill = ids(watched);
    // Node B's writers go on for a while after the crash.
    const ackedOnBAtKill = ackedOnB;
    await waitUntil(() => ackedOnB >= ackedOnBAtKill + 60, {
      timeoutMs: 20_000,
      what: "60 more sends acknowledged by node B after node A's crash",
    });
    stopB = true;
    const results = await Promise.all(runs);

    for (const run of results) {
      if (run.node === B().name) expect(run.failed, `${run.name} on node B (which lived) had sends fail`).toEqual([]);
      else
        expect(
          run.failed.filter((f) => f.at < killedAt),
          `${run.name} failed before the kill`,
        ).toEqual([]);
    }
    const acknowledged = results.flatMap((r) => r.acked);
    const stored = await history(B().url, reader.token, roomId);
    const storedIds = stored.map((m) => m.id);
    expect(duplicates(storedIds), 'duplicates in history').toEqual([]);
    const lost = acknowledged.filter((m) => !storedIds.includes(m.id));
    expect(
      lost.map((m) => m.text),
      'acknowledged, then missing from history',
    ).toEqual([]);
    // Anything stored but never acknowledged is a send that was in flight at the kill.
    const inFlight = new Set(results.flatMap((r) => r.failed.map((f) => f.text)));
    const ackedIds = new Set(acknowledged.map((m) => m.id));
    const unexplained = stored.filter((m) => !ackedIds.has(m.id) && !inFlight.has(m.text));
    expect(
      unexplained.map((m) => m.text),
      'stored but neither acknowledged nor in flight',
    ).toEqual([]);

    // What the subscriber on A heard before the crash is a gap-free start of history.
    expect(heardBeforeKill.length).toBeGreaterThanOrEqual(150);
    expect(heardBeforeKill, 'heard on node A before the kill vs history').toEqual(
      storedIds.slice(0, heardBeforeKill.length),
    );
    const lastSeen = heardBeforeKill.at(-1)!;

    // The client reconnects to B from the last message it saw.
    const resumed = socketOn(B(), reader).subscribe<Added>(ON_MESSAGE, { roomId, after: lastSeen });
    const missed = storedIds.slice(heardBeforeKill.length);
    await resumed.waitFor(missed.length, 15_000);
    const fence = await sendMessage(B().url, writerUsers[0]!.token, roomId, 'fence');
    await resumed.waitFor((items) => items.some((i) => i.messageAdded.id === fence.id), 10_000);
    expect(ids(resumed), 'resumed on node B after the last id seen').toEqual([...missed, fence.id]);
    const ackedAfterLastSeen = acknowledged.filter((m) => storedIds.indexOf(m.id) >= heardBeforeKill.length);
    expect(ackedAfterLastSeen.every((m) => ids(resumed).includes(m.id))).toBe(true);

    // Node A comes back on its port, on the same data, and talks to B again.
    await A().restart();
    expect((await history(A().url, reader.token, roomId)).map((m) => m.id)).toEqual([...storedIds, fence.id]);
    const back = await sendMessage(A().url, writerUsers[1]!.token, roomId, 'node A is back');
    await resumed.waitFor((items) => items.some((i) => i.messageAdded.id === back.id), 10_000);
    console.info(
      `kill -9: ${acknowledged.length} acknowledged, ${inFlight.size} in flight at the kill ` +
        `(${stored.length - acknowledged.length} of them stored), ${missed.length} resumed on node B`,
    );
  }, 90_000);

  it('closes sockets with 1001 on SIGTERM, exits 0, and loses or doubles no send that was in flight', async () => {
    if (!A().alive) await A().restart();
    const [alice, bob, carol] = users as [Session, Session, Session];
    const roomId = await createRoom(B().url, alice.token);
    const onB = await subscribeOn(socketOn, B(), carol, roomId);
    const onA = await subscribeOn(socketOn, A(), bob, roomId);
    const idle = socketOn(A(), carol);
    const sender = socketOn(A(), alice);
    await Promise.all([idle.connected, sender.connected]);
    const opened = [
      ['subscriber', onA.socket],
      ['idle', idle],
      ['sender', sender],
    ] as const;

    // Lanes that keep sends in flight, four over the socket and two over HTTP, each
    // starting its next send when the last is answered, until node A is gone.
    const sends: { clientId: string; text: string; outcome: SendOutcome; answeredAt: number }[] = [];
    const lane = async (via: 'ws' | 'http', n: number) => {
      for (let i = 0; ; i++) {
        const clientId = `${via}-${n}-${i}`;
        const text = `in flight ${clientId}`;
        const outcome =
          via === 'ws'
            ? await sendOverSocket(sender, roomId, text, clientId)
            : await trySend(A().url, alice.token, roomId, text, clientId);
        sends.push({ clientId, text, outcome, answeredAt: Date.now() });
        if (!outcome.ok) return;
      }
    };
    const lanes = [0, 1, 2, 3].map((n) => lane('ws', n)).concat([0, 1].map((n) => lane('http', n)));
    await waitUntil(() => sends.length >= 24, { timeoutMs: 15_000, what: '24 sends answered by node A' });
    const signalled = Date.now();
    const exit = await A().kill('SIGTERM');
    const exitMs = Date.now() - signalled;
    expect(exit, `node A's exit after SIGTERM\n${A().tail()}`).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(SHUTDOWN_DEADLINE_MS);
    for (const [what, socket] of opened) {
      expect((await socket.closed).code, `close code of the ${what} socket on node A`).toBe(1001);
    }
    await Promise.all(lanes);
    for (const { clientId, outcome } of sends) {
      if (!outcome.ok) continue;
      expect(outcome.message.text, clientId).toBe(`in flight ${clientId}`);
    }

    const storedByA = new Set((await history(B().url, alice.token, roomId)).map((m) => m.text));
    // Each send answered is stored; each that was not is retried on B with its clientId;
    // and a retry of one that was answered gets the same message back.
    const final: Message[] = [];
    for (const { clientId, text, outcome } of sends) {
      const retried = await sendMessage(B().url, alice.token, roomId, text, clientId);
      if (outcome.ok) expect(retried, `retry of answered ${clientId}`).toEqual(outcome.message);
      final.push(retried);
    }
    const stored = await history(B().url, alice.token, roomId);
    expect(stored.map((m) => m.text).sort(), 'each send stored exactly once').toEqual(sends.map((s) => s.text).sort());
    expect(new Set(final.map((m) => m.id))).toEqual(new Set(stored.map((m) => m.id)));

    // Nobody on B saw a duplicate either.
    const fence = await sendMessage(B().url, carol.token, roomId, 'fence');
    await onB.waitFor((items) => items.some((i) => i.messageAdded.id === fence.id), 10_000);
    expect(ids(onB)).toEqual([...stored.map((m) => m.id), fence.id]);
    const afterSignal = sends.filter((s) => s.outcome.ok && s.answeredAt >= signalled).length;
    const unanswered = sends.filter((s) => !s.outcome.ok);
    const storedAnyway = unanswered.filter((s) => storedByA.has(s.text)).length;
    console.info(
      `SIGTERM: exit ${exit.code} after ${exitMs} ms; ${afterSignal} sends answered after the signal, ` +
        `${unanswered.length} not answered (${storedAnyway} of those stored by node A): ` +
        unanswered
          .map(
            (s) =>
              `${s.clientId}${storedByA.has(s.text) ? ' (stored)' : ''}: ${'error' in s.outcome ? s.outcome.error : ''}`,
          )
          .join('; '),
    );
  }, 60_000);
});

/** sendMessage over a graphql-ws socket, as an outcome: a socket closed under it is a failure. */
async function sendOverSocket(
  socket: TestSocket,
  roomId: string,
  text: string,
  clientId: string,
): Promise<SendOutcome> {
  try {
    const result = await socket.request<{ sendMessage: Message }>(SEND, { roomId, text, clientId });
    if (result.data?.sendMessage) return { ok: true, message: result.data.sendMessage };
    return { ok: false, error: JSON.stringify(result.errors) };
  } catch (error) {
    const { code, reason } = error as { code?: number; reason?: string };
    return { ok: false, error: code ? `socket closed ${code} ${reason}` : String(error) };
  }
}
