/**
 * Typing crowd: `npm run bench:typing`. 5,000 people in one room on one node (SQLite),
 * each subscribing `messageAdded`, `userTyping` and `roomTyping`; then 200 of them type at
 * once for 10 s, each sending `setTyping(true)` every 2 s as the web UI does, and stop.
 * Reports the typing frames each subscriber got per second (the bound is
 * TYPING_FRAMES_PER_SECOND_MAX for `userTyping`, one per TYPING_BATCH_MS for
 * `roomTyping`), and the node's CPU.
 *
 *   npm run bench:typing -- [--clients 5000] [--typists 200] [--seconds 10] [--workers N] [--json]
 *
 * Exits 1 when the node failed, a client could not open, or a subscriber got more typing
 * frames a second than the bound.
 */
import { parseArgs } from 'node:util';
import { TYPING_BATCH_MS, TYPING_FRAMES_PER_SECOND_MAX } from '../../../server/limits.js';
import { httpGql } from '../events/clients.js';
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
import { peopleIn, roomTyping, userTyping } from './crowd.js';
import { LoadGenerator } from './generator.js';
import { ParleyNode, sqliteBackend } from './nodes.js';
import { Writer } from './writers.js';

/** How often a typist says it still types: the web UI's pace. */
const REFRESH_MS = 2_000;
/** After the typists stop: the last window closes and its frames arrive. */
const SETTLE_MS = 2_000;
const SET_TYPING = 'mutation($roomId: ID!, $on: Boolean!) { setTyping(roomId: $roomId, isTyping: $on) }';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '5000' },
    typists: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    workers: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(values.clients);
const T = Number(values.typists);
const durationMs = Number(values.seconds) * 1000;
const say = (line: string) => (values.json ? console.error(line) : console.log(line));

async function main(): Promise<void> {
  const caption = machine();
  const backend = sqliteBackend();
  const tokens = await peopleIn(backend.env.DATABASE_URL!, N, 'typist');
  const node = await ParleyNode.start(0, backend);
  const gen = await LoadGenerator.start({
    ports: [node.port],
    workers: values.workers ? Number(values.workers) : workersFor(N),
  });
  try {
    const opened = await gen.open({
      group: 'crowd',
      count: N,
      tokens,
      subscriptions: [messageAdded(ROOM), userTyping(ROOM), roomTyping(ROOM)],
    });
    say(`opened ${opened.opened} (${opened.failed} failed) in ${fixed(opened.seconds)} s`);
    const warmer = new Writer(0, 0, node.url, tokens[N - 1]!, ROOM, 'typing', false);
    await gen.warmUp((n) => warmer.post(`b~w:${n} warming up`));

    await gen.measure(true);
    const end = await measureWindow([node.server], gen);
    const started = performance.now();
    const typists = tokens.slice(0, T);
    const type = (on: boolean) =>
      Promise.all(typists.map((token) => httpGql(node.url, SET_TYPING, { roomId: ROOM, on }, token)));
    while (performance.now() - started < durationMs) {
      await type(true);
      await sleep(Math.max(0, REFRESH_MS - ((performance.now() - started) % REFRESH_MS)));
    }
    await type(false);
    await sleep(SETTLE_MS);
    const win = await end();
    const stats = await gen.stats();
    const measuredS = win.seconds;
    const perUser = stats.frames.t ?? { total: 0, minPerSubscriber: 0, maxPerSubscriber: 0 };
    const batched = stats.frames.r ?? { total: 0, minPerSubscriber: 0, maxPerSubscriber: 0 };
    say(`${problemsLine(stats)}; ${node.server.exited ? 'the node exited' : 'the node is up'}`);
    const perSecond = (n: number) => n / measuredS;
    const bound = TYPING_FRAMES_PER_SECOND_MAX;
    if (node.server.exited || opened.failed || perSecond(perUser.maxPerSubscriber) > bound) process.exitCode = 1;
    say('');
    say(
      `Typing crowd: ${T} of ${N} people in one room type for ${durationMs / 1000} s (setTyping(true) every ` +
        `${REFRESH_MS / 1000} s each), then stop; one node (SQLite), ${fixed(measuredS)} s measured; ${caption}`,
    );
    say(
      table(
        [
          'subscription',
          'frames in all',
          'per subscriber (most)',
          'per subscriber per second (most)',
          'bound a second',
        ],
        [
          [
            '`userTyping`',
            thousands(perUser.total),
            `${fixed(perUser.total / Math.max(1, N))} (${perUser.maxPerSubscriber})`,
            fixed(perSecond(perUser.maxPerSubscriber), 2),
            `${bound} (TYPING_FRAMES_PER_SECOND_MAX)`,
          ],
          [
            '`roomTyping`',
            thousands(batched.total),
            `${fixed(batched.total / Math.max(1, N))} (${batched.maxPerSubscriber})`,
            fixed(perSecond(batched.maxPerSubscriber), 2),
            `${1000 / TYPING_BATCH_MS + 1} (one a TYPING_BATCH_MS)`,
          ],
        ],
      ),
    );
    say(
      `server CPU ${fixed(win.serverCpu[0]!)} s over the window (${fixed(win.serverCpu[0]! / measuredS, 2)} cores); ` +
        `without the bound each subscriber would get a start and a stop per typist, ${2 * T} frames`,
    );
    if (values.json)
      console.log(JSON.stringify({ clients: N, typists: T, machine: caption, perUser, batched, seconds: measuredS }));
  } finally {
    await gen.close();
    await node.stop();
    await backend.drop();
  }
}

main().catch((error: unknown) => {
  console.error('bench:typing:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(2);
});
