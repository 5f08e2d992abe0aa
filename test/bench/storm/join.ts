/**
 * Join storm: `npm run bench:join`. 5,000 people (each their own account) join one room
 * within 20 s on one node (SQLite), each subscribing to `messageAdded`, presence and
 * `userTyping`, while a writer posts 10 messages/s. Run twice: presence per user
 * (`presenceChanged`: every join is a frame to everyone already there, n²/2 in all) and
 * batched (`roomPresence`: a frame per window per subscriber). Reports the presence
 * frames, the node's CPU per join and the p50/p99 of the messages sent meanwhile.
 *
 *   npm run bench:join -- [--clients 5000] [--seconds 20] [--rate 10]
 *       [--mode both|per-user|batched] [--workers N] [--json]
 *
 * Exits 1 when the node failed or a client could not open.
 */
import { parseArgs } from 'node:util';
import { sleep } from '../events/targets.js';
import {
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
import { batchedPresence, peopleIn, perUserPresence, userTyping } from './crowd.js';
import { LoadGenerator } from './generator.js';
import { ParleyNode, sqliteBackend } from './nodes.js';
import { runRate, Writer } from './writers.js';

/** After the last join: the last presence window closes and its frames arrive. */
const SETTLE_MS = 3_000;

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '20' },
    rate: { type: 'string', default: '10' },
    mode: { type: 'string', default: 'both' },
    workers: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(values.clients);
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const modes = values.mode === 'both' ? (['per-user', 'batched'] as const) : [values.mode as 'per-user' | 'batched'];
const say = (line: string) => (values.json ? console.error(line) : console.log(line));

interface Row {
  mode: string;
  opened: number;
  presenceFrames: number;
  presenceMaxPerClient: number;
  typingFrames: number;
  serverCpuSeconds: number;
  cpuMsPerJoin: number;
  messages: number;
  p50: number;
  p99: number;
  peakCores: number;
}

async function run(mode: 'per-user' | 'batched'): Promise<Row> {
  const backend = sqliteBackend();
  const tokens = await peopleIn(backend.env.DATABASE_URL!, N + 1, 'joiner');
  const node = await ParleyNode.start(0, backend);
  const gen = await LoadGenerator.start({
    ports: [node.port],
    workers: values.workers ? Number(values.workers) : workersFor(N),
  });
  try {
    const writer = new Writer(0, 0, node.url, tokens[N]!, ROOM, `join${Date.now().toString(36)}`, false);
    await writer.post('b~w:0 before the storm');
    await gen.measure(true);
    const end = await measureWindow([node.server], gen);
    const sending = runRate([writer], rate, (seconds + 2) * 1000);
    const opened = await gen.open({
      group: mode,
      count: N,
      tokens: tokens.slice(0, N),
      subscriptions: [
        messageAdded(ROOM),
        mode === 'batched' ? batchedPresence(ROOM) : perUserPresence(ROOM),
        userTyping(ROOM),
      ],
      openPerSecond: N / seconds,
    });
    const messages = await sending;
    await sleep(SETTLE_MS);
    const win = await end();
    const stats = await gen.stats();
    say(
      `${mode}: opened ${opened.opened} (${opened.failed} failed) in ${fixed(opened.seconds)} s; ` +
        `${problemsLine(stats)}; ${node.server.exited ? 'the node exited' : 'the node is up'}`,
    );
    if (node.server.exited || opened.failed) process.exitCode = 1;
    const presence = stats.frames.p ?? { total: 0, minPerSubscriber: 0, maxPerSubscriber: 0 };
    return {
      mode: mode === 'batched' ? 'batched (`roomPresence`)' : 'per user (`presenceChanged`)',
      opened: opened.opened,
      presenceFrames: presence.total,
      presenceMaxPerClient: presence.maxPerSubscriber,
      typingFrames: stats.frames.t?.total ?? 0,
      serverCpuSeconds: win.serverCpu[0]!,
      cpuMsPerJoin: (win.serverCpu[0]! * 1000) / Math.max(1, opened.opened),
      messages,
      p50: stats.latency.all.percentile(50),
      p99: stats.latency.all.percentile(99),
      peakCores: win.serverCpu[0]! / win.seconds,
    };
  } finally {
    await gen.close();
    await node.stop();
    await backend.drop();
  }
}

async function main(): Promise<void> {
  const caption = machine();
  const rows: Row[] = [];
  for (const mode of modes) rows.push(await run(mode));
  say('');
  say(
    `Join storm: ${N} people join one room within ${seconds} s on one node (SQLite), each subscribing messageAdded, ` +
      `presence and userTyping; a writer posts ${rate} messages/s meanwhile; ${caption}`,
  );
  say(
    table(
      [
        'presence',
        'clients',
        'presence frames (most to one client)',
        'server CPU (per join)',
        'server cores',
        'messages',
        'message p50 / p99',
      ],
      rows.map((r) => [
        r.mode,
        thousands(r.opened),
        `${thousands(r.presenceFrames)} (${thousands(r.presenceMaxPerClient)})`,
        `${fixed(r.serverCpuSeconds)} s (${fixed(r.cpuMsPerJoin, 2)} ms)`,
        fixed(r.peakCores, 2),
        r.messages,
        `${fixed(r.p50)} / ${fixed(r.p99)} ms`,
      ]),
    ),
  );
  if (values.json) console.log(JSON.stringify({ clients: N, seconds, rate, machine: caption, rows }));
}

main().catch((error: unknown) => {
  console.error('bench:join:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(2);
});
