import { type Kysely, sql } from 'kysely';
import type { Dialect } from './migrations.js';
import type { Database } from './schema.js';

/**
 * What SQLite and PostgreSQL do differently, in one place: the store's SQL is their
 * common subset, and asks these wherever they part.
 */
export interface DialectTraits {
  readonly name: Dialect;
  /** Whether `error` says a unique key was taken. */
  isUniqueViolation(error: unknown): boolean;
  /** How a boolean column holds `value`. */
  bool(value: boolean): boolean | number;
  /** Takes room `roomId`'s lock in `trx`, before a change reads what it replaces. */
  lockRoom(trx: Kysely<Database>, roomId: string): Promise<void>;
  /** The schema Kysely's migration tables belong in (undefined: the database's only one). */
  migrationSchema(db: Kysely<Database>): Promise<string | undefined>;
}

const errorCode = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

export const SQLITE: DialectTraits = {
  name: 'sqlite',
  isUniqueViolation: (error) =>
    errorCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' || errorCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY',
  bool: (value) => (value ? 1 : 0),
  // One connection, and Kysely runs its transactions one at a time: a transaction that
  // writes already holds the database's one write lock, so there is nothing to take.
  lockRoom: async () => {},
  migrationSchema: async () => undefined,
};

export const POSTGRES: DialectTraits = {
  name: 'postgres',
  isUniqueViolation: (error) => errorCode(error) === '23505',
  bool: (value) => value,
  async lockRoom(trx, roomId) {
    await trx.selectFrom('rooms').select('id').where('id', '=', roomId).forUpdate().execute();
  },
  // Unless told which schema, Kysely takes its migration tables in ANY schema for ours
  // (Migrator #doesTableExist), so a database where another schema has them fails with
  // 'relation "kysely_migration_lock" does not exist'. Pin them to the current schema.
  async migrationSchema(db) {
    return (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
  },
};
