/**
 * A worker process of the storm load generator (generator.ts forks it under tsx): it
 * holds its share of the subscribers' sockets, reads every benchmark message's marker
 * straight from the frame, and keeps its counts here; the coordinator asks for them over
 * IPC. Per delivery it does a few comparisons and one histogram increment, so that the
 * workers together stay well below the server's CPU on the same two cores.
 */
import { createClient } from 'graphql-ws';
import { retryAfterFromClose, retryDelay } from '../../../web/lib/urql/retry.js';
import WebSocket from 'ws';
import { Histogram } from './histogram.js';
import {
  type Command,
  type Done,
  type FrameCounts,
  type FromWorker,
  type OpenSpec,
  type SubscriptionSpec,
  type VerifyResult,
  wallMs,
  type WorkerStats,
} from './protocol.js';

/** Sockets this worker opens at once. */
const CONNECT_CONCURRENCY = 64;
/** How long a socket may take from opening to acknowledged. */
const READY_TIMEOUT_MS = 30_000;
/** Problems kept in full; the rest are counted. */
const PROBLEMS_KEPT = 20;
/** Lost messages listed in `verify`'s examples. */
const EXAMPLES_KEPT = 10;

const MARK = Buffer.from('b~');
/** In a `next` frame of the benchmark subscription, where the message (and its id) starts. */
const MESSAGE_ID = Buffer.from('{"id":"');
const QUOTE = 0x22;
const DIGIT_0 = 0x30;
const DOT = 0x2e;
const LETTER_M = 0x6d;
const LETTER_W = 0x77;

interface Sub {
  node: number;
  /** `next` frames per subscription of its group, by index. */
  frames: Int32Array;
  tracked: boolean;
  /** Per writer: how often each k arrived (0, 1, more: duplicates). */
  got: Uint8Array[];
  /** Per writer: the highest k seen. */
  maxK: number[];
  /** Per writer: the lowest k not yet seen. */
  contiguous: number[];
  warm: number;
  caughtUpAt: number;
  live: boolean;
  /** graphql-ws: where the client is (waiting to retry, connecting, opened, connected). */
  state: string;
  connectedOnce: boolean;
  close?: () => void;
}

interface Group {
  spec: OpenSpec;
  ids: string[];
  subs: Sub[];
}

let worker = -1;
let ports: number[] = [];
const groups: Group[] = [];
const subs: Sub[] = [];
let trackedCount = 0;
let measuring = false;
let deliveries = 0;
let deliveriesByNode: number[] = [];
let duplicates = 0;
let outOfOrder = 0;
let reconnects = 0;
let closes = 0;
let closingAll = false;
/** Raw sockets refused for now (1013) while opening, and opened again later. */
let refusals = 0;
/** graphql-ws: close events by code. */
const closeCodes: Record<string, number> = {};
const latency = { same: new Histogram(), cross: new Histogram() };
/** Per writer, per k: tracked subscribers here that have it. */
const holders: Int32Array[] = [];
let catchUpTarget: [number, number][] | undefined;
const problems: string[] = [];
let problemCount = 0;

function problem(what: string): void {
  if (++problemCount <= PROBLEMS_KEPT) problems.push(what);
}

function send(message: FromWorker): void {
  process.send?.(message);
}

/** Grows `a` to hold index `i`. */
function room<T extends Uint8Array | Int32Array>(a: T, i: number, make: (n: number) => T): T {
  if (i < a.length) return a;
  const b = make(Math.max(a.length * 2, i + 64));
  b.set(a);
  return b;
}

/** The number written in ASCII at `at` (digits, optionally a fraction), and where it ends. */
function readNumber(frame: Buffer, at: number): [number, number] {
  let value = 0;
  let i = at;
  for (let c = frame[i]!; c >= DIGIT_0 && c <= DIGIT_0 + 9; c = frame[++i]!) value = value * 10 + c - DIGIT_0;
  if (frame[i] === DOT) {
    let scale = 0.1;
    for (let c = frame[++i]!; c >= DIGIT_0 && c <= DIGIT_0 + 9; c = frame[++i]!, scale /= 10)
      value += (c - DIGIT_0) * scale;
  }
  return [value, i];
}

/** How a `next` frame of subscription `id` starts, as the server writes it. */
const nextFramePrefix = (id: string): Buffer => Buffer.from(`{"id":${JSON.stringify(id)},"type":"next"`);

/** Whether `data` starts with `prefix` (and has more after it). */
const startsWith = (data: Buffer, prefix: Buffer): boolean =>
  data.length > prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

function caughtUp(sub: Sub): boolean {
  for (const [w, upTo] of catchUpTarget!) if ((sub.contiguous[w] ?? 0) <= upTo) return false;
  return true;
}

/** A benchmark message (w, k) sent from node n at epoch ms t reached `sub` at `now`. */
function deliver(sub: Sub, w: number, k: number, n: number, t: number, now: number): void {
  if (measuring) {
    deliveries++;
    deliveriesByNode[sub.node]!++;
    (n === sub.node ? latency.same : latency.cross).add(now - t);
  }
  const got = (sub.got[w] = room(sub.got[w] ?? new Uint8Array(0), k, (m) => new Uint8Array(m)));
  if (got[k]) {
    duplicates++;
    if (got[k] < 255) got[k]++;
    return;
  }
  got[k] = 1;
  if (k < (sub.maxK[w] ?? -1)) outOfOrder++;
  else sub.maxK[w] = k;
  let c = sub.contiguous[w] ?? 0;
  while (c < got.length && got[c]) c++;
  sub.contiguous[w] = c;
  const h = (holders[w] = room(holders[w] ?? new Int32Array(0), k, (m) => new Int32Array(m)));
  if (++h[k]! === trackedCount) send({ type: 'done', worker, w, k, at: now } satisfies Done);
  if (catchUpTarget && sub.caughtUpAt < 0 && caughtUp(sub)) sub.caughtUpAt = now;
}

/** Reads the marker of a tracked frame (raw bytes). */
function onTrackedFrame(sub: Sub, frame: Buffer): void {
  const at = frame.indexOf(MARK);
  if (at < 0) return;
  const kind = frame[at + 2];
  if (kind === LETTER_W) {
    const [n] = readNumber(frame, at + 4);
    if (n > sub.warm) sub.warm = n;
    return;
  }
  if (kind !== LETTER_M) return;
  const now = wallMs();
  const [w, e1] = readNumber(frame, at + 4);
  const [k, e2] = readNumber(frame, e1 + 1);
  const [n, e3] = readNumber(frame, e2 + 1);
  const [t] = readNumber(frame, e3 + 1);
  deliver(sub, w, k, n, t, now);
}

function newSub(node: number, subscriptions: number, tracked: boolean): Sub {
  return {
    node,
    frames: new Int32Array(subscriptions),
    tracked,
    got: [],
    maxK: [],
    contiguous: [],
    warm: -1,
    caughtUpAt: -1,
    live: false,
    state: 'new',
    connectedOnce: false,
  };
}

/** graphql-transport-ws spoken directly; resolves once acknowledged and subscribed. */
function openRaw(group: Group, sub: Sub, token: string): Promise<void> {
  const { subscriptions } = group.spec;
  const prefixes = subscriptions.map((s) => nextFramePrefix(s.id));
  const trackedIndex = subscriptions.findIndex((s) => s.track);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${ports[sub.node]}/graphql`, 'graphql-transport-ws', {
      perMessageDeflate: false,
    });
    let closing = false;
    sub.close = () => {
      closing = true;
      ws.terminate();
    };
    const timer = setTimeout(() => {
      sub.close!();
      reject(new Error(`not acknowledged within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    const onNext = (i: number, data: Buffer) => {
      sub.frames[i]!++;
      if (i === trackedIndex) onTrackedFrame(sub, data);
    };
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authToken: token } })));
    ws.on('message', (data: Buffer) => {
      for (let i = 0; i < prefixes.length; i++) if (startsWith(data, prefixes[i]!)) return onNext(i, data);
      const message = JSON.parse(String(data)) as { type: string; id?: string; payload?: unknown };
      switch (message.type) {
        case 'ping':
          return ws.send('{"type":"pong"}');
        case 'pong':
          return;
        case 'connection_ack':
          for (const s of subscriptions)
            ws.send(
              JSON.stringify({ id: s.id, type: 'subscribe', payload: { query: s.query, variables: s.variables } }),
            );
          sub.live = true;
          sub.state = 'connected';
          clearTimeout(timer);
          return resolve();
        case 'next': {
          const i = subscriptions.findIndex((s) => s.id === message.id);
          if (i >= 0) return onNext(i, data);
          return problem(`next for unknown operation ${message.id}`);
        }
        case 'error':
          return problem(`error on ${message.id}: ${JSON.stringify(message.payload).slice(0, 300)}`);
        case 'complete':
          return problem(`the server completed ${message.id}`);
        default:
          return problem(`unexpected frame: ${String(data).slice(0, 200)}`);
      }
    });
    ws.on('close', (code, reason) => {
      const wasLive = sub.live;
      sub.live = false;
      if (closing || closingAll) return;
      clearTimeout(timer);
      closeCodes[String(code)] = (closeCodes[String(code)] ?? 0) + 1;
      // Admission's "try again later" before the socket was ours: come back when told.
      const retryAfterMs = retryAfterFromClose(code, String(reason));
      if (!wasLive && retryAfterMs > 0) return reject(new RetryLater(retryAfterMs));
      closes++;
      problem(`socket closed by the server (${code} ${String(reason)})`);
      reject(new Error(`closed before ready (${code})`));
    });
    ws.on('error', (error) => {
      if (!closing && !closingAll) problem(`socket error: ${error.message}`);
    });
  });
}

/** A socket the node refused for now (1013), with how long to wait before trying again. */
class RetryLater extends Error {
  constructor(readonly ms: number) {
    super(`retry after ${ms} ms`);
  }
}

/**
 * The WebSocket a graphql-ws client is given: graphql-ws speaks the protocol on it (sign-in,
 * pings, closes, retries, resubscribing) as in any program, but the `next` frames of the
 * benchmark subscription (those starting with `prefix`) are handed to `onNext` as bytes,
 * read as the raw clients read theirs, instead of being parsed into objects for graphql-ws
 * to pass on. What a client does is the same; the load generator spends less of the cores
 * it shares with the node it measures.
 */
function socketReadingNext(prefix: Buffer, onNext: (data: Buffer) => void): unknown {
  return class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { perMessageDeflate: false });
      let onmessage: ((event: { data: string }) => void) | null = null;
      // graphql-ws reads every other frame through `onmessage`.
      Object.defineProperty(this, 'onmessage', {
        get: () => onmessage,
        set: (handler: typeof onmessage) => (onmessage = handler),
      });
      this.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary && startsWith(data, prefix)) return onNext(data);
        onmessage?.({ data: String(data) });
      });
    }
  };
}

/**
 * A graphql-ws client as a third-party program runs one: retries forever with jittered
 * exponential backoff, and resumes its subscription from the last message it saw.
 */
function openGraphqlWs(group: Group, sub: Sub, token: string): Promise<void> {
  const spec = group.spec.subscriptions[0]!;
  // Its own variables object: `after` is moved forward in place, and graphql-ws sends
  // this same payload again each time it resubscribes after a reconnect.
  const variables: Record<string, unknown> = { ...spec.variables };
  const payload = { query: spec.query, variables };
  const prefix = nextFramePrefix(spec.id);
  const onNext = (data: Buffer) => {
    sub.frames[0]!++;
    const at = data.indexOf(MESSAGE_ID, prefix.length);
    if (at < 0) return problem(`a result without data: ${String(data).slice(0, 300)}`);
    const start = at + MESSAGE_ID.length;
    variables.after = data.toString('latin1', start, data.indexOf(QUOTE, start));
    if (spec.track) onTrackedFrame(sub, data);
  };
  let askedToWaitMs = 0;
  return new Promise((resolve) => {
    const client = createClient({
      url: `ws://127.0.0.1:${ports[sub.node]}/graphql`,
      webSocketImpl: socketReadingNext(prefix, onNext),
      generateID: () => spec.id,
      connectionParams: { authToken: token },
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait: async (retries) => {
        // The web UI's backoff (web/lib/urql/ws.ts): the server's turn, else full jitter.
        const delay = retryDelay(retries, askedToWaitMs);
        askedToWaitMs = 0;
        await new Promise((r) => setTimeout(r, delay));
      },
      on: {
        connecting: () => {
          sub.state = 'connecting';
        },
        opened: () => {
          sub.state = 'opened';
        },
        connected: () => {
          sub.state = 'connected';
          if (sub.connectedOnce) reconnects++;
          sub.connectedOnce = true;
          sub.live = true;
          resolve();
        },
        closed: (event) => {
          const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
          sub.state = 'closed';
          closeCodes[String(code)] = (closeCodes[String(code)] ?? 0) + 1;
          if (sub.live && !closingAll) closes++;
          sub.live = false;
          askedToWaitMs = retryAfterFromClose(code, reason);
        },
      },
    });
    sub.close = () => void client.dispose();
    // Its `next` frames go to `onNext` above, from the socket.
    client.subscribe(payload, {
      next: () => problem('a next frame reached graphql-ws'),
      error: (error) => problem(`subscription error: ${JSON.stringify(error).slice(0, 300)}`),
      complete: () => {
        if (!closingAll) problem('the subscription completed');
      },
    });
  });
}

async function open(spec: OpenSpec): Promise<{ opened: number; failed: number; seconds: number }> {
  const tracked = spec.subscriptions.some((s: SubscriptionSpec) => s.track);
  if (spec.kind === 'graphql-ws' && spec.subscriptions.length !== 1)
    throw new Error('a graphql-ws group runs one subscription');
  const group: Group = { spec, ids: spec.subscriptions.map((s) => s.id), subs: [] };
  groups.push(group);
  const count = spec.nodes.length;
  for (let i = 0; i < count; i++) {
    const sub = newSub(spec.nodes[i]!, spec.subscriptions.length, tracked);
    group.subs.push(sub);
    subs.push(sub);
    if (tracked) trackedCount++;
  }
  const started = performance.now();
  let next = 0;
  let opened = 0;
  let failed = 0;
  const gap = spec.openPerSecond > 0 ? 1000 / spec.openPerSecond : 0;
  await Promise.all(
    Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, async () => {
      while (next < count) {
        const i = next++;
        if (gap) {
          const wait = started + i * gap - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        const sub = group.subs[i]!;
        for (;;) {
          try {
            await (spec.kind === 'raw'
              ? openRaw(group, sub, spec.tokens[i]!)
              : openGraphqlWs(group, sub, spec.tokens[i]!));
            opened++;
          } catch (error) {
            if (error instanceof RetryLater) {
              refusals++;
              await new Promise((r) => setTimeout(r, error.ms));
              continue;
            }
            failed++;
            problem(`open: ${error instanceof Error ? error.message : String(error)}`);
            // It will never see a message: leave it out of what "everyone" means.
            if (sub.tracked) {
              sub.tracked = false;
              trackedCount--;
            }
          }
          break;
        }
      }
    }),
  );
  return { opened, failed, seconds: (performance.now() - started) / 1000 };
}

function stats(withCatchUp: boolean): WorkerStats {
  const frames: Record<string, FrameCounts> = {};
  for (const group of groups) {
    group.ids.forEach((id, i) => {
      const f = (frames[id] ??= { total: 0, minPerSubscriber: Infinity, maxPerSubscriber: 0 });
      for (const sub of group.subs) {
        const n = sub.frames[i]!;
        f.total += n;
        if (n < f.minPerSubscriber) f.minPerSubscriber = n;
        if (n > f.maxPerSubscriber) f.maxPerSubscriber = n;
      }
    });
  }
  let warmMin = Infinity;
  const caughtUpAt: number[] = [];
  for (const sub of subs) {
    if (!sub.tracked) continue;
    if (sub.warm < warmMin) warmMin = sub.warm;
    if (withCatchUp) caughtUpAt.push(sub.caughtUpAt);
  }
  const cpu = process.cpuUsage();
  const states: Record<string, number> = {};
  for (const sub of subs) states[sub.state] = (states[sub.state] ?? 0) + 1;
  return {
    states,
    closeCodes: { ...closeCodes },
    refusals,
    worker,
    subscribers: subs.length,
    live: subs.filter((s) => s.live).length,
    reconnects,
    closes,
    frames,
    deliveries,
    deliveriesByNode,
    latency: { same: latency.same.sparse(), cross: latency.cross.sparse() },
    warmMin: warmMin === Infinity ? null : warmMin,
    caughtUpAt: withCatchUp ? caughtUpAt : undefined,
    problems: [...problems],
    problemCount,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

function verify(acked: Record<number, number[]>): VerifyResult {
  let lost = 0;
  let subscribersMissing = 0;
  const examples: string[] = [];
  subs.forEach((sub, i) => {
    if (!sub.tracked) return;
    let missing = 0;
    for (const [w, ks] of Object.entries(acked)) {
      const got = sub.got[Number(w)];
      for (const k of ks) {
        if (got?.[k]) continue;
        missing++;
        if (examples.length < EXAMPLES_KEPT)
          examples.push(`worker ${worker} subscriber ${i}: writer ${w} message ${k}`);
      }
    }
    lost += missing;
    if (missing) subscribersMissing++;
  });
  return { lost, duplicates, outOfOrder, subscribersMissing, examples };
}

function closeAll(): void {
  closingAll = true;
  for (const sub of subs) sub.close?.();
}

async function handle(command: Command): Promise<void> {
  const { seq } = command;
  try {
    switch (command.type) {
      case 'init':
        worker = command.worker;
        ports = command.ports;
        deliveriesByNode = ports.map(() => 0);
        return send({ seq, type: 'ok' });
      case 'open':
        return send({ seq, type: 'opened', ...(await open(command.spec)) });
      case 'stats':
        return send({ seq, type: 'stats', stats: stats(command.withCatchUp ?? false) });
      case 'measure':
        measuring = command.on;
        if (command.on) {
          deliveries = 0;
          deliveriesByNode.fill(0);
          latency.same.reset();
          latency.cross.reset();
          for (const sub of subs) sub.frames.fill(0);
        }
        return send({ seq, type: 'ok' });
      case 'catchUp':
        catchUpTarget = Object.entries(command.upTo).map(([w, k]) => [Number(w), k]);
        for (const sub of subs) if (sub.tracked && sub.caughtUpAt < 0 && caughtUp(sub)) sub.caughtUpAt = wallMs();
        return send({ seq, type: 'ok' });
      case 'verify':
        return send({ seq, type: 'verified', result: verify(command.acked) });
      case 'close':
        closeAll();
        send({ seq, type: 'ok' });
        // Let the answer leave before the channel goes.
        setTimeout(() => process.exit(0), 50);
        return;
    }
  } catch (error) {
    send({ seq, type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

process.on('message', (command: Command) => void handle(command));
// The coordinator is gone (crashed, killed): nothing is left to report to.
process.on('disconnect', () => {
  closeAll();
  process.exit(0);
});
