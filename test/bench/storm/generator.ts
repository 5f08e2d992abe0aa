/**
 * The storm load generator's coordinator: it forks worker processes (worker.ts, run with
 * tsx), hands each a share of the subscribers, and adds up what they count. Scenarios
 * (reconnect.ts, full.ts, three-nodes.ts, and any new one) use this API:
 *
 *   const gen = await LoadGenerator.start({ ports: [node.port], workers: 4 });
 *   await gen.open({ group: 'room', count: 5000, tokens, kind: 'raw', subscriptions: [
 *     { id: 'm', query: ON_MESSAGE, variables: { roomId }, track: true },
 *     { id: 'p', query: PRESENCE, variables: { roomId } } ] });
 *   await gen.warmUp(() => writers[0].post(warmText(n)))   // every subscription live
 *   await gen.measure(true); ... writers ... ; const s = await gen.stats();
 *   s.frames.p.total, s.latency.same.percentile(99), (await gen.verify(acked)).lost
 *   await gen.close();
 *
 * Subscribers are spread round robin over the workers (each stays far below the
 * per-process descriptor limit) and over the nodes (`nodes`). Every worker is killed when
 * this process exits, on a signal too.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Histogram } from './histogram.js';
import type {
  ClientKind,
  Command,
  Done,
  FrameCounts,
  FromWorker,
  Reply,
  SubscriptionSpec,
  VerifyResult,
  WorkerStats,
} from './protocol.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** Sockets one worker holds at most: the descriptor limit is 20,000 a process here. */
export const MAX_SOCKETS_PER_WORKER = 15_000;
/** How long a worker may take to answer a command (opening thousands of sockets included). */
const COMMAND_TIMEOUT_MS = 180_000;
/** Between warm-up messages while waiting for every subscription to go live. */
const WARM_INTERVAL_MS = 250;
/** How long every subscriber may take to receive a warm-up message. */
const WARM_TIMEOUT_MS = 90_000;

const live = new Set<ChildProcess>();
function killWorkers(): void {
  for (const child of live) child.kill('SIGKILL');
}
process.on('exit', killWorkers);
for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
] as const) {
  process.on(signal, () => {
    killWorkers();
    process.exit(128 + number);
  });
}

export interface OpenOptions {
  group: string;
  count: number;
  kind?: ClientKind;
  /** Session tokens, round robin over the subscribers. */
  tokens: string[];
  /** Node indices (into `ports`), round robin over the subscribers; all nodes by default. */
  nodes?: number[];
  subscriptions: SubscriptionSpec[];
  /** Sockets opened per second over all workers (0: as fast as they open). */
  openPerSecond?: number;
}

export interface Stats {
  subscribers: number;
  live: number;
  reconnects: number;
  closes: number;
  states: Record<string, number>;
  refusals: number;
  closeCodes: Record<string, number>;
  /** Per subscription id: frames over all subscribers, and the fewest and most one got. */
  frames: Record<string, FrameCounts>;
  deliveries: number;
  /** Deliveries per node the subscribers are on. */
  deliveriesByNode: number[];
  latency: { same: Histogram; cross: Histogram; all: Histogram };
  warmMin: number;
  /** Epoch ms each tracked subscriber caught up (-1: not), when asked for. */
  caughtUpAt: number[];
  problems: string[];
  problemCount: number;
  /** CPU seconds of all workers so far. */
  workerCpuSeconds: number;
}

/** A command before it is numbered (Omit over each member of the union). */
type CommandBody = Command extends infer C ? (C extends unknown ? Omit<C, 'seq'> : never) : never;

class Worker {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  exited = false;

  constructor(
    readonly child: ChildProcess,
    onDone: (d: Done) => void,
  ) {
    child.on('message', (m: FromWorker) => {
      if (m.type === 'done') return onDone(m);
      const p = this.pending.get(m.seq);
      this.pending.delete(m.seq);
      if (m.type === 'error') p?.reject(new Error(`worker: ${m.message}`));
      else p?.resolve(m);
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      live.delete(child);
      for (const p of this.pending.values()) p.reject(new Error(`a worker exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  ask<T extends Reply['type']>(command: CommandBody): Promise<Extract<Reply, { type: T }>> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error('a worker has exited'));
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`a worker did not answer ${command.type} within ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(seq, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r as Extract<Reply, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...command, seq } as Command);
    });
  }
}

export class LoadGenerator {
  /** Per writer, per k: how many workers report every tracked subscriber has it. */
  private readonly doneCount = new Map<number, Map<number, { workers: number; lastAt: number }>>();
  private readonly waiters = new Map<string, () => void>();
  /** Workers holding tracked subscribers: a message is everywhere once all of them say so. */
  private trackingWorkers = new Set<number>();
  private assigned = 0;

  private constructor(
    readonly ports: number[],
    private readonly workers: Worker[],
  ) {}

  /** Forks `workers` processes that will talk to the nodes on `ports`. */
  static async start(options: { ports: number[]; workers: number }): Promise<LoadGenerator> {
    const workers: Worker[] = [];
    const gen: LoadGenerator = new LoadGenerator(options.ports, workers);
    for (let i = 0; i < options.workers; i++) {
      const child = fork(WORKER, [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        serialization: 'advanced',
      });
      live.add(child);
      workers.push(new Worker(child, (d) => gen.onDone(d)));
    }
    await Promise.all(workers.map((w, i) => w.ask<'ok'>({ type: 'init', ports: options.ports, worker: i })));
    return gen;
  }

  get workerCount(): number {
    return this.workers.length;
  }

  private onDone(d: Done): void {
    let byK = this.doneCount.get(d.w);
    if (!byK) this.doneCount.set(d.w, (byK = new Map()));
    const entry = byK.get(d.k) ?? { workers: 0, lastAt: 0 };
    entry.workers++;
    entry.lastAt = Math.max(entry.lastAt, d.at);
    byK.set(d.k, entry);
    if (entry.workers === this.trackingWorkers.size) this.waiters.get(`${d.w}:${d.k}`)?.();
  }

  /**
   * When every tracked subscriber had writer w's message k (epoch ms of the last one), or
   * undefined if some still miss it.
   */
  everywhereAt(w: number, k: number): number | undefined {
    const entry = this.doneCount.get(w)?.get(k);
    return entry && entry.workers === this.trackingWorkers.size ? entry.lastAt : undefined;
  }

  /** Resolves when every tracked subscriber has (w, k), or after timeoutMs (false). */
  waitEverywhere(w: number, k: number, timeoutMs: number): Promise<boolean> {
    if (this.everywhereAt(w, k) !== undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const key = `${w}:${k}`;
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        resolve(false);
      }, timeoutMs);
      this.waiters.set(key, () => {
        clearTimeout(timer);
        this.waiters.delete(key);
        resolve(true);
      });
    });
  }

  /**
   * Opens `count` subscribers, spread over the workers round robin (continuing where the
   * last group stopped) and over the nodes. Resolves when every worker has opened its share.
   */
  async open(o: OpenOptions): Promise<{ opened: number; failed: number; seconds: number }> {
    const nodes = o.nodes ?? this.ports.map((_, i) => i);
    const W = this.workers.length;
    const shares = this.workers.map(() => ({ nodes: [] as number[], tokens: [] as string[] }));
    for (let i = 0; i < o.count; i++) {
      const share = shares[(this.assigned + i) % W]!;
      share.nodes.push(nodes[i % nodes.length]!);
      share.tokens.push(o.tokens[i % o.tokens.length]!);
    }
    this.assigned += o.count;
    if (shares.some((s) => s.nodes.length > MAX_SOCKETS_PER_WORKER))
      throw new Error(`more than ${MAX_SOCKETS_PER_WORKER} sockets a worker: start more workers`);
    if (o.subscriptions.some((s) => s.track)) shares.forEach((s, i) => s.nodes.length && this.trackingWorkers.add(i));
    const started = performance.now();
    const answers = await Promise.all(
      this.workers.map((w, i) =>
        shares[i]!.nodes.length === 0
          ? { opened: 0, failed: 0 }
          : w.ask<'opened'>({
              type: 'open',
              spec: {
                group: o.group,
                kind: o.kind ?? 'raw',
                nodes: shares[i]!.nodes,
                tokens: shares[i]!.tokens,
                subscriptions: o.subscriptions,
                openPerSecond: (o.openPerSecond ?? 0) / W,
              },
            }),
      ),
    );
    return {
      opened: answers.reduce((n, a) => n + a.opened, 0),
      failed: answers.reduce((n, a) => n + a.failed, 0),
      seconds: (performance.now() - started) / 1000,
    };
  }

  /** Latencies and frame counts start afresh (on) or stop counting (off). */
  async measure(on: boolean): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ask<'ok'>({ type: 'measure', on })));
  }

  /** Every tracked subscriber is caught up once it holds every k ≤ upTo[w] of each writer w. */
  async catchUpTarget(upTo: Record<number, number>): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ask<'ok'>({ type: 'catchUp', upTo })));
  }

  async stats(withCatchUp = false): Promise<Stats> {
    const all = await Promise.all(this.workers.map((w) => w.ask<'stats'>({ type: 'stats', withCatchUp })));
    return mergeStats(all.map((a) => a.stats));
  }

  /**
   * Sends warm-up messages (`post(n)` posts `warmText(n)`) until every tracked subscriber
   * has one, then one more that all must see: every subscription is live and nothing of
   * the warm-up is still in flight.
   */
  async warmUp(post: (n: number) => Promise<unknown>): Promise<void> {
    const deadline = performance.now() + WARM_TIMEOUT_MS;
    let n = 0;
    for (;;) {
      await post(n++);
      await new Promise((r) => setTimeout(r, WARM_INTERVAL_MS));
      if ((await this.stats()).warmMin >= 0) break;
      if (performance.now() > deadline)
        throw new Error(`not every subscriber got a warm-up message in ${WARM_TIMEOUT_MS} ms`);
    }
    const last = n;
    await post(last);
    for (;;) {
      await new Promise((r) => setTimeout(r, WARM_INTERVAL_MS));
      if ((await this.stats()).warmMin >= last) return;
      if (performance.now() > deadline) throw new Error('not every subscriber got the last warm-up message');
    }
  }

  async verify(acked: Record<number, number[]>): Promise<VerifyResult> {
    const all = await Promise.all(this.workers.map((w) => w.ask<'verified'>({ type: 'verify', acked })));
    const r: VerifyResult = { lost: 0, duplicates: 0, outOfOrder: 0, subscribersMissing: 0, examples: [] };
    for (const { result } of all) {
      r.lost += result.lost;
      r.duplicates += result.duplicates;
      r.outOfOrder += result.outOfOrder;
      r.subscribersMissing += result.subscribersMissing;
      r.examples.push(...result.examples);
    }
    r.examples = r.examples.slice(0, 10);
    return r;
  }

  /** Closes every socket and ends the workers. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        if (w.exited) return;
        const exited = new Promise((r) => w.child.once('exit', r));
        await w.ask<'ok'>({ type: 'close' }).catch(() => undefined);
        const timer = setTimeout(() => w.child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

function mergeStats(all: WorkerStats[]): Stats {
  const same = new Histogram();
  const cross = new Histogram();
  const both = new Histogram();
  const frames: Record<string, FrameCounts> = {};
  const out: Stats = {
    subscribers: 0,
    live: 0,
    reconnects: 0,
    closes: 0,
    states: {},
    refusals: 0,
    closeCodes: {},
    frames,
    deliveries: 0,
    deliveriesByNode: [],
    latency: { same, cross, all: both },
    warmMin: Infinity,
    caughtUpAt: [],
    problems: [],
    problemCount: 0,
    workerCpuSeconds: 0,
  };
  for (const s of all) {
    out.subscribers += s.subscribers;
    out.live += s.live;
    out.reconnects += s.reconnects;
    out.closes += s.closes;
    out.refusals += s.refusals;
    for (const [k, n] of Object.entries(s.states)) out.states[k] = (out.states[k] ?? 0) + n;
    for (const [k, n] of Object.entries(s.closeCodes)) out.closeCodes[k] = (out.closeCodes[k] ?? 0) + n;
    out.deliveries += s.deliveries;
    s.deliveriesByNode.forEach((n, i) => (out.deliveriesByNode[i] = (out.deliveriesByNode[i] ?? 0) + n));
    same.merge(s.latency.same);
    cross.merge(s.latency.cross);
    both.merge(s.latency.same);
    both.merge(s.latency.cross);
    for (const [id, f] of Object.entries(s.frames)) {
      const m = (frames[id] ??= { total: 0, minPerSubscriber: Infinity, maxPerSubscriber: 0 });
      m.total += f.total;
      m.minPerSubscriber = Math.min(m.minPerSubscriber, f.minPerSubscriber);
      m.maxPerSubscriber = Math.max(m.maxPerSubscriber, f.maxPerSubscriber);
    }
    if (s.warmMin !== null && s.warmMin < out.warmMin) out.warmMin = s.warmMin;
    if (s.caughtUpAt) out.caughtUpAt.push(...s.caughtUpAt);
    out.problems.push(...s.problems.map((p) => `worker ${s.worker}: ${p}`));
    out.problemCount += s.problemCount;
    out.workerCpuSeconds += s.cpuSeconds;
  }
  if (out.warmMin === Infinity) out.warmMin = -1;
  out.problems = out.problems.slice(0, 20);
  return out;
}
