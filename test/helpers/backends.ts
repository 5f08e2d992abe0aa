/**
 * Which backends the suites run against. SQLite and the in-process pub/sub always;
 * PostgreSQL when DATABASE_URL is set and Redis when REDIS_URL is set (`.ci/run` sets
 * both). Set but unreachable fails loudly: nothing is skipped silently.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;
export const REDIS_URL = process.env.REDIS_URL || undefined;

export interface Database {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty SQLite file in its own temporary folder. */
export function sqliteDatabase(): Database {
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  return { url: `file:${join(dir, 'chat.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh PostgreSQL schema on the server DATABASE_URL names, selected through search_path. */
export async function postgresDatabase(baseUrl = POSTGRES_URL): Promise<Database> {
  if (!baseUrl) throw new Error('DATABASE_URL is not a postgres:// URL');
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect(); // throws if PostgreSQL is unreachable: a set DATABASE_URL must work
  await client.query(`create schema ${schema}`);
  await client.end();
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/** The database a server under test should use: PostgreSQL when configured, else SQLite. */
export async function testDatabase(): Promise<Database> {
  return POSTGRES_URL ? postgresDatabase() : sqliteDatabase();
}

/** A Redis channel namespace no other test uses. */
export const uniqueRedisPrefix = (): string => `parley-test:${randomBytes(6).toString('hex')}:`;
