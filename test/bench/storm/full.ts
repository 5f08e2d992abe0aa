/**
 * One node, full: `npm run bench:full`. 19,000 subscribers of `messageAdded` in one room
 * on one node (SQLite), just under the server's descriptor limit, held by several
 * worker processes; writers post at a fixed rate (40 messages/s) and then saturating
 * (each writer sends again once every subscriber has its last message). Every delivery is
 * checked for loss, duplicates and each writer's order; memory per subscriber is the
 * node's RSS growth from before the subscribers to after they are all live.
 *
 *   npm run bench:full -- [--subscribers 19000] [--writers 8] [--users 20] [--rate 40]
 *       [--duration 10] [--mode both|rate|saturate] [--workers N] [--json]
 *
 * Exits 1 when anything was lost or duplicated, or the node failed.
 */
import { parseArgs } from 'node:util';
import { percentile, sleep } from '../events/targets.js';
import {
  accounts,
  drain,
  fixed,
  machine,
  measureWindow,
  messageAdded,
  mib,
  problemsLine,
  ROOM,
  table,
  thousands,
  toEveryoneMs,
  workersFor,
} from './common.js';
import { LoadGenerator } from './generator.js';
import { ParleyNode, RssSampler, sqliteBackend } from './nodes.js';
import { warmText } from './protocol.js';
import { ackedBy, runRate, runSaturate, Writer } from './writers.js';

/** After the warm-up, before reading the loaded RSS: let the last allocations settle. */
const SETTLE_MS = 2_000;

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '19000' },
    writers: { type: 'string', default: '8' },
    users: { type: 'string', default: '20' },
    rate: { type: 'string', default: '40' },
    duration: { type: 'string', default: '10' },
    mode: { type: 'string', default: 'both' },
    workers: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(values.subscribers);
const S = Number(values.writers);
const U = Number(values.users);
const rate = Number(values.rate);
const durationMs = Number(values.duration) * 1000;
const modes = values.mode === 'both' ? (['rate', 'saturate'] as const) : ([values.mode] as ('rate' | 'saturate')[]);
const say = (line: string) => (values.json ? console.error(line) : console.log(line));

interface Row {
  mode: string;
  messages: number;
  deliveries: number;
  deliveriesPerSec: number;
  cpuUsPerDelivery: number;
  serverCores: number;
  workerCores: number;
  otherCores: number;
  p50: number;
  p99: number;
  toEveryoneP50: number;
  toEveryoneP99: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  drained: boolean;
}

async function main(): Promise<void> {
  const caption = machine();
  const backend = sqliteBackend();
  const node = await ParleyNode.start(0, backend);
  const workers = values.workers ? Number(values.workers) : workersFor(N);
  const gen = await LoadGenerator.start({ ports: [node.port], workers });
  const rss = new RssSampler([node]);
  let failed = false;
  try {
    const users = await accounts(node.url, 'full_', U);
    const tag = `full${Date.now().toString(36)}`;
    let writerIndex = 0;
    const newWriters = () =>
      Array.from(
        { length: S },
        (_, j) => new Writer(writerIndex++, 0, node.url, users[j % U]!.token, ROOM, tag, false),
      );
    const warmer = newWriters()[0]!;
    await sleep(500);
    const idle = node.server.usage();
    say(`opening ${N} subscribers over ${workers} workers…`);
    const opened = await gen.open({
      group: 'full',
      count: N,
      tokens: users.map((u) => u.token),
      subscriptions: [messageAdded(ROOM)],
    });
    say(
      `opened ${opened.opened} (${opened.failed} failed) in ${fixed(opened.seconds)} s, ${(await gen.stats()).refusals} times told to come back later (1013)`,
    );
    if (opened.failed) failed = true;
    await gen.warmUp((n) => warmer.post(warmText(n)));
    await sleep(SETTLE_MS);
    const loaded = node.server.usage();
    const kbPerSubscriber = (loaded.rssBytes - idle.rssBytes) / 1024 / N;

    const rows: Row[] = [];
    let duplicatesBefore = 0;
    let outOfOrderBefore = 0;
    for (const mode of modes) {
      const writers = newWriters();
      await gen.measure(true);
      const end = await measureWindow([node.server], gen);
      const messages =
        mode === 'rate'
          ? await runRate(writers, rate, durationMs)
          : await runSaturate(writers, durationMs, (w, k) => gen.waitEverywhere(w, k, 5_000));
      const drained = await drain(gen, writers);
      const win = await end();
      const stats = await gen.stats();
      await gen.measure(false);
      const v = await gen.verify(ackedBy(writers));
      const everyone = toEveryoneMs(gen, writers);
      const failedSends = writers.reduce((n, w) => n + w.failed, 0);
      const row: Row = {
        mode: mode === 'rate' ? `rate ${rate}/s` : 'saturate',
        messages,
        deliveries: stats.deliveries,
        deliveriesPerSec: stats.deliveries / win.seconds,
        cpuUsPerDelivery: (win.serverCpu[0]! * 1e6) / Math.max(1, stats.deliveries),
        serverCores: win.serverCpu[0]! / win.seconds,
        workerCores: win.workersCpu / win.seconds,
        otherCores: win.othersCpu / win.seconds,
        p50: stats.latency.all.percentile(50),
        p99: stats.latency.all.percentile(99),
        toEveryoneP50: percentile(everyone, 50),
        toEveryoneP99: percentile(everyone, 99),
        lost: v.lost,
        duplicates: v.duplicates - duplicatesBefore,
        outOfOrder: v.outOfOrder - outOfOrderBefore,
        drained,
      };
      duplicatesBefore = v.duplicates;
      outOfOrderBefore = v.outOfOrder;
      rows.push(row);
      say(
        `${row.mode}: ${messages} messages (${failedSends} sends failed), ${thousands(row.deliveriesPerSec)} deliveries/s, ` +
          `${fixed(row.cpuUsPerDelivery, 2)} µs CPU/delivery, p50 ${fixed(row.p50)} / p99 ${fixed(row.p99)} ms, ` +
          `lost ${row.lost}, duplicates ${row.duplicates}, out of order ${row.outOfOrder}; cores: server ${fixed(row.serverCores, 2)}, ` +
          `workers ${fixed(row.workerCores, 2)}, others ${fixed(row.otherCores, 2)}; ${problemsLine(stats)}`,
      );
      for (const e of [...v.examples, ...writers.flatMap((w) => w.errors)]) say(`  ${e}`);
      if (row.lost || row.duplicates || row.outOfOrder || !drained || failedSends) failed = true;
    }
    rss.stop();
    if (node.server.exited) {
      failed = true;
      say(`the node exited: ${node.server.log}`);
    }
    const live = (await gen.stats()).live;
    say('');
    say(
      `One node, full: ${N} messageAdded subscribers in one room (SQLite), ${S} writers over HTTP, ${durationMs / 1000} s a mode; ${caption}`,
    );
    say(
      `memory: RSS ${mib(idle.rssBytes)} idle, ${mib(loaded.rssBytes)} with the subscribers, ${fixed(kbPerSubscriber)} KB per subscriber; ` +
        `peak ${mib(rss.peakBytes[0]!)}; ${live} of ${N} sockets still open at the end`,
    );
    say(
      table(
        [
          'mode',
          'messages',
          'deliveries/s',
          'CPU per delivery',
          'p50 / p99 (each delivery)',
          'p50 / p99 (to the last subscriber)',
          'lost',
          'duplicates',
          'cores: server / load generator / others',
        ],
        rows.map((r) => [
          r.mode,
          r.messages,
          thousands(r.deliveriesPerSec),
          `${fixed(r.cpuUsPerDelivery, 2)} µs`,
          `${fixed(r.p50)} / ${fixed(r.p99)} ms`,
          `${fixed(r.toEveryoneP50)} / ${fixed(r.toEveryoneP99)} ms`,
          r.lost,
          r.duplicates,
          `${fixed(r.serverCores, 2)} / ${fixed(r.workerCores, 2)} / ${fixed(r.otherCores, 2)}`,
        ]),
      ),
    );
    if (values.json)
      console.log(
        JSON.stringify({
          subscribers: N,
          machine: caption,
          rssIdleBytes: idle.rssBytes,
          rssLoadedBytes: loaded.rssBytes,
          peakRssBytes: rss.peakBytes[0],
          kbPerSubscriber,
          rows,
        }),
      );
  } finally {
    rss.stop();
    await gen.close();
    await node.stop();
    await backend.drop();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error('bench:full:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(2);
});
