/**
 * Reconnect storm: `npm run bench:reconnect`. 5,000 subscribers of `messageAdded` on one
 * node (SQLite) while a writer posts 20 messages a second; the node is killed with
 * SIGKILL and started again on the same port and database. Every subscriber is a plain
 * graphql-ws `createClient` (worker.ts) that retries on its own with jittered exponential
 * backoff and resubscribes with `after:` the last message it saw; the writer sends each
 * message until it is acknowledged, with the same `clientId` each time (writers.ts).
 *
 * A subscriber is caught up once it holds every message the writer had queued when the
 * restarted node first answered /healthz (those acknowledged before the crash, and those
 * that waited for the node). Reported: the time from that answer until all are caught
 * up, how many were caught up after 1, 2, 5, 10 and 20 s, acknowledged messages lost,
 * duplicates, and the node's peak RSS. Targets (issue #15): all within 20 s, 0 lost,
 * 0 duplicated, peak RSS under 1 GiB.
 *
 *   npm run bench:reconnect -- [--subscribers 5000] [--users 20] [--rate 20] [--before 5]
 *       [--down 0] [--wait 60] [--workers N] [--json]
 *
 * Exits 1 when a target is missed, anything was lost or duplicated, or a process failed.
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
  mib,
  problemsLine,
  ROOM,
  table,
  type Window,
  workersFor,
} from './common.js';
import { LoadGenerator } from './generator.js';
import { listenOverflows, ParleyNode, RssSampler, sqliteBackend } from './nodes.js';
import { wallMs, warmText } from './protocol.js';
import { ackedBy, Writer } from './writers.js';

const TARGET_CAUGHT_UP_S = 20;
const TARGET_PEAK_RSS_BYTES = 2 ** 30;
/** The curve's points: clients caught up this many seconds after /healthz. */
const CURVE_S = [1, 2, 5, 10, 20];
/** How often the coordinator asks the workers who has caught up. */
const POLL_MS = 250;
/** After everyone caught up, the writer goes on this long (the live path after the storm). */
const AFTER_MS = 3_000;

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '5000' },
    users: { type: 'string', default: '20' },
    rate: { type: 'string', default: '20' },
    before: { type: 'string', default: '5' },
    down: { type: 'string', default: '0' },
    wait: { type: 'string', default: '60' },
    workers: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(values.subscribers);
const U = Number(values.users);
const rate = Number(values.rate);
const say = (line: string) => (values.json ? console.error(line) : console.log(line));

async function main(): Promise<void> {
  const caption = machine();
  const backend = sqliteBackend();
  const node = await ParleyNode.start(0, backend);
  const workers = values.workers ? Number(values.workers) : workersFor(N);
  const gen = await LoadGenerator.start({ ports: [node.port], workers });
  let failed = false;
  let writing = true;
  let writerLoop: Promise<void> = Promise.resolve();
  const rss = new RssSampler([node]);
  try {
    const users = await accounts(node.url, 'storm_', U);
    const writer = new Writer(0, 0, node.url, users[0]!.token, ROOM, `rc${Date.now().toString(36)}`, true);
    say(`opening ${N} graphql-ws clients over ${workers} workers…`);
    const opened = await gen.open({
      group: 'reconnect',
      kind: 'graphql-ws',
      count: N,
      tokens: users.map((u) => u.token),
      subscriptions: [messageAdded(ROOM, true)],
    });
    say(`opened ${opened.opened} (${opened.failed} failed) in ${fixed(opened.seconds)} s`);
    if (opened.failed) failed = true;
    await gen.warmUp((n) => writer.post(warmText(n)));
    await gen.measure(true);
    rss.reset();

    // The writer: `rate` a second on a fixed schedule; each send waits for the previous
    // one's acknowledgement, so while the node is down its messages queue up in order.
    writerLoop = (async () => {
      const every = 1000 / rate;
      const start = performance.now();
      for (let n = 0; writing; n++) {
        void writer.send();
        const wait = start + (n + 1) * every - performance.now();
        if (wait > 1) await sleep(wait);
      }
    })();

    // The steady state before the kill: who uses the cores.
    const steady = await measureWindow([node.server], gen);
    await sleep(Number(values.before) * 1000);
    const steadyCpu = await steady();
    const beforeStats = await gen.stats();
    const peakBeforeBytes = rss.peakBytes[0]!;
    const ackedBeforeKill = writer.acked.length;
    const overflowsBefore = listenOverflows();
    const killedAt = wallMs();
    await node.kill9();
    say(`killed the node (SIGKILL) after ${ackedBeforeKill} acknowledged messages; starting it again…`);
    await sleep(Number(values.down) * 1000);
    rss.reset();
    await node.restart();
    const healthyAt = node.healthyAt;
    const queuedAtHealthy = writer.queued;
    await gen.catchUpTarget({ 0: queuedAtHealthy - 1 });
    const storm = await measureWindow([node.server], gen);
    const framesAtHealthy = (await gen.stats()).frames.m?.total ?? 0;
    say(
      `the node answered /healthz ${fixed((healthyAt - killedAt) / 1000, 2)} s after the kill; ${queuedAtHealthy} messages queued so far`,
    );

    // Who has caught up, until everyone has or the wait is over.
    const waitUntil = performance.now() + Number(values.wait) * 1000;
    let stats = await gen.stats(true);
    for (let polls = 0; ; polls++) {
      const done = stats.caughtUpAt.filter((t) => t >= 0).length;
      if (polls % 8 === 0)
        say(
          `  +${fixed((wallMs() - healthyAt) / 1000)} s: ${done} caught up; writer ${writer.acked.length} of ${queuedAtHealthy} acknowledged; ` +
            `clients ${JSON.stringify(stats.states)}; ` +
            `closes by code ${JSON.stringify(stats.closeCodes)}`,
        );
      if (done === stats.caughtUpAt.length || performance.now() > waitUntil) break;
      await sleep(POLL_MS);
      stats = await gen.stats(true);
    }
    const stormCpu = await storm();
    const stormFrames = ((await gen.stats()).frames.m?.total ?? 0) - framesAtHealthy;
    await sleep(AFTER_MS);
    writing = false;
    await writerLoop;
    await writer.drain();
    const drained = await drain(gen, [writer]);
    rss.stop();
    const overflows = listenOverflows() - overflowsBefore;
    stats = await gen.stats(true);
    const v = await gen.verify(ackedBy([writer]));

    const after = stats.caughtUpAt.map((t) => (t < 0 ? Infinity : (t - healthyAt) / 1000)).sort((a, b) => a - b);
    const caughtUp = after.filter(Number.isFinite).length;
    const allS = caughtUp === N ? Math.max(0, after[N - 1]!) : Infinity;
    const curve = CURVE_S.map((s) => after.filter((x) => x <= s).length);
    const peakAfterBytes = rss.peakBytes[0]!;
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
    const metTime = allS <= TARGET_CAUGHT_UP_S;
    const metRss = Math.max(peakBeforeBytes, peakAfterBytes) < TARGET_PEAK_RSS_BYTES;
    if (!metTime || !metRss || v.lost || v.duplicates || !drained || stats.live < N || node.server.exited)
      failed = true;

    say(
      `writer: ${writer.queued} messages, ${writer.acked.length} acknowledged, ${writer.retries} retries; ` +
        `clients: ${stats.reconnects} reconnects, ${stats.live} of ${N} connected at the end, ` +
        `${beforeStats.problemCount} problems before the kill; ${problemsLine(stats)}`,
    );
    const cores = (w: Window) =>
      `node ${fixed(w.serverCpu[0]! / w.seconds, 2)}, load generator ${fixed(w.workersCpu / w.seconds, 2)}, others ${fixed(w.othersCpu / w.seconds, 2)}`;
    say(
      `cores before the kill: ${cores(steadyCpu)}; from /healthz until all caught up: ${cores(stormCpu)}, ` +
        `${stormFrames} messages delivered (replays and live), ${fixed((stormCpu.serverCpu[0]! * 1e6) / Math.max(1, stormFrames), 2)} µs of node CPU each`,
    );
    say(
      `clients at the end: ${JSON.stringify(stats.states)}; closes by code ${JSON.stringify(stats.closeCodes)}; ` +
        `connections the kernel dropped past a full accept queue (machine-wide) since the kill: ${overflows}`,
    );
    say(
      `out of order ${v.outOfOrder}, subscribers missing a message ${v.subscribersMissing}, all delivered at the end: ${drained}`,
    );
    for (const e of v.examples) say(`  ${e}`);
    say('');
    say(
      `Reconnect storm: ${N} graphql-ws clients (messageAdded, one room, SQLite), a writer at ${rate} messages/s, ` +
        `SIGKILL after ${values.before} s and started again at once; ${caption}`,
    );
    say(
      table(
        [
          'kill to /healthz',
          'all caught up after /healthz',
          ...CURVE_S.map((s) => `caught up at ${s} s`),
          'acknowledged lost',
          'duplicates',
          'peak RSS before / after the kill',
        ],
        [
          [
            `${fixed((healthyAt - killedAt) / 1000, 2)} s`,
            Number.isFinite(allS) ? `${fixed(allS, 2)} s` : `${caughtUp} of ${N} in ${values.wait} s`,
            ...curve.map((c) => c.toLocaleString('en-US')),
            v.lost,
            v.duplicates,
            `${mib(peakBeforeBytes)} / ${mib(peakAfterBytes)}`,
          ],
        ],
      ),
    );
    say(
      `targets: all caught up within ${TARGET_CAUGHT_UP_S} s: ${verdict(metTime)}; 0 lost: ${verdict(v.lost === 0)}; ` +
        `0 duplicated: ${verdict(v.duplicates === 0)}; peak RSS < 1 GiB: ${verdict(metRss)}`,
    );
    if (values.json)
      console.log(
        JSON.stringify({
          subscribers: N,
          machine: caption,
          killToHealthzS: (healthyAt - killedAt) / 1000,
          allCaughtUpS: Number.isFinite(allS) ? allS : null,
          curve: Object.fromEntries(CURVE_S.map((s, i) => [s, curve[i]])),
          lost: v.lost,
          duplicates: v.duplicates,
          outOfOrder: v.outOfOrder,
          peakRssBytes: { beforeKill: peakBeforeBytes, afterRestart: peakAfterBytes },
          messages: writer.queued,
          acknowledged: writer.acked.length,
          writerRetries: writer.retries,
          reconnects: stats.reconnects,
          closeCodes: stats.closeCodes,
          listenOverflows: overflows,
        }),
      );
  } finally {
    writing = false;
    rss.stop();
    await gen.close();
    await node.stop();
    await backend.drop();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error('bench:reconnect:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(2);
});
