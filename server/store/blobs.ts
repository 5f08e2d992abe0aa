import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Where files' bytes live: on disk beside the SQLite database (one node), or in
 * PostgreSQL itself, in parts, so every node serves every file. Keys are the store's
 * own (a file id and a variant), never a client's.
 */
export interface BlobStore {
  /** Stores `source` under `key`; resolves to its bytes. Nothing is left of a failed write. */
  write(key: string, source: AsyncIterable<Uint8Array>): Promise<number>;
  /** Bytes `start` to `end` (inclusive) of `key`. */
  read(key: string, start: number, end: number): AsyncIterable<Uint8Array>;
  /** Removes `keys`, inside `trx` where blobs are rows (so they go with the file's row). */
  remove(trx: Kysely<Database>, keys: readonly string[]): Promise<void>;
}

/** Keys are made here from random ids: letters, digits, `-`, `_` and `.` only. */
const SAFE_KEY = /^[A-Za-z0-9_.-]{1,100}$/;

function checkKey(key: string): string {
  if (!SAFE_KEY.test(key) || key.startsWith('.')) throw new Error(`not a blob key: ${key}`);
  return key;
}

/** Files under `dir`, spread over 64² folders by the key's first two characters. */
export class DiskBlobs implements BlobStore {
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, checkKey(key).slice(0, 2), key);
  }

  async write(key: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    const path = this.path(key);
    await mkdir(join(path, '..'), { recursive: true });
    // Written aside and renamed into place: a reader never sees half a file.
    const partial = `${path}.${randomBytes(6).toString('hex')}.part`;
    let bytes = 0;
    try {
      await pipeline(
        Readable.from(source, { objectMode: false }),
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            bytes += chunk.byteLength;
            yield chunk;
          }
        },
        createWriteStream(partial),
      );
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return bytes;
  }

  read(key: string, start: number, end: number): AsyncIterable<Uint8Array> {
    return createReadStream(this.path(key), { start, end });
  }

  async remove(_trx: Kysely<Database>, keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.path(key), { force: true })));
  }
}

/** One row of `file_blobs` holds this much of a blob. */
export const BLOB_PART_BYTES = 256 * 1024; // 256 KiB
/** Parts read per query while streaming a blob out: what a download holds in memory at most. */
const BLOB_READ_PARTS = 4; // parts (1 MiB)

/** Blobs as rows of `file_blobs` (bytea), BLOB_PART_BYTES each, on PostgreSQL. */
export class PostgresBlobs implements BlobStore {
  constructor(private readonly db: Kysely<Database>) {}

  async write(key: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    let part = 0;
    let bytes = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (all: boolean) => {
      while (pendingBytes >= BLOB_PART_BYTES || (all && pendingBytes > 0)) {
        const joined = Buffer.concat(pending, pendingBytes);
        const data = joined.subarray(0, Math.min(BLOB_PART_BYTES, joined.length));
        await this.db.insertInto('file_blobs').values({ key, part, data }).execute();
        part += 1;
        const rest = joined.subarray(data.length);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
      }
    };
    try {
      for await (const chunk of source) {
        pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        pendingBytes += chunk.byteLength;
        bytes += chunk.byteLength;
        if (pendingBytes >= BLOB_PART_BYTES) await flush(false);
      }
      await flush(true);
    } catch (error) {
      await this.db.deleteFrom('file_blobs').where('key', '=', key).execute();
      throw error;
    }
    return bytes;
  }

  async *read(key: string, start: number, end: number): AsyncIterable<Uint8Array> {
    const last = Math.floor(end / BLOB_PART_BYTES);
    for (let first = Math.floor(start / BLOB_PART_BYTES); first <= last; first += BLOB_READ_PARTS) {
      const rows = await this.db
        .selectFrom('file_blobs')
        .select(['part', 'data'])
        .where('key', '=', key)
        .where('part', '>=', first)
        .where('part', '<=', Math.min(last, first + BLOB_READ_PARTS - 1))
        .orderBy('part')
        .execute();
      const wanted = Math.min(last, first + BLOB_READ_PARTS - 1) - first + 1;
      if (rows.length !== wanted)
        throw new Error(`blob ${key} has ${rows.length} of parts ${first}-${first + wanted - 1}`);
      for (const row of rows) {
        const offset = row.part * BLOB_PART_BYTES;
        const data = Buffer.from(row.data);
        yield data.subarray(Math.max(0, start - offset), Math.min(data.length, end - offset + 1));
      }
    }
  }

  async remove(trx: Kysely<Database>, keys: readonly string[]): Promise<void> {
    if (keys.length > 0)
      await trx
        .deleteFrom('file_blobs')
        .where('key', 'in', [...keys])
        .execute();
  }
}
