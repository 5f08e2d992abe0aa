/** What every storm scenario shares: options, accounts, measuring windows, the table. */
import { cpus, loadavg } from 'node:os';
import { cpuWindow, type ServerProcess } from '../events/server-process.js';
import { type Account, ON_MESSAGE, ROOM, signUpMany } from '../events/targets.js';
import type { LoadGenerator, Stats } from './generator.js';
import type { SubscriptionSpec } from './protocol.js';
import type { Writer } from './writers.js';

export { ON_MESSAGE, ROOM };
/** Subscribers a worker process holds by default: well under its descriptor limit. */
export const SUBSCRIBERS_PER_WORKER = 5_000;
/** After the last send: how long deliveries may take to reach everyone. */
export const DRAIN_TIMEOUT_MS = 15_000;

/** Workers for `subscribers` sockets: at least two, SUBSCRIBERS_PER_WORKER each at most. */
export const workersFor = (subscribers: number): number => Math.max(2, Math.ceil(subscribers / SUBSCRIBERS_PER_WORKER));

/** Signs up `count` accounts, a few at a time (each sign-up hashes a password). */
export async function accounts(url: string, prefix: string, count: number): Promise<Account[]> {
  const out: Account[] = [];
  for (let i = 0; i < count; i += 20) out.push(...(await signUpMany(url, `${prefix}${i}_`, Math.min(20, count - i))));
  return out;
}

/** The contract's benchmark subscription with `after`, which a client resumes from. */
export const ON_MESSAGE_AFTER =
  'subscription OnMessage($roomId: ID!, $after: ID) { messageAdded(roomId: $roomId, after: $after) { id text createdAt author { id name } } }';

/** The contract's benchmark subscription (with `after` when resumable), tracked. */
export const messageAdded = (roomId: string, resumable = false): SubscriptionSpec => ({
  id: 'm',
  query: resumable ? ON_MESSAGE_AFTER : ON_MESSAGE,
  variables: { roomId },
  track: true,
});

/** The machine, for the table's caption. */
export function machine(): string {
  const c = cpus();
  const [one, five] = loadavg();
  return `${c.length} cores (${c[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, load average ${one!.toFixed(2)} / ${five!.toFixed(2)} (1 / 5 min) at the start`;
}

/** Waits until every acknowledged message of every writer has reached every subscriber. */
export async function drain(gen: LoadGenerator, writers: Writer[], timeoutMs = DRAIN_TIMEOUT_MS): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (const w of writers) {
    for (const k of w.acked) {
      if (!(await gen.waitEverywhere(w.index, k, Math.max(0, deadline - performance.now())))) return false;
    }
  }
  return true;
}

/** "Send to the last subscriber" latency per message, in ms, sorted. */
export function toEveryoneMs(gen: LoadGenerator, writers: Writer[]): number[] {
  const out: number[] = [];
  for (const w of writers)
    for (const k of w.acked) {
      const at = gen.everywhereAt(w.index, k);
      if (at !== undefined) out.push(at - w.sentAt[k]!);
    }
  return out.sort((a, b) => a - b);
}

export interface Window {
  seconds: number;
  /** CPU seconds per node. */
  serverCpu: number[];
  workersCpu: number;
  /** Everything else on the machine (other people's work). */
  othersCpu: number;
}

/** Starts measuring CPU for the nodes and the workers; the function returned ends it. */
export async function measureWindow(servers: ServerProcess[], gen: LoadGenerator): Promise<() => Promise<Window>> {
  const started = performance.now();
  const ends = servers.map((s) => cpuWindow(s));
  const workersStart = (await gen.stats()).workerCpuSeconds;
  return async () => {
    const cpu = ends.map((end) => end());
    const workersCpu = (await gen.stats()).workerCpuSeconds - workersStart;
    // Each window counted the other nodes among "others"; the first one's view suffices.
    const serverCpu = cpu.map((c) => c.server);
    const others = cpu[0]!.others - serverCpu.slice(1).reduce((a, b) => a + b, 0) - workersCpu;
    return {
      seconds: (performance.now() - started) / 1000,
      serverCpu,
      workersCpu,
      othersCpu: Math.max(0, others),
    };
  };
}

export const fixed = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
export const thousands = (x: number): string => Math.round(x).toLocaleString('en-US');
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** A Markdown table, as the README carries it. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join(
    '\n',
  );
}

/** Problems the workers saw, in a line (or none). */
export const problemsLine = (s: Stats): string =>
  s.problemCount ? `${s.problemCount} problems: ${s.problems.slice(0, 5).join('; ')}` : 'no problems';
