/**
 * History at scale: seeds a room with 1,000,000 messages straight into the database,
 * then times `messages(last: 50)` and `before` pages through the real server (HTTP, the
 * server in a process of its own, as in production, so the client's work and garbage
 * are not counted as the server's), times the same pages at the store, and replays
 * 1,000 messages over graphql-ws watching the server's heap. Then the sidebar: the same
 * person in ROOMS rooms (200) of ROOM_MESSAGES messages (100,000) each, and `rooms` with
 * every room's unread and mention counts and last message. SQLite always; PostgreSQL
 * too when DATABASE_URL is set. PROF=1 writes the server's CPU profiles to /tmp/prof;
 * DIST=1 runs the compiled server (npm run build:server) instead of the sources.
 *
 *   npm run bench:history                       # SQLite
 *   DATABASE_URL=postgres://… npm run bench:history
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import WebSocket from 'ws';
import { openStore } from '../../server/store/index.js';
import { POSTGRES_URL, postgresDatabase, sqliteDatabase, type Database } from '../helpers/backends.js';
import { agent, get, gql, percentile } from './keep-alive.js';

interface Page {
  room: { messages: { edges: { cursor: string; node: { id: string } }[] } };
}

const MESSAGES = Number(process.env.HISTORY_MESSAGES ?? 1_000_000);
const PAGES = 1_000; // timed requests per kind: p99 is the 10th slowest
const REPLAY = 1_000; // messages replayed over graphql-ws
const ROOM = 'big';

/**
 * What the store does with every message it appends, for the seeded ones at once: each is
 * a MESSAGE_ADDED change of the room's feed, after the changes the room already has.
 */
const RECORD_CHANGES = `
  INSERT INTO room_events (room_id, seq, kind, message_id, user_id, created_at)
  SELECT m.room_id, r.last_event + m.seq, 'MESSAGE_ADDED', m.id, NULL, m.created_at
  FROM messages m JOIN rooms r ON r.id = m.room_id WHERE m.room_id = '${ROOM}';
  UPDATE rooms SET last_seq = ${MESSAGES}, last_event = last_event + ${MESSAGES} WHERE id = '${ROOM}';
`;

async function seed(kind: 'sqlite' | 'postgres', url: string, authorId: string): Promise<void> {
  const started = Date.now();
  if (kind === 'sqlite') {
    const db = new SQLite(url.slice('file:'.length));
    db.exec(`
      WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ${MESSAGES})
      INSERT INTO messages (room_id, seq, author_id, text, client_id, created_at)
      SELECT '${ROOM}', x, ${Number(authorId)}, 'message number ' || x, NULL, ${Date.now()} + x FROM g;
      ${RECORD_CHANGES}
    `);
    db.close();
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      `INSERT INTO messages (room_id, seq, author_id, text, client_id, created_at)
       SELECT $1, g, $2, 'message number ' || g, NULL, $3::bigint + g FROM generate_series(1, $4::int) g`,
      [ROOM, Number(authorId), Date.now(), MESSAGES],
    );
    await client.query(RECORD_CHANGES);
    // A room that grew to 1,000,000 messages was vacuumed long ago; without this the
    // insert-triggered autovacuum runs during the timing and competes for the 2 cores.
    await client.query('VACUUM ANALYZE messages');
    await client.query('VACUUM ANALYZE room_events');
    await client.end();
  }
  console.log(`  seeded ${MESSAGES.toLocaleString('en')} messages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The sidebar's load: a person in ROOMS rooms of ROOM_MESSAGES messages each. */
const ROOMS = Number(process.env.ROOMS ?? 200);
const ROOM_MESSAGES = Number(process.env.ROOM_MESSAGES ?? 100_000);
/** The sidebar's target: p99 of `rooms { unreadCount mentionCount lastMessage }`. */
const ROOMS_TARGET_MS = 20;
/** Every this many messages mentions the person. */
const MENTION_EVERY = 1_000;
/** What the person has not read yet in each room: up to this many of its newest messages. */
const UNREAD_AT_MOST = 50;

/**
 * Seeds ROOMS rooms of ROOM_MESSAGES messages each, with the person a member of every one,
 * its read marker somewhere in the newest UNREAD_AT_MOST messages, and a mention of them
 * every MENTION_EVERY messages: what `rooms { unreadCount mentionCount lastMessage }`
 * must answer without counting rows.
 */
async function seedRooms(kind: 'sqlite' | 'postgres', url: string, userId: string): Promise<void> {
  const started = Date.now();
  const now = Date.now();
  const statements: string[] = [];
  for (let r = 0; r < ROOMS; r++) {
    const id = `side-${r}`;
    const readSeq = ROOM_MESSAGES - ((r * 7) % (UNREAD_AT_MOST + 1));
    statements.push(
      `INSERT INTO rooms (id, name, is_private, kind, last_seq, last_event, created_at, last_activity_at)
       VALUES ('${id}', 'Side ${r}', ${kind === 'sqlite' ? 0 : 'false'}, 'CHANNEL', ${ROOM_MESSAGES}, ${ROOM_MESSAGES}, ${now}, ${now + r})`,
      `INSERT INTO room_members (room_id, user_id, joined_at, role, read_seq) VALUES ('${id}', ${Number(userId)}, ${now}, 'MEMBER', ${readSeq})`,
      kind === 'sqlite'
        ? `WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ${ROOM_MESSAGES})
           INSERT INTO messages (room_id, seq, author_id, text, client_id, created_at)
           SELECT '${id}', x, ${Number(userId)}, 'side message ' || x, NULL, ${now} + x FROM g`
        : `INSERT INTO messages (room_id, seq, author_id, text, client_id, created_at)
           SELECT '${id}', g, ${Number(userId)}, 'side message ' || g, NULL, ${now} + g FROM generate_series(1, ${ROOM_MESSAGES}) g`,
      `INSERT INTO message_mentions (room_id, user_id, seq, message_id)
       SELECT room_id, ${Number(userId)}, seq, id FROM messages WHERE room_id = '${id}' AND seq % ${MENTION_EVERY} = 0`,
    );
  }
  if (kind === 'sqlite') {
    const db = new SQLite(url.slice('file:'.length));
    db.exec(statements.join(';\n'));
    db.close();
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (const statement of statements) await client.query(statement);
    await client.query('VACUUM ANALYZE');
    await client.end();
  }
  const total = (ROOMS * ROOM_MESSAGES).toLocaleString('en');
  console.log(`  seeded ${ROOMS} rooms, ${total} messages, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The server's own count of /graphql requests, and of those answered within 5 ms. */
async function serverTimings(url: string): Promise<{ all: number; within5ms: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (series: string) =>
    Number(
      text
        .split('\n')
        .find((l) => l.startsWith(`${series} `))
        ?.split(' ')
        .at(-1) ?? NaN,
    );
  const name = 'parley_http_request_duration_seconds';
  return {
    all: value(`${name}_count{route="/graphql"}`),
    within5ms: value(`${name}_bucket{le="0.005",route="/graphql"}`),
  };
}

/**
 * Times `run` from the client, and asks the server which share of the same requests it
 * answered within 5 ms by its own clock (its request-duration histogram): on 2 cores
 * shared with the client, the client's p99 holds the scheduler's and both GCs' noise.
 * Answers whether the 5 ms p99 is met by either clock.
 */
async function timeHttp(url: string, label: string, run: (i: number) => Promise<void>): Promise<boolean> {
  for (let i = 0; i < 20; i++) await run(i); // warm-up
  const before = await serverTimings(url);
  const p99 = await time(label, run, true);
  const after = await serverTimings(url);
  const share = (after.within5ms - before.within5ms) / (after.all - before.all);
  console.log(`  ${''.padEnd(34)} server-side: ${(share * 100).toFixed(1)}% within 5 ms (p99 <= 5 ms needs 99%)`);
  return p99 <= 5 || share >= 0.99;
}

async function time(label: string, run: (i: number) => Promise<void>, warm = false): Promise<number> {
  if (!warm) for (let i = 0; i < 20; i++) await run(i); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < PAGES; i++) {
    const t = process.hrtime.bigint();
    await run(i);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const p99 = percentile(samples, 99);
  console.log(`  ${label.padEnd(34)} p50 ${percentile(samples, 50).toFixed(2)} ms   p99 ${p99.toFixed(2)} ms`);
  return p99;
}

async function replay(wsUrl: string, token: string, afterId: string): Promise<{ ms: number }> {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  let count = 0;
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authToken: token } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'connection_ack') {
        socket.send(
          JSON.stringify({
            id: 'r',
            type: 'subscribe',
            payload: {
              query: 'subscription($r: ID!, $a: ID) { messageAdded(roomId: $r, after: $a) { id text } }',
              variables: { r: ROOM, a: afterId },
            },
          }),
        );
      } else if (message.type === 'next' && ++count === REPLAY) resolve();
      else if (message.type === 'error') reject(new Error(JSON.stringify(message.payload)));
    });
    socket.on('error', reject);
  });
  socket.close();
  return { ms: Date.now() - started };
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** The server as production runs it, in its own process; resolves once it is ready. */
async function startNode(databaseUrl: string): Promise<{ url: string; port: number; node: ChildProcess }> {
  const port = await freePort();
  const node = spawn(
    process.execPath,
    [
      ...(process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      ...(process.env.DIST ? ['dist/server/main.js'] : ['--import', 'tsx', 'server/main.ts']),
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        REDIS_URL: '',
        WEB: '0',
        RATE_LIMITS: 'off',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; ;) {
    if (node.exitCode !== null) throw new Error(`the server exited with ${node.exitCode}`);
    if (Date.now() > deadline) throw new Error('the server did not become ready in 30 s');
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { url, port, node };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The server's heap in MB, from its own /metrics. */
async function serverHeapMB(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('parley_nodejs_heap_size_used_bytes'));
  return Number(line?.split(' ').at(-1)) / 2 ** 20;
}

async function run(kind: 'sqlite' | 'postgres', database: Database): Promise<boolean> {
  console.log(`\n${kind}:`);
  const { url, port, node } = await startNode(database.url);
  const store = openStore(database.url);
  try {
    const { signUp } = await gql<{ signUp: { token: string; user: { id: string } } }>(
      url,
      '',
      'mutation { signUp(name: "historian", password: "password123") { token user { id } } }',
      {},
    );
    const token: string = signUp.token;
    await gql(url, token, 'mutation { createRoom(name: "Big") { id } }', {});
    await seed(kind, database.url, signUp.user.id);

    // The floor: this machine's scheduling and loopback, with no GraphQL or database in it.
    await time('HTTP: GET /healthz (the floor)', () => get(url, '/healthz'));

    const page = `query($id: ID!, $before: String) { room(id: $id) { messages(last: 50, before: $before) {
      edges { cursor node { id text createdAt author { name } } } pageInfo { hasPreviousPage startCursor } } } }`;
    const newest = await timeHttp(url, 'HTTP: messages(last: 50)', async () => {
      await gql<Page>(url, token, page, { id: ROOM });
    });
    // Cursors anywhere in the room: seq encoded as the server encodes it.
    const cursorAt = (seq: number) => Buffer.from(`seq:${seq}`).toString('base64url');
    const before = await timeHttp(url, 'HTTP: messages(last: 50, before: …)', async (i) => {
      const seq = 51 + Math.floor((((i * 7_919) % 997) / 997) * (MESSAGES - 51));
      const data = await gql<Page>(url, token, page, { id: ROOM, before: cursorAt(seq) });
      if (data.room.messages.edges.length !== 50) throw new Error('short page');
    });

    // The same pages straight from the store: what the database itself costs.
    await time('store: newest 51', async () => {
      await store.messagesBefore(ROOM, null, 51);
    });
    await time('store: 51 before random', async (i) => {
      await store.messagesBefore(ROOM, 51 + Math.floor((((i * 7_919) % 997) / 997) * (MESSAGES - 51)), 51);
    });

    const first = await gql<Page>(url, token, page, { id: ROOM, before: cursorAt(MESSAGES - REPLAY + 1) });
    const afterId = first.room.messages.edges.at(-1)!.node.id;
    const heapBefore = await serverHeapMB(url);
    const { ms } = await replay(`ws://127.0.0.1:${port}/graphql`, token, afterId);
    const heapAfter = await serverHeapMB(url);
    console.log(
      `  after-replay of ${REPLAY} messages       ${ms} ms, server heap ${heapBefore.toFixed(0)} -> ${heapAfter.toFixed(0)} MB`,
    );
    // The sidebar: every room of a person in ROOMS rooms, with its counts and last message.
    await seedRooms(kind, database.url, signUp.user.id);
    // The server closed the idle keep-alive connection while the rooms were seeded.
    agent.destroy();
    const sidebar = '{ rooms { id name unreadCount mentionCount lastMessage { id text createdAt } } }';
    const listed = await gql<{ rooms: { unreadCount: number }[] }>(url, token, sidebar, {});
    if (listed.rooms.length < ROOMS) throw new Error(`rooms lists ${listed.rooms.length} rooms`);
    const roomsP99 = await time(`HTTP: rooms, ${listed.rooms.length}, counts`, async () => {
      await gql(url, token, sidebar, {});
    });
    console.log(
      `  target p99 <= ${ROOMS_TARGET_MS} ms for the rooms list: ${roomsP99 <= ROOMS_TARGET_MS ? 'met' : 'NOT met'}`,
    );

    const ok = newest && before && roomsP99 <= ROOMS_TARGET_MS;
    console.log(
      `  target p99 <= 5 ms (by the client's clock, or 99% within 5 ms by the server's): ${ok ? 'met' : 'NOT met'}`,
    );
    return ok;
  } finally {
    await store.close();
    node.kill('SIGTERM');
    if (node.exitCode === null) await once(node, 'exit');
    await database.drop();
  }
}

const results = [await run('sqlite', sqliteDatabase())];
if (POSTGRES_URL) results.push(await run('postgres', await postgresDatabase()));
process.exit(results.every(Boolean) ? 0 : 1);
