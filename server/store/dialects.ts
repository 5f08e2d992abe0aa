import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type BlobStore, DiskBlobs, PostgresBlobs } from './blobs.js';
import type { Dialect } from './migrations.js';
import type { Database } from './schema.js';
import { matchesPrefix } from './search-words.js';
import type { SearchTerm } from './types.js';

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
  /**
   * Columns of a message row that hold its search words (`null`: none, deleted):
   * PostgreSQL keeps a tsvector in the row, under a GIN index.
   */
  wordColumns(words: string | null): { words?: RawBuilder<unknown> | null };
  /**
   * Indexes message `id`'s search words where they are kept apart from the row
   * (SQLite's FTS5 table), replacing what it had; `null` forgets them.
   */
  indexWords(trx: Kysely<Database>, id: number, words: string | null, replacing: boolean): Promise<void>;
  /** The condition on `messages` that its words match all of `terms`. */
  matches(terms: readonly SearchTerm[]): RawBuilder<boolean>;
  /** Where files' bytes go: beside the SQLite database, or in PostgreSQL's `file_blobs`. */
  openBlobs(db: Kysely<Database>): Promise<BlobStore>;
}

/** A token as FTS5 and tsquery take it: tokens are letters and digits, but never trust that. */
const letters = (token: string): string => token.replace(/[^\p{L}\p{N}]/gu, '');

/** FTS5's query syntax: "word"* for a word or its start, "a b c" for a phrase; AND between. */
export function fts5Query(terms: readonly SearchTerm[]): string {
  return terms
    .map((t) => {
      const quoted = `"${t.tokens.map(letters).join(' ')}"`;
      return matchesPrefix(t) ? `${quoted}*` : quoted;
    })
    .join(' ');
}

/** PostgreSQL's tsquery: 'word':* for a word or its start, 'a' <-> 'b' for a phrase; & between. */
export function tsQuery(terms: readonly SearchTerm[]): string {
  return terms
    .map((t) =>
      t.phrase
        ? `(${t.tokens.map((token) => `'${letters(token)}'`).join(' <-> ')})`
        : `'${letters(t.tokens[0]!)}'${matchesPrefix(t) ? ':*' : ''}`,
    )
    .join(' & ');
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
  wordColumns: () => ({}),
  async indexWords(trx, id, words, replacing) {
    // A contentless FTS5 table (contentless_delete): it keeps the index, not the text.
    if (replacing) await sql`delete from message_words where rowid = ${id}`.execute(trx);
    if (words) await sql`insert into message_words (rowid, words) values (${id}, ${words})`.execute(trx);
  },
  matches: (terms) =>
    sql<boolean>`messages.id in (select rowid from message_words where message_words match ${fts5Query(terms)})`,
  // `files/` beside the database file (data/files for data/chat.db); a database in memory
  // keeps its files in a temporary folder, as throwaway as it is.
  async openBlobs(db) {
    const { rows } = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db);
    const file = rows[0]?.file;
    return new DiskBlobs(file ? join(dirname(file), 'files') : await mkdtemp(join(tmpdir(), 'parley-files-')));
  },
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
  wordColumns: (words) => ({ words: words ? sql`to_tsvector('simple', ${words})` : null }),
  indexWords: async () => {}, // in the row (wordColumns)
  matches: (terms) => sql<boolean>`messages.words @@ to_tsquery('simple', ${tsQuery(terms)})`,
  openBlobs: async (db) => new PostgresBlobs(db),
};
