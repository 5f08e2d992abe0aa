/**
 * Expand, then contract (README "Operating Parley"): during a rolling upgrade the nodes
 * of the previous version keep running on the schema the new version migrated, so a
 * migration may only add. What can be checked from the schema itself is checked here,
 * applying the migrations one at a time to a real database of each kind and comparing
 * the schema before and after each:
 *
 * - no table and no column disappears (a rename is a drop and an add): the previous
 *   version's queries name them. A contraction, once no running version reads the
 *   thing, must be listed in CONTRACTIONS with the version that stopped reading it;
 * - a column added to an existing table is nullable or has a default: the previous
 *   version's inserts do not name it.
 *
 * What it cannot see: a change of meaning (a column the new version writes differently,
 * a backfill old nodes race with). Those are the reviewer's, with the rule in the README.
 */
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Dialect, migrations } from '../../server/store/migrations.js';
import { OwnSchemaPostgresDialect } from '../../server/store/postgres-introspection.js';
import { type Database, POSTGRES_URL, postgresDatabase } from '../helpers/backends.js';

/**
 * Contractions allowed, `migration name -> ["table" or "table.column", …]`: each a thing
 * that no version still possibly running reads. None so far.
 */
const CONTRACTIONS: Record<string, readonly string[]> = {};

interface Column {
  nullable: boolean;
  hasDefault: boolean;
  /** Filled by the database itself (an identity or autoincrement key). */
  generated: boolean;
}
type Schema = Map<string, Map<string, Column>>;

async function sqliteSchema(db: Kysely<unknown>): Promise<Schema> {
  const schema: Schema = new Map();
  const tables = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(
    db,
  );
  const virtual = new Set(
    (
      await sql<{
        name: string;
      }>`select name from sqlite_master where type = 'table' and sql like 'create virtual table%'`.execute(db)
    ).rows.map((r) => r.name),
  );
  for (const { name } of tables.rows) {
    // An FTS5 table's shadow tables (name_data, name_idx, …) are SQLite's, not ours.
    if ([...virtual].some((v) => name.startsWith(`${v}_`))) continue;
    const columns = await sql<{ name: string; notnull: number; dflt_value: string | null; pk: number; type: string }>`
      select name, "notnull", dflt_value, pk, type from pragma_table_info(${name})`.execute(db);
    schema.set(
      name,
      new Map(
        columns.rows.map((c) => [
          c.name,
          {
            nullable: c.notnull === 0,
            hasDefault: c.dflt_value !== null,
            generated: c.pk === 1 && c.type.toLowerCase() === 'integer',
          },
        ]),
      ),
    );
  }
  return schema;
}

async function postgresSchema(db: Kysely<unknown>): Promise<Schema> {
  const schema: Schema = new Map();
  const columns = await sql<{
    table_name: string;
    column_name: string;
    is_nullable: string;
    column_default: string | null;
    is_identity: string;
  }>`select table_name, column_name, is_nullable, column_default, is_identity
       from information_schema.columns
      where table_schema = current_schema() and table_name not like 'kysely_%'`.execute(db);
  for (const c of columns.rows) {
    const table = schema.get(c.table_name) ?? new Map<string, Column>();
    table.set(c.column_name, {
      nullable: c.is_nullable === 'YES',
      hasDefault: c.column_default !== null,
      generated: c.is_identity === 'YES',
    });
    schema.set(c.table_name, table);
  }
  return schema;
}

/** What `migration` broke for a node that still runs the code of the one before. */
function violations(migration: string, before: Schema, after: Schema): string[] {
  const allowed = new Set(CONTRACTIONS[migration] ?? []);
  const found: string[] = [];
  for (const [table, columns] of before) {
    const now = after.get(table);
    if (!now) {
      if (!allowed.has(table)) found.push(`${migration} drops or renames table ${table}`);
      continue;
    }
    for (const column of columns.keys())
      if (!now.has(column) && !allowed.has(`${table}.${column}`))
        found.push(`${migration} drops or renames column ${table}.${column}`);
    for (const [column, c] of now)
      if (!columns.has(column) && !c.nullable && !c.hasDefault && !c.generated)
        found.push(`${migration} adds ${table}.${column} NOT NULL without a default: older nodes' inserts fail`);
  }
  return found;
}

interface Target {
  name: string;
  dialect: Dialect;
  open(): Promise<{ db: Kysely<unknown>; schema: (db: Kysely<unknown>) => Promise<Schema>; close(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'SQLite',
    dialect: 'sqlite',
    open: async () => {
      const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
      return { db, schema: sqliteSchema, close: () => db.destroy() };
    },
  },
];
if (POSTGRES_URL)
  targets.push({
    name: 'PostgreSQL',
    dialect: 'postgres',
    open: async () => {
      const database: Database = await postgresDatabase();
      const db = new Kysely<unknown>({
        dialect: new OwnSchemaPostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }),
      });
      return {
        db,
        schema: postgresSchema,
        close: async () => {
          await db.destroy();
          await database.drop();
        },
      };
    },
  });

describe.each(targets)('migrations on $name', ({ dialect, open }) => {
  const closing: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closing) await close();
  });

  it('only add, one at a time: no table or column an older node reads disappears, no new NOT NULL column lacks a default', async () => {
    const { db, schema, close } = await open();
    closing.push(close);
    const all = migrations(dialect);
    const migrationTableSchema =
      dialect === 'postgres'
        ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema
        : undefined;
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => all },
      ...(migrationTableSchema ? { migrationTableSchema } : {}),
    });
    let before = await schema(db);
    const found: string[] = [];
    for (const name of Object.keys(all)) {
      const { error } = await migrator.migrateTo(name);
      if (error) throw error;
      const after = await schema(db);
      found.push(...violations(name, before, after));
      before = after;
    }
    expect(found).toEqual([]);
    expect(before.get('messages')?.has('text')).toBe(true); // the schema was read at all
  }, 60_000);

  it('catches what it is there for: a dropped column and a NOT NULL column with no default', () => {
    const table = (columns: Record<string, Partial<Column>>) =>
      new Map(
        Object.entries(columns).map(([n, c]) => [n, { nullable: true, hasDefault: false, generated: false, ...c }]),
      );
    const before: Schema = new Map([['messages', table({ id: { generated: true }, text: {}, room_id: {} })]]);
    const after: Schema = new Map([
      ['messages', table({ id: { generated: true }, body: {}, room_id: {}, kind: { nullable: false } })],
    ]);
    expect(violations('9999_example', before, after)).toEqual([
      '9999_example drops or renames column messages.text',
      "9999_example adds messages.kind NOT NULL without a default: older nodes' inserts fail",
    ]);
    expect(violations('9999_example', before, new Map())).toEqual(['9999_example drops or renames table messages']);
  });
});

describe.runIf(POSTGRES_URL)('introspection on PostgreSQL', () => {
  it("sees our schema alone, so another schema's tables, or its being dropped, cannot affect a node's start", async () => {
    const [ours, theirs] = [await postgresDatabase(), await postgresDatabase()];
    const connect = (url: string) =>
      new Kysely<unknown>({
        dialect: new OwnSchemaPostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
      });
    const [db, other] = [connect(ours.url), connect(theirs.url)];
    try {
      // Another deployment in the same database, with migration tables of its own.
      await sql`create table kysely_migration (name text primary key, timestamp text not null)`.execute(other);
      await sql`create table elsewhere (id serial primary key)`.execute(other);
      expect(await db.introspection.getTables()).toEqual([]);

      await sql`create table notes (id bigint generated always as identity primary key, body text not null,
        pinned boolean default false)`.execute(db);
      const tables = await db.introspection.getTables();
      expect(tables.map((t) => [t.name, t.schema])).toEqual([['notes', await currentSchema(db)]]);
      expect(
        tables[0]!.columns.map((c) => [c.name, c.dataType, c.isAutoIncrementing, c.isNullable, c.hasDefaultValue]),
      ).toEqual([
        ['id', 'int8', true, false, false],
        ['body', 'text', false, false, false],
        ['pinned', 'bool', false, true, true],
      ]);
      // The other schema's tables are seen from its own connection only.
      expect((await other.introspection.getTables()).map((t) => t.name).sort()).toEqual([
        'elsewhere',
        'kysely_migration',
      ]);
    } finally {
      await Promise.all([db.destroy(), other.destroy()]);
      await Promise.all([ours.drop(), theirs.drop()]);
    }
  });
});

const currentSchema = async (db: Kysely<unknown>) =>
  (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema;
