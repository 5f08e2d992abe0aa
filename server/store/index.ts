import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
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
/** Prepared SQLite statements kept for reuse (the store issues a few dozen distinct ones). */
const SQLITE_STATEMENT_CACHE = 256;

/**
 * Kysely prepares every query anew, and preparing costs SQLite about as much as running
 * a small query. The same SQL gets the same statement back (least recently used ones go
 * past the bound). Safe because Kysely runs a statement to completion (`all` or `run`)
 * before the next, and the store never streams.
 */
function reusingStatements(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => void database.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql); // most recently used goes last
      } else {
        statement = database.prepare(sql);
        if (statements.size >= SQLITE_STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

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
  return new KyselyStore(
    new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(database) }) }),
    'sqlite',
  );
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
