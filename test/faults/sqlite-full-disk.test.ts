/**
 * The embedded store on a disk that fills up: a 2 MiB tmpfs holds the SQLite database
 * (and a ballast file, which the test deletes as an operator freeing space would). From
 * outside: the send that does not fit fails at once with the masked
 * INTERNAL_SERVER_ERROR, reads go on, nothing acknowledged is lost, the database stays
 * sound (integrity_check), and once there is room again sends work without a restart.
 *
 * Needs root (to mount the tmpfs): skipped with the reason otherwise, except under
 * CI=true, where it fails instead.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, createRoom, history, sendMessage, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { waitOnline } from '../helpers/wait.js';
import { type TestSocket, openSocket } from '../helpers/ws.js';
import { type Added, ON_MESSAGE, type SendOutcome, duplicates, ids, trySend } from '../cluster/support.js';
import { readiness } from './support.js';

/** The size of the filesystem the database lives on. */
const DISK = '2m';
/** Deleted to free space: what an operator freeing disk does. */
const BALLAST_BYTES = 256 * 1024;
/** Sends of this many characters fill the disk within a few dozen. */
const TEXT_CHARS = 4_000;

/** What the server logs at error level: where an operator reads why sends fail. */
const logged: string[] = [];
const log = pino(
  { level: 'error' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  }),
);

/** Why a size-limited filesystem cannot be mounted here, or undefined when it can (tried once, on a scratch folder). */
function cannotMount(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = mkdtempSync(join(tmpdir(), 'parley-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim()}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const CANNOT_MOUNT = cannotMount();

describe.runIf(!CANNOT_MOUNT || process.env.CI === 'true')('SQLite on a full disk', () => {
  let dir: string;
  let mounted = false;
  let server: TestServer | undefined;
  let socket: TestSocket | undefined;
  beforeAll(() => {
    if (CANNOT_MOUNT) throw new Error(`a size-limited filesystem is needed: ${CANNOT_MOUNT}`);
    dir = mkdtempSync(join(tmpdir(), 'parley-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK}`, 'tmpfs', dir]);
    mounted = true;
  });
  afterAll(async () => {
    await socket?.close();
    await server?.stop({ keepDatabase: true });
    if (mounted) execFileSync('umount', [dir]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the send that does not fit with a masked error, keeps serving reads, loses nothing, and writes again once there is room', async () => {
    writeFileSync(join(dir, 'ballast'), Buffer.alloc(BALLAST_BYTES));
    const databaseUrl = `file:${join(dir, 'chat.db')}`;
    server = await startServer({ databaseUrl }, { embedded: true, log });
    const alice: Session = await signUp(server.url);
    const bob: Session = await signUp(server.url);
    const roomId = await createRoom(server.url, alice.token);
    socket = openSocket(server.wsUrl, { token: bob.token });
    const sub = socket.subscribe<Added>(ON_MESSAGE, { roomId });
    await waitOnline(server.url, bob.token, roomId, bob.user.name);
    const first = await sendMessage(server.url, alice.token, roomId, 'the first');
    await sub.waitFor(1, 5_000);

    // Fill the disk.
    const sends: { clientId: string; text: string; ms: number; outcome: SendOutcome }[] = [];
    for (let i = 0; i < 1_000; i++) {
      const clientId = `fill-${i}`;
      const text = `${i} `.padEnd(TEXT_CHARS, String.fromCharCode(97 + (i % 26)));
      const at = Date.now();
      const outcome = await trySend(server.url, alice.token, roomId, text, clientId);
      sends.push({ clientId, text, ms: Date.now() - at, outcome });
      if (!outcome.ok) break;
    }
    const refused = sends.at(-1)!;
    const acknowledged = sends.filter((s) => s.outcome.ok).length;
    expect(refused.outcome.ok, `still accepting after ${sends.length} sends of ${TEXT_CHARS} characters`).toBe(false);
    expect(acknowledged).toBeGreaterThan(0);
    if (!refused.outcome.ok) {
      expect(
        refused.outcome.errors?.map((e) => [e.message, e.extensions?.code]),
        refused.outcome.error,
      ).toEqual([['Unexpected error.', 'INTERNAL_SERVER_ERROR']]);
      expect(JSON.stringify(refused.outcome.errors)).not.toMatch(/SQLITE|disk|full|insert/i);
    }
    expect(refused.ms, 'ms until the refused send answered').toBeLessThan(1_000);
    // The operator's log says why, in SQLite's words.
    expect(logged.join('\n')).toMatch(/SQLITE_FULL|database or disk is full/);

    // Full: reads go on, and so does the node.
    const whileFull = await history(server.url, bob.token, roomId);
    expect(whileFull.map((m) => m.id)).toEqual([
      first.id,
      ...sends.flatMap((s) => (s.outcome.ok ? [s.outcome.message.id] : [])),
    ]);
    const probe = await readiness(server);
    expect((await trySend(server.url, alice.token, roomId, 'still full', 'still-full')).ok).toBe(false);

    // Room again: the refused send, retried with its clientId, goes through, and more after it.
    rmSync(join(dir, 'ballast'));
    const retried = await sendMessage(server.url, alice.token, roomId, refused.text, refused.clientId);
    const more = [
      await sendMessage(server.url, alice.token, roomId, 'still-full', 'still-full'),
      await sendMessage(server.url, alice.token, roomId, 'after freeing space'),
    ];
    const stored = (await history(server.url, bob.token, roomId)).map((m) => m.id);
    expect(stored).toEqual([...whileFull.map((m) => m.id), retried.id, ...more.map((m) => m.id)]);
    await sub.waitFor((items) => items.some((i) => i.messageAdded.id === more.at(-1)!.id), 5_000);
    expect(sub.errors).toEqual([]);
    expect(duplicates(ids(sub))).toEqual([]);
    expect(ids(sub), 'the subscriber vs history').toEqual(stored);

    // The file is sound, and a restart serves the same history.
    await socket.close();
    socket = undefined;
    await server.stop({ keepDatabase: true });
    const check = new Database(databaseUrl.slice('file:'.length), { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      check.close();
    }
    server = await startServer({ databaseUrl }, { embedded: true });
    expect((await history(server.url, bob.token, roomId)).map((m) => m.id)).toEqual(stored);
    console.info(
      `SQLite on a ${DISK} tmpfs: full after ${acknowledged} sends of ${TEXT_CHARS} characters; the refused send ` +
        `answered in ${refused.ms} ms; /readyz while full: HTTP ${probe.status} ${probe.body}; logged: ` +
        (JSON.parse(logged[0]!) as { err?: { message?: string } }).err?.message,
    );
  }, 60_000);
});
