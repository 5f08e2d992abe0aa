import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { MESSAGE_MAX_CHARS, WS_MAX_BUFFERED_BYTES } from '../../server/limits.js';
import { type Session, createRoom, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import {
  type BareSocket,
  bareSocket,
  gaugesAtZero,
  initialised,
  pauseReading,
  percentile,
  rejected,
  resumeReading,
  round,
  tcp,
} from './support.js';

/**
 * A subscriber whose socket never reads must cost the server a bounded buffer, then be
 * dropped, and must not slow the others down meanwhile.
 *
 * Its client's kernel takes ~5 MiB before the server holds a byte (so messages are
 * large, near MESSAGE_MAX_CHARS). While the kernel fills, the server cannot tell it from
 * a reader; what the defence is about is what comes next: the server holding its unsent
 * frames, up to WS_MAX_BUFFERED_BYTES, and then dropping it. Each run therefore fills
 * that kernel first (quickly, with the same messages for both conditions), waits for the
 * readers to catch up, and then measures at a steady pace until the drop. (On one
 * machine the client's kernel is the server's kernel too: the fill phase is left out of
 * the comparison because the cost of a receive queue growing to megabytes would be the
 * client host's, not the server's, in a real deployment.)
 */

/** Readers besides the one under test. */
const READERS = 10;
/** Measured phase: one message every this many ms, steady, well below capacity. */
const PACE_MS = 3;
/** Fill phase: one message every this many ms. */
const FILL_PACE_MS = 1;
/** Server-side unsent bytes that mean the client's kernel has stopped taking more. */
const KERNEL_FULL_BYTES = 64 * 1024;
/** Messages past the drop of the slow consumer, so both conditions end the same way. */
const SLACK = 60;
/** Runs of each condition, alternating S B B S S B…, so noise from the rest of the machine falls on both. */
const RUNS_EACH = 5;
/**
 * What one garbage collection or one descheduling on 2 shared cores adds to a p99 of a few
 * milliseconds (CI saw 3.7 -> 6.7 ms with nothing else changed, and 6.4 -> 7.3 ms here):
 * below it, 1.5x of a 4 ms p99 is noise, so the comparison allows whichever is larger.
 */
const P99_NOISE_MS = 5;
/** sendMessage calls sent and not yet answered, at most. */
const MAX_IN_FLIGHT = 32;
/** Most messages a calibration run may take before the slow consumer must have been dropped. */
const MAX_MESSAGES = 8_000;
const TEXT_CHARS = MESSAGE_MAX_CHARS - 10;

let server: TestServer;
let sender: Session;
let reader: Session;
beforeAll(async () => {
  // What is under test is the socket layer, the same over every backend. On 2 cores,
  // PostgreSQL's commits and Redis's round trips (CI's second pass) add tens of ms of
  // noise to both conditions and would decide the 1.5x comparison, not the defence.
  server = await startServer({}, { embedded: true });
  [sender, reader] = await Promise.all([signUp(server.url), signUp(server.url)]);
});
afterAll(() => server?.stop());

const SEND = 'mutation($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { id } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Subscriber {
  socket: BareSocket;
  /** Latency (ms) of each numbered message, as this subscriber saw it. */
  latency: Map<number, number>;
  warm: boolean;
}

/** A `messageAdded` subscriber in `roomId` on its own socket, timing each message. */
async function subscriber(roomId: string, sentAt: Map<number, number>): Promise<Subscriber> {
  const socket = await bareSocket(server.wsUrl);
  await initialised(socket, reader.token);
  const sub: Subscriber = { socket, latency: new Map(), warm: false };
  socket.ws.on('message', (data) => {
    const text = String(data);
    const at = text.indexOf('"text":"');
    if (at < 0) return;
    const mark = /^([mw])(\d+):/.exec(text.slice(at + 8, at + 30));
    if (!mark) return;
    if (mark[1] === 'w') sub.warm = true;
    else sub.latency.set(Number(mark[2]), performance.now() - sentAt.get(Number(mark[2]))!);
  });
  socket.stopRecording(); // only the timing above is kept: 4 KB × thousands of frames
  socket.ws.send(
    JSON.stringify({
      type: 'subscribe',
      id: 'm',
      payload: { query: 'subscription($r: ID!) { messageAdded(roomId: $r) { text } }', variables: { r: roomId } },
    }),
  );
  return sub;
}

interface Run {
  messages: number;
  /** Index of the message being sent when the server first held KERNEL_FULL_BYTES for the extra socket. */
  kernelFullAt: number;
  /** Index of the message being sent when the slow consumer was dropped (or `messages`). */
  droppedAt: number;
  bufferedAtDrop: number | undefined;
  /** The readers' latencies for messages in [from, to). */
  latencies: (from: number, to: number) => number[];
}

/**
 * One run in a fresh room: READERS readers plus one more that reads (`slow` false) or
 * never does (`slow` true). With a plan, messages [0, fill) go at FILL_PACE_MS, then
 * (once the readers have them all) messages [fill, count) at PACE_MS; without one
 * (calibration), messages go at FILL_PACE_MS until the slow consumer is dropped.
 */
async function run(slow: boolean, plan?: { fill: number; count: number }): Promise<Run> {
  const roomId = await createRoom(server.url, sender.token);
  const sentAt = new Map<number, number>();
  const { fanout } = server.app.services;
  // The server's side of each subscriber's socket, to read its unsent bytes.
  const serverSockets: WebSocket[] = [];
  const subscribe = fanout.subscribe.bind(fanout);
  const capture = vi.spyOn(fanout, 'subscribe').mockImplementation((...args) => {
    serverSockets.push(args[4].socket);
    return subscribe(...args);
  });
  const readers = await Promise.all(Array.from({ length: READERS }, () => subscriber(roomId, sentAt)));
  const extra = await subscriber(roomId, sentAt);
  const out = await bareSocket(server.wsUrl);
  await initialised(out, sender.token);
  out.stopRecording();
  let completed = 0;
  out.ws.on('message', (data) => {
    if (String(data).includes('"complete"')) completed += 1;
  });
  let op = 0;
  const send = (text: string) =>
    out.ws.send(
      JSON.stringify({ type: 'subscribe', id: `s${op++}`, payload: { query: SEND, variables: { roomId, text } } }),
    );
  // Barrier: every subscription is live once each has had a warm-up message.
  await waitUntil(
    () => {
      send('w0:'.padEnd(64, '.'));
      return [...readers, extra].every((s) => s.warm);
    },
    { timeoutMs: 10_000, intervalMs: 100, what: 'every subscriber live' },
  );
  capture.mockRestore();
  const extraOnServer = serverSockets.find((ws) => tcp(ws).remotePort === tcp(extra.socket.ws).localPort)!;
  expect(extraOnServer).toBeDefined();
  await sleep(200);
  if (slow) pauseReading(extra.socket.ws);

  const drops = await rejected(server, 'slow_consumer');
  const drop = fanout.dropSlowConsumer.bind(fanout);
  let bufferedAtDrop: number | undefined;
  let droppedAt = Infinity;
  let kernelFullAt = Infinity;
  let i = 0;
  const spy = vi.spyOn(fanout, 'dropSlowConsumer').mockImplementation((socket) => {
    bufferedAtDrop ??= socket.bufferedAmount;
    droppedAt = Math.min(droppedAt, i);
    drop(socket);
  });
  const padding = 'x'.repeat(TEXT_CHARS);
  const paced = async (from: number, to: () => number, pace: number) => {
    const started = performance.now();
    for (i = from; i < to(); i++) {
      const wait = started + (i - from) * pace - performance.now();
      if (wait > 1) await sleep(wait);
      else if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
      // Never far ahead of the server (a slower store, PostgreSQL, takes longer per message).
      while (op - completed > MAX_IN_FLIGHT) await sleep(1);
      if (kernelFullAt === Infinity && extraOnServer.bufferedAmount > KERNEL_FULL_BYTES) kernelFullAt = i;
      sentAt.set(i, performance.now());
      send(`m${i}:${padding}`.slice(0, TEXT_CHARS));
    }
  };
  const allAt = (subs: Subscriber[], n: number) =>
    waitUntil(() => subs.every((r) => r.latency.size === n), {
      timeoutMs: 20_000,
      what: `${n} messages at every reader`,
    });
  if (plan) {
    await paced(0, () => plan.fill, FILL_PACE_MS);
    await allAt(readers, plan.fill);
    await paced(plan.fill, () => plan.count, PACE_MS);
  } else {
    await paced(0, () => Math.min(MAX_MESSAGES, droppedAt + SLACK), FILL_PACE_MS);
  }
  const messages = i;
  spy.mockRestore();
  await allAt(readers, messages);
  if (slow) {
    expect(droppedAt, 'the slow consumer was dropped').toBeLessThan(messages);
    expect(await rejected(server, 'slow_consumer')).toBe(drops + 1);
    // What it had not read arrives once it reads again, then the close the server sent.
    resumeReading(extra.socket.ws);
    expect((await extra.socket.closed).code).toBe(1006);
    expect(extra.latency.size).toBeLessThan(messages);
  } else {
    await allAt([extra], messages);
  }
  for (const s of [...readers, extra, { socket: out }]) s.socket.ws.close(1000);
  await gaugesAtZero(server);
  return {
    messages,
    kernelFullAt,
    droppedAt: Math.min(droppedAt, messages),
    bufferedAtDrop,
    latencies: (from, to) =>
      readers.flatMap((r) => [...r.latency].filter(([n]) => n >= from && n < to).map(([, ms]) => ms)),
  };
}

describe('slow consumers', () => {
  // Once more if it fails: on PostgreSQL + Redis about one run in five (here and in CI, before
  // and after the fan-out's turns) has every slow-consumer round slower, tens of
  // milliseconds at p50, while the rounds between them are not. Not understood yet; a
  // consumer that held up the others every time would fail both tries.
  it(
    "drops a messageAdded subscriber that never reads past the bound, and the others' p99 stays within 1.5x meanwhile",
    { retry: 1, timeout: 150_000 },
    async () => {
      // Calibration (and warm-up): how many messages fill the client's kernel, and a drop.
      const calibration = await run(true);
      console.info(
        `[slow consumer, messageAdded] calibration: the server started holding bytes at message ${calibration.kernelFullAt} ` +
          `and dropped the socket that never reads at message ${calibration.droppedAt} (messages of ${TEXT_CHARS} chars), ` +
          `with ${calibration.bufferedAtDrop} bytes unsent (bound ${WS_MAX_BUFFERED_BYTES})`,
      );
      expect(calibration.kernelFullAt).toBeLessThan(calibration.droppedAt);
      const plan = { fill: calibration.kernelFullAt, count: calibration.droppedAt + SLACK };

      const runs = { slow: [] as Run[], base: [] as Run[] };
      for (let k = 0; k < RUNS_EACH * 2; k++) {
        const slow = [0, 3].includes(k % 4); // S B B S, S B B S, …
        (slow ? runs.slow : runs.base).push(await run(slow, plan));
      }
      // While every slow consumer sat there with the server holding its bytes.
      const [from, to] = [plan.fill, Math.min(...runs.slow.map((r) => r.droppedAt))];
      const p99s = (list: Run[]) => list.map((r) => percentile(r.latencies(from, to), 99));
      const p50s = (list: Run[]) => list.map((r) => percentile(r.latencies(from, to), 50));
      const fillP99s = (list: Run[]) => list.map((r) => percentile(r.latencies(0, from), 99));
      // The rest of the machine only ever adds latency: a run it disturbed has a p99 several
      // times the others (CI saw 15 ms runs beside 70 ms ones in either condition). The lower
      // quartile of the runs' p99s is the condition's own cost; a slow consumer that held up
      // the others would raise every one of its runs, the quietest included.
      const quiet = (xs: number[]) => percentile(xs, 25);
      const [slowP99, baseP99] = [quiet(p99s(runs.slow)), quiet(p99s(runs.base))];
      const ms = (xs: number[]) => xs.map((x) => round(x, 1)).join(', ');
      console.info(
        `[slow consumer, latency] ${READERS} readers + 1; ${plan.count} messages a run, ${RUNS_EACH} runs each way; ` +
          `the one that never reads was dropped at messages ${runs.slow.map((r) => r.droppedAt).join(', ')} ` +
          `with ${runs.slow.map((r) => r.bufferedAtDrop).join(', ')} bytes unsent; ` +
          `readers' latency over messages ${from}-${to} (one every ${PACE_MS} ms, the server holding its bytes): ` +
          `p50 without ${ms(p50s(runs.base))} ms, with ${ms(p50s(runs.slow))} ms; ` +
          `p99 without ${ms(p99s(runs.base))} ms, with ${ms(p99s(runs.slow))} ms; ` +
          `lower-quartile p99 ${round(baseP99, 2)} ms without → ${round(slowP99, 2)} ms with it ` +
          `(fill phase, not compared: p99 without ${ms(fillP99s(runs.base))} ms, with ${ms(fillP99s(runs.slow))} ms)`,
      );
      for (const r of [calibration, ...runs.slow]) {
        expect(r.bufferedAtDrop).toBeGreaterThan(WS_MAX_BUFFERED_BYTES);
        // Checked before each write: past the bound by at most the frame that crossed it.
        expect(r.bufferedAtDrop).toBeLessThanOrEqual(WS_MAX_BUFFERED_BYTES + TEXT_CHARS + 100);
      }
      // The window is the server holding up to 1 MiB of 4 KB frames: a couple of hundred messages.
      expect(to - from).toBeGreaterThan(100);
      for (const r of [...runs.slow, ...runs.base]) expect(r.latencies(from, to).length).toBe(READERS * (to - from));
      expect(slowP99).toBeLessThanOrEqual(Math.max(1.5 * baseP99, baseP99 + P99_NOISE_MS));
    },
  );
});
