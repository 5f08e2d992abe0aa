/**
 * `npm run backup` and `npm run restore`, run as an operator runs them (the scripts, in
 * a process of their own, configured by DATABASE_URL), against a server that keeps
 * serving and writing during the backup. SQLite always; PostgreSQL when DATABASE_URL is
 * a postgres:// URL, each database a new one made for the test on that server.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteFilesDir } from '../../server/ops/sqlite.js';
import { POSTGRES_URL } from '../helpers/backends.js';
import {
  type FullMessage,
  type Events,
  ROOM_EVENTS,
  RoomModel,
  change,
  EDIT,
  DELETE,
  REACT,
  send,
  snapshot,
} from '../helpers/events.js';
import { MESSAGE_FIELDS, type Message, type Session, createRoom, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { type TestSocket, openSocket } from '../helpers/ws.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A script run with tsx: a cold start on 2 busy cores takes seconds. */
const SCRIPT_TIMEOUT_MS = 60_000;

interface Fresh {
  url: string;
  drop(): Promise<void>;
}

/** A database that does not exist yet, of each kind. */
const kinds: { name: string; fresh: () => Promise<Fresh> }[] = [
  {
    name: 'SQLite',
    fresh: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-ops-'));
      return {
        url: `file:${join(dir, 'data', 'chat.db')}`,
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];
const postgresBase = POSTGRES_URL;
if (postgresBase)
  kinds.push({
    name: 'PostgreSQL',
    fresh: async () => {
      const name = `parley_ops_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: postgresBase });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(postgresBase);
      url.pathname = `/${name}`;
      url.search = '';
      return {
        url: url.toString(),
        async drop() {
          const c = new pg.Client({ connectionString: postgresBase });
          await c.connect();
          await c.query(`drop database if exists ${name} with (force)`);
          await c.end();
        },
      };
    },
  });

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `server/ops/<script>.ts` as `npm run <script>` would, with DATABASE_URL. */
function ops(script: 'backup' | 'restore', databaseUrl: string, ...args: string[]): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
  delete env.NODE_OPTIONS; // vitest's loader hooks are not the script's
  const child = spawn(process.execPath, ['--import', 'tsx', `server/ops/${script}.ts`, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

type Added = { messageAdded: Message };
const ON_MESSAGE = `subscription($roomId: ID!, $after: ID) { messageAdded(roomId: $roomId, after: $after) { ${MESSAGE_FIELDS} } }`;

describe.each(kinds)('backup and restore ($name)', ({ fresh }) => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });
  const backupsDir = mkdtempSync(join(tmpdir(), 'parley-backups-'));
  cleanup.push(async () => rmSync(backupsDir, { recursive: true, force: true }));

  let source: TestServer;
  let restored: TestServer;
  let alice: Session;
  let roomId: string;
  let backup: string;
  let restoredDb: Fresh;

  it(
    'restores a backup taken while serving into a fresh database, with history, cursors and resume intact',
    async () => {
      const sourceDb = await fresh();
      cleanup.push(() => sourceDb.drop());
      source = await startServer({ databaseUrl: sourceDb.url });
      cleanup.push(() => source.stop({ keepDatabase: true }));
      alice = await signUp(source.url);
      const bob = await signUp(source.url);
      roomId = await createRoom(source.url, alice.token);
      await change(source.url, bob.token, 'mutation($id: ID!) { joinRoom(id: $id) { id } }', { id: roomId });

      // What a client holds before the backup: messages, one edited and reacted to, and
      // the cursors it would resume from.
      const first = await send(source.url, alice.token, roomId, 'first');
      const second = await send(source.url, bob.token, roomId, 'second', first.id);
      for (const [token, mutation, variables] of [
        [bob.token, EDIT, { id: second.id, text: 'second, edited' }],
        [alice.token, REACT, { id: second.id, emoji: '🎉' }],
      ] as const)
        expect((await change(source.url, token, mutation, variables)).errors).toBeUndefined();
      const held = await snapshot(source.url, alice.token, roomId);
      const lastHeld = held.messages.at(-1)!.id;

      // Changes after the client's cursors, then a writer that keeps sending through the backup.
      await send(source.url, bob.token, roomId, 'third');
      expect((await change(source.url, alice.token, DELETE, { id: first.id })).errors).toBeUndefined();
      if (source.sqlite) {
        // Uploaded files' bytes beside the database, as the blob store keeps them.
        const files = sqliteFilesDir(source.databaseFile!);
        mkdirSync(join(files, 'ab'), { recursive: true });
        writeFileSync(join(files, 'ab', 'abcdef'), 'the bytes of an upload');
        writeFileSync(join(files, 'ab', 'abcdef.thumbnail'), 'a thumbnail');
      }
      let writing = true;
      let written = 0;
      const writer = (async () => {
        while (writing) {
          await send(source.url, alice.token, roomId, `during ${written}`);
          written += 1;
        }
      })();
      backup = join(backupsDir, 'nightly');
      const taken = await ops('backup', sourceDb.url, backup);
      writing = false;
      await writer;
      expect(taken.stderr).toBe('');
      expect(taken.status).toBe(0);
      expect(taken.stdout).toMatch(/^parley backup: wrote .*nightly \(/);
      expect(written).toBeGreaterThan(0);
      await send(source.url, alice.token, roomId, 'after the backup');
      const final = await snapshot(source.url, alice.token, roomId);

      // Restored into a database that did not exist, then served by a node of its own.
      restoredDb = await fresh();
      cleanup.push(() => restoredDb.drop());
      const put = await ops('restore', restoredDb.url, backup);
      expect(put.stderr).toBe('');
      expect(put.status).toBe(0);
      restored = await startServer({ databaseUrl: restoredDb.url });
      cleanup.push(() => restored.stop({ keepDatabase: true }));

      // History: exactly the source's, up to a point during the backup, with no gap.
      const after = await snapshot(restored.url, alice.token, roomId);
      const cut = after.messages.length;
      const texts = after.messages.map((m) => m.text);
      expect(texts.slice(0, 3)).toEqual(['', 'second, edited', 'third']);
      expect(after.messages).toEqual(final.messages.slice(0, cut));
      expect(texts).not.toContain('after the backup');
      expect(after.messages[1]!.reactions).toEqual([
        expect.objectContaining({ emoji: '🎉', count: 1, viewerReacted: true }),
      ]);
      expect(after.messages[0]!.deletedAt).not.toBeNull();

      const socket: TestSocket = openSocket(restored.wsUrl, { token: alice.token });
      cleanup.push(() => socket.close());
      await socket.connected;
      // The change feed from a cursor taken before the backup: the client catches up to the
      // restored state, then hears what happens next.
      const events = socket.subscribe<Events>(ROOM_EVENTS, { roomId, after: held.eventCursor });
      const resumed = socket.subscribe<Added>(ON_MESSAGE, { roomId, after: lastHeld });
      const model = new RoomModel(held.messages, held.eventCursor);
      await events.waitFor((items) => items.at(-1)?.roomEvents.cursor === after.eventCursor);
      for (const e of events.items) model.apply(e.roomEvents);
      expect(model.messages).toEqual(after.messages);
      // messageAdded(after:) replays the messages after the one the client had.
      const replayed = await resumed.waitFor(cut - held.messages.length);
      expect(replayed.map((m) => m.messageAdded.id)).toEqual(
        after.messages.slice(held.messages.length).map((m) => m.id),
      );

      const live = await send(restored.url, alice.token, roomId, 'live on the restored node');
      await events.waitFor((items) => items.some((e) => e.roomEvents.message?.id === live.id));
      await resumed.waitFor((items) => items.some((m) => m.messageAdded.id === live.id));
      expect(live.seq).toBe(after.messages.at(-1)!.seq + 1);

      if (restored.sqlite) {
        const files = sqliteFilesDir(restored.databaseFile!);
        expect(readFileSync(join(files, 'ab', 'abcdef'), 'utf8')).toBe('the bytes of an upload');
        expect(readFileSync(join(files, 'ab', 'abcdef.thumbnail'), 'utf8')).toBe('a thumbnail');
      }
      const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8')) as {
        counts: { messages: number };
      };
      expect(manifest.counts.messages).toBe(cut);
    },
    3 * SCRIPT_TIMEOUT_MS,
  );

  it(
    'refuses to overwrite a backup, or a database that has data, and --force replaces it keeping nothing of the new data',
    async () => {
      expect(restored, 'the first test restored a database').toBeDefined();
      const again = await ops('backup', restored.databaseUrl, backup);
      expect(again.status).toBe(1);
      expect(again.stderr).toContain(`${backup} already exists`);
      expect(readdirSync(dirname(backup))).toEqual(['nightly']);

      const marker = await send(restored.url, alice.token, roomId, 'written on the restored node');
      const over = await ops('restore', restoredDb.url, backup);
      expect(over.status).toBe(1);
      expect(over.stderr).toMatch(
        restored.sqlite ? /already exists: .*--force/ : /the database is not empty .*--force/,
      );
      const untouched = await snapshot(restored.url, alice.token, roomId);
      expect(untouched.messages.at(-1)!.id).toBe(marker.id);

      // A backup from a version of Parley with migrations this one lacks is refused first.
      const future = join(backupsDir, 'future');
      mkdirSync(future);
      const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(future, 'manifest.json'), JSON.stringify({ ...manifest, migration: '9999_from_the_future' }));
      const newer = await ops('restore', restoredDb.url, future, '--force');
      expect(newer.status).toBe(1);
      expect(newer.stderr).toContain('migration 9999_from_the_future, which this version of Parley does not have');

      await restored.stop({ keepDatabase: true });
      const forced = await ops('restore', restoredDb.url, backup, '--force');
      expect(forced.stderr).toBe('');
      expect(forced.status).toBe(0);
      restored = await startServer({ databaseUrl: restoredDb.url });
      const again2 = restored;
      cleanup.push(() => again2.stop({ keepDatabase: true }));
      const back = await snapshot(restored.url, alice.token, roomId);
      expect(back.messages.map((m: FullMessage) => m.id)).not.toContain(marker.id);
      expect(back.messages).toHaveLength(
        (JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8')) as { counts: { messages: number } }).counts
          .messages,
      );
      if (restored.sqlite) {
        // What --force replaced is kept beside it.
        const kept = readdirSync(dirname(restored.databaseFile!)).filter((n) =>
          n.startsWith('chat.db.before-restore-'),
        );
        expect(kept.length).toBeGreaterThan(0);
      }
    },
    5 * SCRIPT_TIMEOUT_MS,
  );
});

it(
  'backup needs a target: without one it says how to call it',
  async () => {
    const outcome = await ops('backup', 'file::memory:');
    expect(outcome.status).toBe(64);
    expect(outcome.stderr).toContain('usage: npm run backup -- <new directory>');
  },
  SCRIPT_TIMEOUT_MS,
);
