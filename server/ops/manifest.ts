/**
 * What a backup directory holds and says about itself. A backup is a directory, made
 * whole or not at all (written as `<name>.partial` and renamed at the end):
 *
 *   manifest.json    this file: which store, when, the schema version, row counts
 *   chat.db          SQLite: a consistent copy of the database (VACUUM INTO)
 *   files/           SQLite: the uploaded files' bytes, when there are any
 *   postgres.dump    PostgreSQL: pg_dump's custom format (files are rows in it)
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { migrations } from '../store/migrations.js';

export const MANIFEST = 'manifest.json';
export const SQLITE_FILE = 'chat.db';
export const FILES_DIR = 'files';
export const POSTGRES_FILE = 'postgres.dump';
const FORMAT = 'parley-backup';
const FORMAT_VERSION = 1;

export type StoreKind = 'sqlite' | 'postgres';

export interface Manifest {
  format: typeof FORMAT;
  version: typeof FORMAT_VERSION;
  store: StoreKind;
  /** ISO time the snapshot was taken. */
  createdAt: string;
  /** The last migration applied to the database backed up (schema version). */
  migration: string | null;
  /** Rows in the snapshot itself, so a restore can be checked against them. */
  counts: Record<string, number>;
  /** SQLite: files copied from the files directory (0 when there was none). */
  files?: number;
}

/** A refusal or failure an operator can act on: printed as one sentence, exit status 1. */
export class OpsError extends Error {
  override name = 'OpsError';
}

/** The tables whose rows a manifest counts (those that exist in the snapshot). */
export const COUNTED_TABLES = ['users', 'rooms', 'messages', 'room_events', 'files'] as const;

/**
 * Creates `<target>.partial`, where a backup is written before it is renamed to
 * `target`; refuses a target that exists, so a backup never replaces another.
 */
export async function startBackup(target: string): Promise<string> {
  if (existsSync(target))
    throw new OpsError(`${target} already exists: a backup never replaces anything, name a new one`);
  const partial = `${target}.partial`;
  if (existsSync(partial))
    throw new OpsError(`${partial} exists: an unfinished backup (interrupted?); remove it, or name another target`);
  await mkdir(dirname(target), { recursive: true });
  await mkdir(partial);
  return partial;
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function readManifest(dir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), 'utf8');
  } catch {
    throw new OpsError(`${dir} is not a Parley backup: it has no ${MANIFEST}`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    throw new OpsError(`${join(dir, MANIFEST)} is not valid JSON`);
  }
  if (manifest.format !== FORMAT || manifest.version !== FORMAT_VERSION)
    throw new OpsError(`${join(dir, MANIFEST)} is not a Parley backup of format version ${FORMAT_VERSION}`);
  if (manifest.store !== 'sqlite' && manifest.store !== 'postgres')
    throw new OpsError(`${join(dir, MANIFEST)} names an unknown store "${String(manifest.store)}"`);
  return manifest;
}

/**
 * A backup taken by a newer Parley has migrations this one does not know, and its nodes
 * would refuse to start on it: said before anything is written.
 */
export function checkSchemaKnown(manifest: Manifest): void {
  if (manifest.migration === null) return;
  const known = Object.keys(migrations(manifest.store));
  if (!known.includes(manifest.migration))
    throw new OpsError(
      `the backup's schema is at migration ${manifest.migration}, which this version of Parley does not have ` +
        `(its latest is ${known.at(-1)}): restore it with the version that took it, or a newer one`,
    );
}

/** `3 users, 2 rooms, …` for the command's output. */
export const describeCounts = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([table, n]) => `${n} ${table}`)
    .join(', ');
