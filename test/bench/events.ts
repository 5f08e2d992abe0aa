/**
 * The room change feed under load: `npm run bench:events`.
 *
 * Part A, fan-out: N sockets in one room subscribe to `roomEvents` (the selection in
 * events/targets.ts; with `--feed messageAdded`, the contract's benchmark subscription,
 * which is what `npm run bench` runs) while senders post messages, saturating the server (each sender
 * sends its next message once every subscriber has its previous one) or at a fixed rate.
 * The same load runs, interleaved by rounds, against two baselines of our own: a bare `ws`
 * server and the classic Socket.IO chat server, both sending the same event object
 * (events/chat-event.mjs). Parley's figures are printed as ratios to each, the median of
 * the per-round ratios, so the machine's drift between rounds cancels out.
 *
 * Part B, reaction storm (Parley only: the baselines have no reactions): N subscribers,
 * reactions toggled at a fixed rate by many users on the newest messages, every event
 * checked for loss and order, and every subscriber's final state checked against a fresh
 * history read by its user (events/reactions.ts).
 *
 * Each server runs compiled (npm run build:server first; the npm script does it), in a
 * process group of its own, on a free loopback port, with a fresh SQLite database; its
 * CPU and RSS are read from /proc (events/server-process.ts). The load generator shares
 * the machine's cores with the server, so read the ratios rather than absolute figures.
 *
 *   npm run bench:events -- [--part a|b|all] [--feed roomEvents|messageAdded] [--subscribers 1000] [--senders 8] [--users 20]
 *       [--duration 8] [--rounds 2] [--mode saturate|rate] [--rate 40] [--reaction-rate 200]
 *       [--reactors 50] [--only project,socketio,raw] [--json]
 *
 * Exits 1 when anything was lost, duplicated, out of order or wrong, or a server failed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type FanoutResult, runFanout } from './events/fanout.js';
import { type ReactionResult, runReactions } from './events/reactions.js';
import { killAllServers } from './events/server-process.js';
import { type BenchFeed, FEEDS, PROJECT_ENTRY, REPO_ROOT, TARGETS, type Target } from './events/targets.js';

/**
 * The targets set for Parley, as ratios to Socket.IO (at most): CPU per delivery 0.8×
 * for the contract's `messageAdded` load, 0.5× for the change feed.
 */
const TARGET_CPU_VS_SOCKETIO: Record<BenchFeed['name'], number> = { messageAdded: 0.8, roomEvents: 0.5 };
const TARGET_MEMORY_VS_SOCKETIO = 1.0;
/** What one process may hold open; each subscriber is one socket in this process. */
const MAX_OPEN_FILES = 20_000;
/** Sockets of this process besides the subscribers: senders, reactors, HTTP, stdio. */
const OTHER_FILES = 200;

const HELP = `npm run bench:events -- [options]
  --part a|b|all          fan-out comparison (a), reaction storm (b), or both (all)
  --feed NAME             part a: roomEvents (the change feed) or messageAdded (the
                          contract's benchmark subscription; part a only) (roomEvents)
  --subscribers N         subscriber sockets (1000)
  --senders S             part a: sender sockets (8)
  --users U               accounts the subscribers belong to, round robin (20)
  --duration SECONDS      measured time per run (8)
  --rounds R              rounds: part a runs every target once a round, part b once (2)
  --mode saturate|rate    part a: as fast as deliveries complete, or --rate messages/s (saturate)
  --rate R                part a, rate mode: messages per second over all senders (40)
  --reaction-rate R       part b: reactions per second (200)
  --reactors R            part b: accounts that react, the subscribers' users among them (50)
  --only LIST             part a: targets, of project,socketio,raw (all three)
  --json                  one JSON object on stdout instead of tables`;

interface Options {
  part: 'a' | 'b' | 'all';
  feed: BenchFeed;
  subscribers: number;
  senders: number;
  users: number;
  durationMs: number;
  rounds: number;
  mode: 'saturate' | 'rate';
  rate: number;
  reactionRate: number;
  reactors: number;
  only: Target[];
  json: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      part: { type: 'string', default: 'all' },
      feed: { type: 'string', default: 'roomEvents' },
      subscribers: { type: 'string', default: '1000' },
      senders: { type: 'string', default: '8' },
      users: { type: 'string', default: '20' },
      duration: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '2' },
      mode: { type: 'string', default: 'saturate' },
      rate: { type: 'string', default: '40' },
      'reaction-rate': { type: 'string', default: '200' },
      reactors: { type: 'string', default: '50' },
      only: { type: 'string', default: TARGETS.join(',') },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const count = (name: keyof typeof values, min: number) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number of at least ${min}`);
    return n;
  };
  const part = values.part;
  if (part !== 'a' && part !== 'b' && part !== 'all') throw new Error('--part is a, b or all');
  const feed = FEEDS[values.feed as BenchFeed['name']];
  if (!(values.feed in FEEDS) || !feed) throw new Error('--feed is roomEvents or messageAdded');
  if (feed.name !== 'roomEvents' && part !== 'a') throw new Error('--feed messageAdded goes with --part a');
  const mode = values.mode;
  if (mode !== 'saturate' && mode !== 'rate') throw new Error('--mode is saturate or rate');
  const only = values.only.split(',').map((t) => t.trim());
  for (const t of only) if (!TARGETS.includes(t as Target)) throw new Error(`--only: unknown target ${t}`);
  const o: Options = {
    part,
    feed,
    subscribers: Math.floor(count('subscribers', 1)),
    senders: Math.floor(count('senders', 1)),
    users: Math.floor(count('users', 1)),
    durationMs: count('duration', 0.5) * 1000,
    rounds: Math.floor(count('rounds', 1)),
    mode,
    rate: count('rate', 0.1),
    reactionRate: count('reaction-rate', 0.1),
    reactors: Math.floor(count('reactors', 1)),
    only: TARGETS.filter((t) => only.includes(t)),
    json: values.json,
  };
  if (o.subscribers + Math.max(o.senders, o.reactors) + OTHER_FILES > MAX_OPEN_FILES)
    throw new Error(`at most ${MAX_OPEN_FILES - OTHER_FILES - Math.max(o.senders, o.reactors)} subscribers`);
  return o;
}

/** The median; of an even count, the mean of the middle two. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const figures = {
  deliveriesPerSec: (r: FanoutResult) => r.deliveriesPerSec,
  cpuUsPerDelivery: (r: FanoutResult) => r.cpuUsPerDelivery,
  p50: (r: FanoutResult) => r.latencyMs.p50,
  p99: (r: FanoutResult) => r.latencyMs.p99,
  kbPerSubscriber: (r: FanoutResult) => r.kbPerSubscriber,
  frameBytes: (r: FanoutResult) => r.frameBytes,
  otherCores: (r: FanoutResult) => r.otherCores,
};
type Figure = keyof typeof figures;

const pad = (value: string | number, width: number) => String(value).padStart(width);
const fixed = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

interface PartA {
  runs: Record<Target, FanoutResult[]>;
  medians: Record<string, Record<Figure, number> & { lost: number; outOfOrder: number }>;
  ratios: Record<string, Record<Exclude<Figure, 'otherCores'>, number>>;
}

async function partA(o: Options, say: (line: string) => void): Promise<PartA> {
  const runs = Object.fromEntries(o.only.map((t) => [t, [] as FanoutResult[]])) as Record<Target, FanoutResult[]>;
  for (let round = 0; round < o.rounds; round++) {
    // Each round starts with another target, so none is always first after a quiet spell.
    const order = o.only.map((_, i) => o.only[(i + round) % o.only.length]!);
    for (const target of order) {
      const r = await runFanout(target, {
        subscribers: o.subscribers,
        senders: o.senders,
        users: o.users,
        durationMs: o.durationMs,
        mode: o.mode,
        rate: o.rate,
        feed: o.feed,
      });
      runs[target].push(r);
      say(
        `  round ${round + 1} ${target.padEnd(8)} ${r.deliveriesPerSec} deliveries/s, ${r.cpuUsPerDelivery} µs CPU/delivery, ` +
          `p50 ${r.latencyMs.p50} / p99 ${r.latencyMs.p99} ms, ${r.kbPerSubscriber} KB/subscriber, ${r.frameBytes} B/frame, ` +
          `lost ${r.lost}, out of order ${r.outOfOrder}, cores: server ${r.serverCores}, load generator ${r.loadgenCores}, others ${r.otherCores}${r.problems.length ? `, problems: ${r.problems.join('; ')}` : ''}`,
      );
    }
  }
  const medians: PartA['medians'] = {};
  for (const t of o.only) {
    const m = Object.fromEntries(
      Object.entries(figures).map(([k, f]) => [k, median(runs[t].map(f))]),
    ) as PartA['medians'][string];
    m.lost = runs[t].reduce((sum, r) => sum + r.lost, 0);
    m.outOfOrder = runs[t].reduce((sum, r) => sum + r.outOfOrder, 0);
    medians[t] = m;
  }
  const ratios: PartA['ratios'] = {};
  if (o.only.includes('project')) {
    for (const peer of o.only.filter((t) => t !== 'project')) {
      ratios[peer] = Object.fromEntries(
        Object.entries(figures)
          .filter(([k]) => k !== 'otherCores') // the machine's noise, not a figure of a server
          .map(([k, f]) => [k, median(runs.project.map((r, i) => f(r) / f(runs[peer][i]!)))]),
      ) as PartA['ratios'][string];
    }
  }
  return { runs, medians, ratios };
}

function printPartA(o: Options, a: PartA, say: (line: string) => void): void {
  say('');
  say(
    `Part A: ${o.feed.name} fan-out, ${o.subscribers} subscribers (${o.users} users), ${o.senders} senders, ` +
      `${o.mode}${o.mode === 'rate' ? ` ${o.rate} messages/s` : ''}, ${o.durationMs / 1000} s, ${o.rounds} rounds (medians)`,
  );
  say(
    'target     deliveries/s  µs CPU/delivery   p50 ms   p99 ms  KB/subscriber  B/frame  lost  out of order  other cores',
  );
  for (const t of o.only) {
    const m = a.medians[t]!;
    say(
      `${t.padEnd(9)}  ${pad(Math.round(m.deliveriesPerSec), 12)}  ${pad(fixed(m.cpuUsPerDelivery), 15)}  ${pad(fixed(m.p50, 1), 7)}` +
        `  ${pad(fixed(m.p99, 1), 7)}  ${pad(fixed(m.kbPerSubscriber, 1), 13)}  ${pad(Math.round(m.frameBytes), 7)}` +
        `  ${pad(m.lost, 4)}  ${pad(m.outOfOrder, 12)}  ${pad(fixed(m.otherCores), 11)}`,
    );
  }
  for (const [peer, r] of Object.entries(a.ratios)) {
    say(
      `project / ${peer}: CPU per delivery ${fixed(r.cpuUsPerDelivery)}×, memory per subscriber ${fixed(r.kbPerSubscriber)}×, ` +
        `p99 ${fixed(r.p99)}×, p50 ${fixed(r.p50)}×, deliveries/s ${fixed(r.deliveriesPerSec)}× (median of per-round ratios)`,
    );
  }
  const vsSocketIo = a.ratios.socketio;
  if (vsSocketIo) {
    const lost = a.medians.project!.lost + a.medians.project!.outOfOrder;
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
    say(
      `targets: CPU per delivery ≤ ${TARGET_CPU_VS_SOCKETIO[o.feed.name]}× Socket.IO: ${verdict(vsSocketIo.cpuUsPerDelivery <= TARGET_CPU_VS_SOCKETIO[o.feed.name])}` +
        `; memory per subscriber ≤ ${TARGET_MEMORY_VS_SOCKETIO}×: ${verdict(vsSocketIo.kbPerSubscriber <= TARGET_MEMORY_VS_SOCKETIO)}` +
        `; nothing lost: ${verdict(lost === 0)}`,
    );
  }
}

function printPartB(o: Options, runs: ReactionResult[], say: (line: string) => void): void {
  const first = runs[0]!;
  say('');
  say(
    `Part B: reaction storm, ${first.subscribers} roomEvents subscribers (${first.users} users), ${o.reactionRate} reactions/s ` +
      `by ${first.reactors} users on the 10 newest messages, ${o.durationMs / 1000} s, ${runs.length} runs (Parley only)`,
  );
  say(
    'run     deliveries/s  µs CPU/delivery   p50 ms   p99 ms   max ms  answer p50/p99 ms  lost  out of order  other kinds  final state  other cores',
  );
  const row = (label: string, r: Omit<ReactionResult, 'problems' | 'stateDifferences'>) =>
    say(
      `${label.padEnd(6)}  ${pad(Math.round(r.deliveriesPerSec), 12)}  ${pad(fixed(r.cpuUsPerDelivery), 15)}` +
        `  ${pad(fixed(r.latencyMs.p50, 1), 7)}  ${pad(fixed(r.latencyMs.p99, 1), 7)}  ${pad(fixed(r.latencyMs.max, 1), 7)}` +
        `  ${pad(`${fixed(r.answerMs.p50, 0)} / ${fixed(r.answerMs.p99, 0)}`, 17)}  ${pad(r.lost, 4)}  ${pad(r.outOfOrder, 12)}` +
        `  ${pad(r.otherKinds, 11)}  ${pad(r.stateMismatches === 0 ? 'OK' : `${r.stateMismatches} differ`, 11)}` +
        `  ${pad(fixed(r.otherCores), 11)}`,
    );
  runs.forEach((r, i) => row(String(i + 1), r));
  if (runs.length > 1) {
    const m = (f: (r: ReactionResult) => number) => median(runs.map(f));
    row('median', {
      ...first,
      deliveriesPerSec: m((r) => r.deliveriesPerSec),
      cpuUsPerDelivery: m((r) => r.cpuUsPerDelivery),
      latencyMs: { p50: m((r) => r.latencyMs.p50), p99: m((r) => r.latencyMs.p99), max: m((r) => r.latencyMs.max) },
      answerMs: { p50: m((r) => r.answerMs.p50), p99: m((r) => r.answerMs.p99) },
      lost: runs.reduce((sum, r) => sum + r.lost, 0),
      outOfOrder: runs.reduce((sum, r) => sum + r.outOfOrder, 0),
      otherKinds: runs.reduce((sum, r) => sum + r.otherKinds, 0),
      stateMismatches: runs.reduce((sum, r) => sum + r.stateMismatches, 0),
      otherCores: m((r) => r.otherCores),
    });
  }
  runs.forEach((r, i) => {
    say(
      `run ${i + 1}: ${r.mutationsSent} reactions sent, ${r.mutationsFailed} failed, ${r.changes} changes` +
        `${r.ticksSkipped ? `, ${r.ticksSkipped} ticks skipped (every key tried was in flight)` : ''}` +
        `; cores: server ${r.serverCores}, load generator ${r.loadgenCores}, others ${r.otherCores}` +
        `; the users' history shows viewerReacted true ${r.viewerReacted.true}, false ${r.viewerReacted.false} times`,
    );
    for (const d of r.stateDifferences) say(`  ${d}`);
    if (r.problems.length) say(`  problems: ${r.problems.join('\n  ')}`);
  });
  say(
    `final state of every subscriber vs its user's fresh history (reactions, counts, its own viewerReacted): ` +
      (runs.every((r) => r.stateMismatches === 0) ? 'OK' : 'DIFFERENCES above'),
  );
}

async function main(): Promise<void> {
  const o = options();
  if (!existsSync(join(REPO_ROOT, PROJECT_ENTRY)))
    throw new Error(`${PROJECT_ENTRY} is missing: run \`npm run build:server\` (npm run bench:events does)`);
  // With --json, stdout carries the JSON alone; progress and tables go to stderr.
  const say = (line: string) => (o.json ? console.error(line) : console.log(line));
  const started = performance.now();
  let failed = false;
  const out: { partA?: PartA; partB?: ReactionResult[] } = {};

  if (o.part !== 'b') {
    say(`Part A: ${o.rounds} rounds of ${o.only.join(', ')}`);
    const a = await partA(o, say);
    out.partA = a;
    printPartA(o, a, say);
    failed ||= Object.values(a.runs).some((runs) =>
      runs.some((r) => r.lost > 0 || r.outOfOrder > 0 || r.problems.length > 0),
    );
  }
  if (o.part !== 'a') {
    say('');
    say(`Part B: ${o.rounds} runs of the reaction storm`);
    const runs: ReactionResult[] = [];
    for (let round = 0; round < o.rounds; round++) {
      const b = await runReactions({
        subscribers: o.subscribers,
        users: o.users,
        reactors: o.reactors,
        durationMs: o.durationMs,
        rate: o.reactionRate,
      });
      runs.push(b);
      say(
        `  run ${round + 1}: ${b.deliveriesPerSec} deliveries/s, ${b.cpuUsPerDelivery} µs CPU/delivery, ` +
          `p99 ${b.latencyMs.p99} ms, lost ${b.lost}, final state ${b.stateMismatches === 0 ? 'OK' : 'differs'}`,
      );
    }
    out.partB = runs;
    printPartB(o, runs, say);
    failed ||= runs.some(
      (b) => b.lost > 0 || b.outOfOrder > 0 || b.stateMismatches > 0 || b.problems.length > 0 || b.otherKinds > 0,
    );
  }
  say('');
  say(`done in ${((performance.now() - started) / 1000).toFixed(0)} s${failed ? ': FAILED (see above)' : ''}`);
  if (o.json) console.log(JSON.stringify(out));
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error('bench:events:', error instanceof Error ? (error.stack ?? error.message) : error);
  killAllServers();
  process.exit(2);
});
