import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { KyselyStore } from './kysely-store.js';
import type { Database } from './schema.js';
import type { Store } from './types.js';

export type { MessageRow, NewMessage, RoomRow, Store, UserRow } from './types.js';
export { UniqueViolation } from './types.js';

/** Connections each node keeps to PostgreSQL. */
const PG_POOL_SIZE = 10;
/** How long SQLite waits for another writer's lock before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

function openSqlite(url: string): Store {
  const path = url.slice('file:'.length);
  const memory = path === ':memory:';
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  const database = new SQLite(memory ? ':memory:' : path);
  database.pragma('journal_mode = WAL');
  // FULL: a message is on disk before sendMessage answers, even across a power cut.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return new KyselyStore(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), 'sqlite');
}

function openPostgres(url: string): Store {
  const pool = new pg.Pool({ connectionString: url, max: PG_POOL_SIZE });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new KyselyStore(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres');
}

/** Opens the store `DATABASE_URL` names; call `migrate()` before use. */
export function openStore(databaseUrl: string): Store {
  return databaseUrl.startsWith('file:') ? openSqlite(databaseUrl) : openPostgres(databaseUrl);
}
