/**
 * Three nodes, one room: `npm run bench:3-nodes`. Three nodes on one PostgreSQL schema
 * and one Redis, 5,000 `messageAdded` subscribers on each (15,000 in one room), writers
 * on every node; at a fixed rate and then saturating. Reported per run: deliveries per
 * second, the CPU per delivery of each node (its CPU over the deliveries to its own
 * subscribers), latency of deliveries whose writer posted to the subscriber's own node
 * beside those that crossed Redis, loss and duplicates, and the PUBLISH commands Redis
 * received per message (INFO commandstats before and after, less what the idle cluster
 * publishes in as long). Then the same per node with one node, to show how Redis traffic
 * grows with nodes: one publish per message per room, not one per subscriber.
 *
 * PostgreSQL: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test, in a fresh
 * schema dropped afterwards. Redis: a private redis-server on a free port (so the counts
 * are this run's alone) when installed, else REDIS_URL or redis://127.0.0.1:6379 with a
 * prefix of its own (other users of that Redis then add to the counts).
 *
 *   npm run bench:3-nodes -- [--per-node 5000] [--writers-per-node 2] [--users 20]
 *       [--rate 5] [--duration 10] [--mode both|rate|saturate] [--clusters 3,1]
 *       [--idle 5] [--workers N] [--json]
 *
 * Exits 1 when anything was lost or duplicated, or a node failed.
 */
import { parseArgs } from 'node:util';
import { sleep } from '../events/targets.js';
import {
  accounts,
  drain,
  fixed,
  machine,
  measureWindow,
  messageAdded,
  problemsLine,
  ROOM,
  table,
  thousands,
  workersFor,
} from './common.js';
import { LoadGenerator } from './generator.js';
import {
  type Backend,
  DEFAULT_REDIS_URL,
  ParleyNode,
  postgresBackend,
  privateRedis,
  redisCommandCalls,
  redisServerInstalled,
} from './nodes.js';
import { warmText } from './protocol.js';
import { ackedBy, runRate, runSaturate, Writer } from './writers.js';

const TARGET_CROSS_ADDED_P50_MS = 2;

const { values } = parseArgs({
  options: {
    'per-node': { type: 'string', default: '5000' },
    'writers-per-node': { type: 'string', default: '2' },
    users: { type: 'string', default: '20' },
    rate: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    mode: { type: 'string', default: 'both' },
    clusters: { type: 'string', default: '3,1' },
    idle: { type: 'string', default: '5' },
    workers: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const perNode = Number(values['per-node']);
const writersPerNode = Number(values['writers-per-node']);
const U = Number(values.users);
const rate = Number(values.rate);
const durationMs = Number(values.duration) * 1000;
const idleMs = Number(values.idle) * 1000;
const modes = values.mode === 'both' ? (['rate', 'saturate'] as const) : ([values.mode] as ('rate' | 'saturate')[]);
const clusters = values.clusters.split(',').map(Number);
const say = (line: string) => (values.json ? console.error(line) : console.log(line));

interface Row {
  nodes: number;
  subscribers: number;
  mode: string;
  messages: number;
  deliveriesPerSec: number;
  cpuUsPerDelivery: number[];
  /** The same less what the node burns idle with its subscribers (presence, keepalives). */
  cpuUsPerDeliveryAboveIdle: number[];
  idleCores: number[];
  serverCores: number[];
  workerCores: number;
  otherCores: number;
  same: { p50: number; p99: number };
  cross: { p50: number; p99: number };
  publishes: number;
  idlePublishesPerSec: number;
  publishesPerMessage: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
}

async function runCluster(n: number, privateRedisOk: boolean): Promise<{ rows: Row[]; failed: boolean }> {
  const redis = privateRedisOk ? await privateRedis() : undefined;
  const redisUrl = redis?.url ?? (process.env.REDIS_URL || DEFAULT_REDIS_URL);
  let backend: Backend | undefined;
  const nodes: ParleyNode[] = [];
  let gen: LoadGenerator | undefined;
  let failed = false;
  try {
    backend = await postgresBackend(redisUrl);
    // The first node migrates the schema; the others start on it together.
    nodes.push(await ParleyNode.start(0, backend));
    nodes.push(...(await Promise.all(Array.from({ length: n - 1 }, (_, i) => ParleyNode.start(i + 1, backend!)))));
    const N = n * perNode;
    const workers = values.workers ? Number(values.workers) : workersFor(N);
    gen = await LoadGenerator.start({ ports: nodes.map((x) => x.port), workers });
    const users = await accounts(nodes[0]!.url, `c${n}_`, U);
    const tag = `c${n}${Date.now().toString(36)}`;
    let writerIndex = 0;
    const newWriters = () =>
      Array.from({ length: n * writersPerNode }, (_, j) => {
        const node = j % n;
        return new Writer(writerIndex++, node, nodes[node]!.url, users[j % U]!.token, ROOM, tag, false);
      });
    const warmer = newWriters()[0]!;
    say(`${n} node(s): opening ${N} subscribers over ${workers} workers…`);
    const opened = await gen.open({
      group: 'room',
      count: N,
      tokens: users.map((u) => u.token),
      subscriptions: [messageAdded(ROOM)],
    });
    say(
      `opened ${opened.opened} (${opened.failed} failed) in ${fixed(opened.seconds)} s, ${(await gen!.stats()).refusals} times told to come back later (1013)`,
    );
    if (opened.failed) failed = true;
    await gen.warmUp((k) => warmer.post(warmText(k)));

    // What the cluster publishes with nothing being said (presence heartbeats and the like).
    const idleStart = await redisCommandCalls(redisUrl);
    const idleEnd = await measureWindow(
      nodes.map((x) => x.server),
      gen,
    );
    await sleep(idleMs);
    const idleWin = await idleEnd();
    const idleCores = idleWin.serverCpu.map((c) => c / idleWin.seconds);
    const idlePublishesPerSec =
      ((await redisCommandCalls(redisUrl)).publish! - (idleStart.publish ?? 0)) / (idleMs / 1000);

    const rows: Row[] = [];
    let duplicatesBefore = 0;
    let outOfOrderBefore = 0;
    for (const mode of modes) {
      const writers = newWriters();
      await gen.measure(true);
      const callsBefore = await redisCommandCalls(redisUrl);
      const end = await measureWindow(
        nodes.map((x) => x.server),
        gen,
      );
      const messages =
        mode === 'rate'
          ? await runRate(writers, rate, durationMs)
          : await runSaturate(writers, durationMs, (w, k) => gen!.waitEverywhere(w, k, 5_000));
      const drained = await drain(gen, writers);
      const win = await end();
      const callsAfter = await redisCommandCalls(redisUrl);
      const stats = await gen.stats();
      await gen.measure(false);
      const v = await gen.verify(ackedBy(writers));
      const sent = writers.reduce((k, w) => k + w.acked.length, 0);
      const publishes = (callsAfter.publish ?? 0) - (callsBefore.publish ?? 0);
      const row: Row = {
        nodes: n,
        subscribers: N,
        mode: mode === 'rate' ? `rate ${rate}/s` : 'saturate',
        messages,
        deliveriesPerSec: stats.deliveries / win.seconds,
        cpuUsPerDelivery: win.serverCpu.map((c, i) => (c * 1e6) / Math.max(1, stats.deliveriesByNode[i] ?? 0)),
        cpuUsPerDeliveryAboveIdle: win.serverCpu.map(
          (c, i) => ((c - idleCores[i]! * win.seconds) * 1e6) / Math.max(1, stats.deliveriesByNode[i] ?? 0),
        ),
        idleCores,
        serverCores: win.serverCpu.map((c) => c / win.seconds),
        workerCores: win.workersCpu / win.seconds,
        otherCores: win.othersCpu / win.seconds,
        same: { p50: stats.latency.same.percentile(50), p99: stats.latency.same.percentile(99) },
        cross: { p50: stats.latency.cross.percentile(50), p99: stats.latency.cross.percentile(99) },
        publishes,
        idlePublishesPerSec,
        publishesPerMessage: (publishes - idlePublishesPerSec * win.seconds) / Math.max(1, sent),
        lost: v.lost,
        duplicates: v.duplicates - duplicatesBefore,
        outOfOrder: v.outOfOrder - outOfOrderBefore,
      };
      duplicatesBefore = v.duplicates;
      outOfOrderBefore = v.outOfOrder;
      rows.push(row);
      const failedSends = writers.reduce((k, w) => k + w.failed, 0);
      say(
        `${n} node(s), ${row.mode}: ${messages} messages (${failedSends} sends failed), ${thousands(row.deliveriesPerSec)} deliveries/s, ` +
          `CPU/delivery ${row.cpuUsPerDelivery.map((c) => fixed(c, 2)).join(' / ')} µs ` +
          `(${row.cpuUsPerDeliveryAboveIdle.map((c) => fixed(c, 2)).join(' / ')} µs above idle, idle cores ${row.idleCores.map((c) => fixed(c, 2)).join(' / ')}), ` +
          `same node p50 ${fixed(row.same.p50)} / p99 ${fixed(row.same.p99)} ms, other node p50 ${fixed(row.cross.p50)} / p99 ${fixed(row.cross.p99)} ms, ` +
          `${publishes} PUBLISH (${fixed(idlePublishesPerSec, 2)}/s idle, ${fixed(row.publishesPerMessage, 2)} a message), ` +
          `lost ${row.lost}, duplicates ${row.duplicates}, out of order ${row.outOfOrder}; cores: servers ${row.serverCores.map((c) => fixed(c, 2)).join(' / ')}, ` +
          `workers ${fixed(row.workerCores, 2)}, others ${fixed(row.otherCores, 2)}; ${problemsLine(stats)}`,
      );
      for (const e of [...v.examples, ...writers.flatMap((w) => w.errors)]) say(`  ${e}`);
      if (row.lost || row.duplicates || row.outOfOrder || !drained || failedSends) failed = true;
    }
    for (const node of nodes)
      if (node.server.exited) {
        failed = true;
        say(`node ${node.index} exited: ${node.server.log}`);
      }
    return { rows, failed };
  } finally {
    await gen?.close();
    await Promise.all(nodes.map((x) => x.stop()));
    await backend?.drop();
    redis?.stop();
  }
}

async function main(): Promise<void> {
  const caption = machine();
  const privateRedisOk = redisServerInstalled();
  const rows: Row[] = [];
  let failed = false;
  for (const n of clusters) {
    const r = await runCluster(n, privateRedisOk);
    rows.push(...r.rows);
    failed ||= r.failed;
  }
  say('');
  say(
    `Nodes on PostgreSQL + Redis (${privateRedisOk ? 'a private redis-server' : 'the shared Redis: its PUBLISH count includes anyone else'}), ` +
      `${perNode} messageAdded subscribers a node in one room, ${writersPerNode} writers a node over HTTP, ${durationMs / 1000} s a mode; ${caption}`,
  );
  say(
    table(
      [
        'nodes',
        'mode',
        'messages',
        'deliveries/s',
        'CPU per delivery, each node (above idle)',
        'p50 / p99 same node',
        'p50 / p99 other node',
        'added p50',
        'PUBLISH per message',
        'lost',
        'duplicates',
        'cores: nodes / load generator / others',
      ],
      rows.map((r) => [
        r.nodes,
        r.mode,
        r.messages,
        thousands(r.deliveriesPerSec),
        `${r.cpuUsPerDelivery.map((c) => fixed(c, 1)).join(' / ')} µs (${r.cpuUsPerDeliveryAboveIdle.map((c) => fixed(c, 1)).join(' / ')})`,
        `${fixed(r.same.p50)} / ${fixed(r.same.p99)} ms`,
        r.nodes > 1 ? `${fixed(r.cross.p50)} / ${fixed(r.cross.p99)} ms` : '-',
        r.nodes > 1 ? `${fixed(r.cross.p50 - r.same.p50)} ms` : '-',
        `${fixed(r.publishesPerMessage, 2)} (${r.publishes} in all, ${fixed(r.idlePublishesPerSec, 1)}/s idle)`,
        r.lost,
        r.duplicates,
        `${fixed(
          r.serverCores.reduce((a, b) => a + b, 0),
          2,
        )} / ${fixed(r.workerCores, 2)} / ${fixed(r.otherCores, 2)}`,
      ]),
    ),
  );
  const three = rows.filter((r) => r.nodes > 1);
  if (three.length)
    say(
      `target: cross-node delivery adds at most ${TARGET_CROSS_ADDED_P50_MS} ms at p50: ` +
        three.map((r) => `${r.mode} ${fixed(r.cross.p50 - r.same.p50)} ms`).join(', '),
    );
  if (values.json) console.log(JSON.stringify({ machine: caption, perNode, rows }));
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error('bench:3-nodes:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(2);
});
