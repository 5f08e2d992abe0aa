/**
 * SQLite backups, taken while the server runs. `VACUUM INTO` copies the database inside
 * one read transaction: a consistent snapshot, and in WAL mode the server's writers go
 * on meanwhile (the backup API would start over each time another process writes).
 * The uploaded files' bytes live beside the database; they are hard-linked aside before
 * the snapshot, so a file deleted during the backup is still there for the rows that
 * name it, and copied from the live folder afterwards for files added meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import { copyTree } from './copy-tree.js';
import {
  COUNTED_TABLES,
  FILES_DIR,
  type Manifest,
  OpsError,
  SQLITE_FILE,
  checkSchemaKnown,
  readManifest,
  startBackup,
  writeManifest,
} from './manifest.js';

/** How long the snapshot waits for a writer's lock (the server's own busy timeout). */
const BUSY_TIMEOUT_MS = 5_000;

/** The database file of a `file:` DATABASE_URL; refuses the in-memory one. */
export function sqlitePath(databaseUrl: string): string {
  const path = databaseUrl.slice('file:'.length);
  if (path === ':memory:')
    throw new OpsError('DATABASE_URL is file::memory:, which keeps nothing to back up or restore');
  return path;
}

/**
 * Where the uploaded files' bytes live for the database at `databasePath`: the `files`
 * folder beside it (data/files for the default data/chat.db).
 */
export const sqliteFilesDir = (databasePath: string): string => join(dirname(databasePath), 'files');

/** Row counts, and the schema version, of the SQLite database at `path`. */
function describe(path: string): Pick<Manifest, 'counts' | 'migration'> {
  const db = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new OpsError(`${path} fails SQLite's quick_check: ${String(check)}`);
    const tables = new Set(
      (db.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[]).map(
        (r) => r.name,
      ),
    );
    const counts: Record<string, number> = {};
    for (const table of COUNTED_TABLES)
      if (tables.has(table))
        counts[table] = (db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
    const migration = tables.has('kysely_migration')
      ? ((db.prepare('select max(name) as name from kysely_migration').get() as { name: string | null }).name ?? null)
      : null;
    return { counts, migration };
  } finally {
    db.close();
  }
}

async function nonEmptyDir(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length > 0;
  } catch {
    return false;
  }
}

export async function backupSqlite(databaseUrl: string, target: string): Promise<Manifest> {
  const source = sqlitePath(databaseUrl);
  if (!existsSync(source)) throw new OpsError(`there is no database at ${source} (DATABASE_URL=${databaseUrl})`);
  const filesDir = sqliteFilesDir(source);
  // Beside the live files, so that hard links work: a backup disk is often another file system.
  const staging = join(dirname(filesDir), `.${basename(filesDir)}-backup-${randomBytes(4).toString('hex')}`);
  const partial = await startBackup(target);
  try {
    const staged = await copyTree(filesDir, staging, { hardLinks: true });
    const createdAt = new Date().toISOString();
    const db = new SQLite(source, { fileMustExist: true });
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.prepare('vacuum into ?').run(join(partial, SQLITE_FILE));
    } finally {
      db.close();
    }
    let files = 0;
    if (staged > 0 || existsSync(filesDir)) {
      files += await copyTree(staging, join(partial, FILES_DIR));
      // Added between the links and the snapshot: the snapshot may name them.
      files += await copyTree(filesDir, join(partial, FILES_DIR));
    }
    const manifest: Manifest = {
      format: 'parley-backup',
      version: 1,
      store: 'sqlite',
      createdAt,
      ...describe(join(partial, SQLITE_FILE)),
      files,
    };
    await writeManifest(partial, manifest);
    await rename(partial, target);
    return manifest;
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** `<path>.before-restore-<time>`: where `--force` keeps what it replaces. */
const keptName = (path: string, stamp: string) => `${path}.before-restore-${stamp}`;

export async function restoreSqlite(
  backup: string,
  databaseUrl: string,
  { force }: { force: boolean },
): Promise<Manifest> {
  const manifest = await readManifest(backup);
  if (manifest.store !== 'sqlite')
    throw new OpsError(`${backup} is a PostgreSQL backup, and DATABASE_URL names SQLite (${databaseUrl})`);
  checkSchemaKnown(manifest);
  const path = sqlitePath(databaseUrl);
  const filesDir = sqliteFilesDir(path);
  const present = [path, `${path}-wal`].filter((p) => existsSync(p));
  const filesPresent = await nonEmptyDir(filesDir);
  if (!force && (present.length > 0 || filesPresent))
    throw new OpsError(
      `${present[0] ?? filesDir} already exists: restore into a DATABASE_URL with no database yet, or stop ` +
        `Parley and pass --force (what is there is kept beside it as *.before-restore-<time>)`,
    );

  // Everything is put together beside its place first, checked, then renamed in.
  const restoring = `${path}.restoring`;
  const restoringFiles = `${filesDir}.restoring`;
  await rm(restoring, { force: true });
  await rm(restoringFiles, { recursive: true, force: true });
  await mkdir(dirname(path), { recursive: true });
  try {
    const source = join(backup, SQLITE_FILE);
    if (!(await stat(source).catch(() => null))?.isFile()) throw new OpsError(`${source} is missing`);
    // Through SQLite rather than a byte copy: the result is a database it has read whole.
    const from = new SQLite(source, { readonly: true, fileMustExist: true });
    try {
      from.prepare('vacuum into ?').run(restoring);
    } finally {
      from.close();
    }
    const restored = describe(restoring);
    for (const [table, n] of Object.entries(manifest.counts))
      if (restored.counts[table] !== n)
        throw new OpsError(`${source} has ${restored.counts[table]} ${table}, its manifest says ${n}`);
    const files = await copyTree(join(backup, FILES_DIR), restoringFiles);
    if (manifest.files !== undefined && files !== manifest.files)
      throw new OpsError(`${join(backup, FILES_DIR)} holds ${files} files, its manifest says ${manifest.files}`);

    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const p of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(p)) await rename(p, keptName(p, stamp));
    if (existsSync(filesDir)) await rename(filesDir, keptName(filesDir, stamp));
    await rename(restoring, path);
    if (files > 0) await rename(restoringFiles, filesDir);
    return manifest;
  } finally {
    await rm(restoring, { force: true });
    await rm(restoringFiles, { recursive: true, force: true });
  }
}
