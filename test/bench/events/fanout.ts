/**
 * Part A: fan-out of new messages to N subscribers of one room, on one server.
 *
 * Order of a run: start the server; sign up the users (Parley); open the senders' sockets;
 * read the server's idle CPU and RSS; open the N subscribers; warm-up messages until every
 * subscriber has received one (then every subscription is live) and one more that all
 * must receive (nothing of the warm-up is still in flight); read RSS again; then send for
 * the duration and wait until every subscriber has every message (or DRAIN_TIMEOUT_MS).
 *
 * Each message's text carries a marker `b~m:<sender>:<k>` (warm-up: `b~w:<n>`), read
 * straight from the received bytes. A subscriber must receive every sender's k = 0, 1, 2…
 * each once and in that order, and the messages' `seq` strictly increasing: the room's
 * one order. Latency is from the send to the moment the last of the N subscribers has the
 * message; saturate mode sends a sender's next message at that moment.
 */
import { type Author, Client, openMany } from './clients.js';
import { cpuWindow } from './server-process.js';
import {
  type Account,
  BARRIER_TIMEOUT_MS,
  type BenchFeed,
  DRAIN_TIMEOUT_MS,
  fakeAccounts,
  percentile,
  problemLog,
  PROTO,
  ROOM,
  SEND,
  signUpMany,
  sleep,
  startTarget,
  type Target,
  waitFor,
  WARM_INTERVAL_MS,
} from './targets.js';

export interface FanoutSettings {
  subscribers: number;
  senders: number;
  users: number;
  durationMs: number;
  mode: 'saturate' | 'rate';
  /** Messages per second over all senders, in rate mode. */
  rate: number;
  /** The subscription under load. */
  feed: BenchFeed;
}

export interface FanoutResult {
  target: Target;
  mode: 'saturate' | 'rate';
  subscribers: number;
  senders: number;
  seconds: number;
  messagesSent: number;
  deliveries: number;
  deliveriesPerSec: number;
  lost: number;
  /** Deliveries that came twice, or after a later message of their sender or the room. */
  outOfOrder: number;
  latencyMs: { p50: number; p99: number; max: number };
  cpuUsPerDelivery: number;
  /** Cores the server used on average while measured. */
  serverCores: number;
  /** Cores this process (the load generator) used meanwhile: near 1, it is the bottleneck. */
  loadgenCores: number;
  /** Cores everything else on the machine used meanwhile: noise when far from 0. */
  otherCores: number;
  rssIdleMB: number;
  rssLoadedMB: number;
  kbPerSubscriber: number;
  /** Bytes of one delivered frame, whole (protocol envelope included). */
  frameBytes: number;
  connectSeconds: number;
  problems: string[];
}

/** Marker bytes that start every benchmark message's text. */
const MARK = Buffer.from('b~');
const SEQ_KEY = Buffer.from('"seq":');
const WARM = 0x77; // 'w'
const DIGIT_0 = 0x30;
/** Sender index bound, so (k, sender) packs into one number. */
const MAX_SENDERS = 1024;
/** After the barrier, before reading the loaded RSS: let the last allocations settle. */
const SETTLE_MS = 1_000;
/** After sign-up and before reading the idle RSS. */
const IDLE_SETTLE_MS = 500;
/** Saturate mode: a sender whose message never reaches everyone moves on after this. */
const SATURATE_WAIT_MS = 5_000;

/** The non-negative integer written in ASCII at `at`, and where it ends. */
function readInt(frame: Buffer, at: number): [number, number] {
  let value = 0;
  let i = at;
  for (let c = frame[i]!; c >= DIGIT_0 && c <= DIGIT_0 + 9; c = frame[++i]!) value = value * 10 + c - DIGIT_0;
  return [value, i];
}

interface Subscriber {
  /** Per sender, the k it must receive next. */
  next: Int32Array;
  lastSeq: number;
  warmSeen: number;
  /** (k, sender) skipped by a gap, packed as k * MAX_SENDERS + sender; created on the first gap. */
  missing?: Set<number>;
}

export async function runFanout(target: Target, settings: FanoutSettings): Promise<FanoutResult> {
  const { subscribers: N, senders: S, users: U } = settings;
  if (S > MAX_SENDERS) throw new Error(`at most ${MAX_SENDERS} senders`);
  const problems = problemLog();
  const { problem } = problems;

  const { feed } = settings;
  const server = await startTarget(target, feed);
  const clients: Client[] = [];
  try {
    const accounts: Account[] =
      target === 'project' ? await signUpMany(server.url, 'eva_', U) : fakeAccounts('eva_', U);
    const proto = PROTO[target];

    // Per message (sender, k): when it was sent, and how many subscribers have it.
    const sentAt: number[][] = Array.from({ length: S }, () => []);
    const got: number[][] = Array.from({ length: S }, () => []);
    const latencies: number[] = [];
    const waiting = new Map<number, () => void>(); // sender -> its saturate waiter
    let measuring = false;
    let deliveries = 0;
    let inOrder = 0;
    let late = 0;
    let outOfOrder = 0;
    let completed = 0;
    let frameBytes = 0;
    let onCompleted: (() => void) | undefined;

    const subs: Subscriber[] = [];
    const receive = (sub: Subscriber, frame: Buffer) => {
      const at = frame.indexOf(MARK);
      if (at < 0) return; // another kind of change (members joining), not part of this load
      if (frame[at + 2] === WARM) {
        sub.warmSeen = Math.max(sub.warmSeen, readInt(frame, at + 4)[0]);
        return;
      }
      if (!measuring) return;
      const [s, end] = readInt(frame, at + 4);
      const [k] = readInt(frame, end + 1);
      // Without the room's seq in the frame, only each sender's order can be checked.
      const seqAt = feed.hasSeq ? frame.indexOf(SEQ_KEY) : -1;
      const seq = seqAt < 0 ? sub.lastSeq + 1 : readInt(frame, seqAt + SEQ_KEY.length)[0];
      deliveries++;
      frameBytes ||= frame.length;
      const expected = sub.next[s]!;
      if (k === expected) {
        inOrder++;
        sub.next[s] = k + 1;
        // In its sender's order; in the room's order too?
        if (seq <= sub.lastSeq) outOfOrder++;
        sub.lastSeq = seq;
      } else if (k > expected) {
        // A gap: what was skipped is lost unless it turns up later.
        sub.missing ??= new Set();
        for (let j = expected; j < k; j++) sub.missing.add(j * MAX_SENDERS + s);
        inOrder++;
        outOfOrder++;
        sub.next[s] = k + 1;
        sub.lastSeq = seq;
      } else {
        outOfOrder++;
        if (!sub.missing?.delete(k * MAX_SENDERS + s)) return; // a duplicate: counted once already
        late++;
      }
      const count = (got[s]![k] = (got[s]![k] ?? 0) + 1);
      if (count === N) {
        latencies.push(performance.now() - sentAt[s]![k]!);
        completed++;
        waiting.get(s)?.();
        onCompleted?.();
      }
    };

    // Senders first: the idle figure then holds everything but the subscribers.
    const senders = await openMany(S, (j) =>
      Client.open({ proto, port: server.port, token: accounts[j % U]!.token, onProblem: problem }),
    );
    clients.push(...senders);
    const authorOf = (j: number): Author => ({ id: accounts[j % U]!.id, name: accounts[j % U]!.name });
    const post = (j: number, text: string) => {
      const sender = senders[j]!;
      if (target !== 'project') return sender.post(text, authorOf(j));
      void sender.request(SEND, { roomId: ROOM, text }).then((answer) => {
        if (answer.errors) problem(`sendMessage: ${JSON.stringify(answer.errors).slice(0, 300)}`);
      });
    };
    await sleep(IDLE_SETTLE_MS);
    const idle = server.usage();

    const connectStart = performance.now();
    const opened = await openMany(N, (i) => {
      const sub: Subscriber = { next: new Int32Array(S), lastSeq: -1, warmSeen: -1 };
      subs.push(sub);
      return Client.open({
        proto,
        port: server.port,
        token: accounts[i % U]!.token,
        subscription: { query: feed.subscription, variables: { roomId: ROOM } },
        onEvent: (frame) => receive(sub, frame),
        onProblem: problem,
      });
    });
    clients.push(...opened);
    const connectSeconds = (performance.now() - connectStart) / 1000;

    // Barrier: warm-up messages until every subscription is live, then one all must see.
    let warm = 0;
    const barrierEnd = performance.now() + BARRIER_TIMEOUT_MS;
    while (subs.some((s) => s.warmSeen < 0)) {
      if (performance.now() > barrierEnd)
        throw new Error(`${subs.filter((s) => s.warmSeen < 0).length} of ${N} subscribers never got a message`);
      post(0, `b~w:${warm++} warming up`);
      await sleep(WARM_INTERVAL_MS);
    }
    const lastWarm = warm;
    post(0, `b~w:${lastWarm} warming up`);
    if (!(await waitFor(() => subs.every((s) => s.warmSeen === lastWarm), BARRIER_TIMEOUT_MS)))
      throw new Error('not every subscriber received the last warm-up message');
    await sleep(SETTLE_MS);
    const loaded = server.usage();

    // Measure.
    measuring = true;
    let sent = 0;
    const send = (j: number) => {
      const k = sentAt[j]!.length;
      sentAt[j]!.push(performance.now());
      sent++;
      post(j, `b~m:${j}:${k} hello everyone`);
    };
    const endCpu = cpuWindow(server);
    const tStart = performance.now();
    const stopAt = tStart + settings.durationMs;
    if (settings.mode === 'saturate') {
      await Promise.all(
        senders.map(async (_, j) => {
          while (performance.now() < stopAt) {
            let timer: NodeJS.Timeout | undefined;
            const delivered = new Promise<void>((resolve) => {
              waiting.set(j, resolve);
              timer = setTimeout(resolve, SATURATE_WAIT_MS);
            });
            send(j);
            await delivered;
            clearTimeout(timer);
          }
          waiting.delete(j);
        }),
      );
    } else {
      // A planned count, not "until the clock runs out": a timer that fires late on a busy
      // load generator then delays messages (caught up at once) instead of dropping them.
      const every = 1000 / settings.rate;
      const planned = Math.round((settings.rate * settings.durationMs) / 1000);
      for (let n = 0; n < planned; n++) {
        send(n % S);
        const wait = tStart + (n + 1) * every - performance.now();
        if (wait > 1) await sleep(wait);
      }
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
      onCompleted = () => {
        if (completed === sent) {
          clearTimeout(timer);
          resolve();
        }
      };
      onCompleted();
    });
    const tDone = performance.now();
    const cpu = endCpu();
    const cpuSeconds = cpu.server;
    measuring = false;
    if (server.exited) problem(`the server exited: ${server.log}`);

    const seconds = (tDone - tStart) / 1000;
    const lost = N * sent - inOrder - late;
    latencies.sort((a, b) => a - b);
    const round = (x: number, digits: number) => Number(x.toFixed(digits));
    return {
      target,
      mode: settings.mode,
      subscribers: N,
      senders: S,
      seconds: round(seconds, 2),
      messagesSent: sent,
      deliveries,
      deliveriesPerSec: Math.round(deliveries / seconds),
      lost,
      outOfOrder,
      latencyMs: {
        p50: round(percentile(latencies, 50), 1),
        p99: round(percentile(latencies, 99), 1),
        max: round(percentile(latencies, 100), 1),
      },
      cpuUsPerDelivery: round((cpuSeconds * 1e6) / Math.max(1, deliveries), 2),
      serverCores: round(cpuSeconds / seconds, 2),
      loadgenCores: round(cpu.loadGenerator / seconds, 2),
      otherCores: round(cpu.others / seconds, 2),
      rssIdleMB: round(idle.rssBytes / 2 ** 20, 1),
      rssLoadedMB: round(loaded.rssBytes / 2 ** 20, 1),
      kbPerSubscriber: round((loaded.rssBytes - idle.rssBytes) / 1024 / N, 1),
      frameBytes,
      connectSeconds: round(connectSeconds, 1),
      problems: problems.list(),
    };
  } finally {
    for (const client of clients) client.close();
    await server.stop();
  }
}
