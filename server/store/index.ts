import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { BoundedMap } from '../bounded-map.js';
import { DB_CONNECT_TIMEOUT_MS, DB_QUERY_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS } from '../limits.js';
import { POSTGRES, SQLITE } from './dialects.js';
import { KyselyStore } from './kysely-store.js';
import { OwnSchemaPostgresDialect } from './postgres-introspection.js';
import type { Database } from './schema.js';
import type { Store } from './types.js';

export type {
  AccountRow,
  JoinedRoom,
  Membership,
  MessageChange,
  MessageSearch,
  MessageRow,
  NewMessage,
  NotificationLevel,
  ReactionRow,
  ReadState,
  RoomChange,
  RoomChangeKind,
  RoomKind,
  RoomRole,
  RoomRow,
  SearchTerm,
  SessionRow,
  Store,
  UserRow,
  WebhookRow,
} from './types.js';
export { UniqueViolation } from './types.js';

/** Connections each node keeps to PostgreSQL. */
const PG_POOL_SIZE = 10;
/** How long SQLite waits for another writer's lock before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/** Prepared SQLite statements kept for reuse (the store issues a few dozen distinct ones). */
const SQLITE_STATEMENT_CACHE = 256;

/** The statement that ends a transaction Kysely gives up on. */
const ROLLBACK = /^\s*rollback\s*;?\s*$/i;

/**
 * Kysely prepares every query anew, and preparing costs SQLite about as much as running
 * a small query. The same SQL gets the same statement back (least recently used ones go
 * past the bound). Safe because Kysely runs a statement to completion (`all` or `run`)
 * before the next, and the store never streams.
 */
function reusingStatements(database: SQLite.Database): SqliteDatabase {
  const statements = new BoundedMap<string, SQLite.Statement>(SQLITE_STATEMENT_CACHE);
  let nothing: SQLite.Statement | undefined;
  return {
    close: () => void database.close(),
    prepare(sql: string) {
      // On some errors (SQLITE_FULL: the disk is full; SQLITE_IOERR, SQLITE_NOMEM) SQLite
      // rolls the transaction back by itself. Kysely's own ROLLBACK then failed with
      // "cannot rollback - no transaction is active", and that error replaced the real
      // one: the log said nothing of a full disk. There is nothing left to roll back.
      if (ROLLBACK.test(sql) && !database.inTransaction) return (nothing ??= database.prepare('select 1 where 0'));
      const statement = statements.get(sql) ?? database.prepare(sql);
      statements.set(sql, statement); // most recently used goes last
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
    SQLITE,
  );
}

/** Statements worth preparing: the store's queries, not DDL or transaction control. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
/**
 * A search's best plan depends on its words (a rare one: the GIN index; a common one:
 * newest first, filtered), so it is planned with its values each time, never from the
 * generic plan a prepared statement falls back to.
 */
const PLANNED_PER_VALUES = /to_tsquery\(/;
/** Longer SQL (a long `in (…)` list) is planned each time rather than kept per connection. */
const PG_PREPARE_MAX_CHARS = 2_000;
/** Statement names kept, so a name is not hashed again for every query. */
const PG_STATEMENT_NAMES = 512;

/**
 * PostgreSQL plans every query it is sent as text; for the store's short queries
 * planning took most of the server's time (0.6 of 0.9 ms for a history page). Sent as a
 * named statement instead, each connection prepares it once and reuses it. Kysely sends
 * `query(text, values)`; the pool's clients turn that into `query({ name, text, values })`.
 */
function preparingStatements(pool: pg.Pool): void {
  const names = new BoundedMap<string, string>(PG_STATEMENT_NAMES);
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined) names.set(text, (name = `parley_${createHash('sha1').update(text).digest('base64url')}`));
    return name;
  };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((text: unknown, values?: unknown) =>
      dropOnTimeout(
        client,
        typeof text === 'string' &&
          Array.isArray(values) &&
          text.length <= PG_PREPARE_MAX_CHARS &&
          PREPARABLE.test(text) &&
          !PLANNED_PER_VALUES.test(text)
          ? query({ name: nameOf(text), text, values })
          : query(text, values),
      )) as typeof client.query;
  });
}

/** pg's message when `query_timeout` passed with no answer from PostgreSQL. */
const QUERY_READ_TIMEOUT = 'Query read timeout';

/**
 * A statement PostgreSQL did not answer within DB_QUERY_TIMEOUT_MS fails, but pg keeps
 * the connection waiting for that answer, so every later query on it would time out
 * too once the pool hands it out again. Its socket is closed instead: the pool then
 * removes the client when it is released, and opens a fresh connection when needed.
 */
function dropOnTimeout(client: pg.PoolClient, result: unknown): unknown {
  if (!(result instanceof Promise)) return result;
  return result.catch((error: unknown) => {
    if ((error as Error | null)?.message === QUERY_READ_TIMEOUT) {
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }
    throw error;
  });
}

/**
 * The pool requests use. Every wait on PostgreSQL is bounded, so that through an outage
 * a request fails within DB_CONNECT_TIMEOUT_MS (no connection) or DB_QUERY_TIMEOUT_MS
 * (no answer) rather than hanging for as long as the outage lasts. After an outage
 * nothing needs restarting: connections PostgreSQL closed are dropped
 * (`survivingLostConnections`), and the next query opens a new one.
 */
function requestPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: PG_POOL_SIZE,
    connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS,
    statement_timeout: DB_STATEMENT_TIMEOUT_MS,
    query_timeout: DB_QUERY_TIMEOUT_MS,
    // A peer gone without a word (a host lost, not a server stopped) is noticed too.
    keepAlive: true,
  });
  preparingStatements(pool);
  survivingLostConnections(pool);
  return pool;
}

/**
 * pg emits 'error' on a client whose connection breaks, and the pool listens for it only
 * while the client is idle: a client checked out at that moment (a query running, a
 * transaction open) took the whole process down with an unhandled 'error' event when
 * PostgreSQL stopped (seen in test/faults/database-outage.test.ts). Nothing more is
 * needed than listening: its queries fail by themselves (the running one with the
 * error, a later one as "not queryable"), and the pool drops it once it is released.
 * An idle client losing its connection is dropped by the pool, which reports it on the
 * pool ('error'); the next query opens a new connection.
 */
function survivingLostConnections(pool: pg.Pool): void {
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('error', () => {});
}

/**
 * PostgreSQL's store. Migrations run on a connection of their own, without the request
 * pool's statement timeouts: a backfill of a large table may take minutes, and the node
 * serves nothing until it is done anyway.
 */
class PostgresStore extends KyselyStore {
  constructor(private readonly url: string) {
    super(new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool: requestPool(url) }) }), POSTGRES);
  }

  override async migrate(): Promise<void> {
    const pool = new pg.Pool({ connectionString: this.url, max: 1, connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS });
    survivingLostConnections(pool);
    const migrating = new KyselyStore(
      new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }) }),
      POSTGRES,
    );
    try {
      await migrating.migrate();
    } finally {
      await migrating.close();
    }
    // The request pool's first connection, opened now: a setting PostgreSQL refuses
    // stops start-up rather than the first request.
    await this.ping();
  }
}

/** Opens the store `DATABASE_URL` names; call `migrate()` before use. */
export function openStore(databaseUrl: string): Store {
  return databaseUrl.startsWith('file:') ? openSqlite(databaseUrl) : new PostgresStore(databaseUrl);
}
