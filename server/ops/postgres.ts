/**
 * PostgreSQL backups with its own tools: `pg_dump` in the custom format, and
 * `pg_restore` piped into one `psql` transaction, so a restore that fails half-way
 * leaves the database as it was. The row counts in the manifest are read in the very
 * snapshot the dump is taken from (`pg_export_snapshot`), and checked again inside the
 * restore's transaction before it commits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import {
  COUNTED_TABLES,
  type Manifest,
  OpsError,
  POSTGRES_FILE,
  checkSchemaKnown,
  readManifest,
  startBackup,
  writeManifest,
} from './manifest.js';

type Env = Readonly<Record<string, string | undefined>>;

/** How long the tools wait to connect, in seconds (libpq's PGCONNECT_TIMEOUT). */
const CONNECT_TIMEOUT_S = 10;
/** Lines of a tool's stderr kept for the error message. */
const STDERR_LINES = 20;

/**
 * The URL without its password, and an environment carrying it (PGPASSWORD): a
 * password in the arguments would show in `ps` to every user of the machine.
 */
function forTools(databaseUrl: string, env: Env): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  const childEnv: Record<string, string | undefined> = { ...env, PGCONNECT_TIMEOUT: String(CONNECT_TIMEOUT_S) };
  if (password) childEnv.PGPASSWORD = password;
  return { url: url.toString(), env: childEnv as NodeJS.ProcessEnv };
}

interface Run {
  child: ChildProcess;
  done: Promise<string>;
}

/** Starts `command`; `done` resolves to its stdout (when not piped on) once it exits 0. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, { pipeOut = false } = {}): Run {
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  if (!pipeOut) child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<string>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new OpsError(`${command} is not installed: it comes with PostgreSQL's client tools (postgresql-client)`)
          : error,
      ),
    );
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      const tail = stderr.trim().split('\n').slice(-STDERR_LINES).join('\n');
      reject(new OpsError(`${command} failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
  });
  return { child, done };
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_S * 1_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new OpsError(`cannot connect to PostgreSQL (DATABASE_URL): ${(error as Error).message}`);
  }
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function backupPostgres(databaseUrl: string, target: string, env: Env): Promise<Manifest> {
  const tools = forTools(databaseUrl, env);
  const partial = await startBackup(target);
  try {
    const manifest = await withClient(databaseUrl, async (client) => {
      // The counts and the dump see one and the same snapshot; the transaction holding
      // it stays open until pg_dump is done.
      await client.query('begin isolation level repeatable read read only');
      const snapshot = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]!.id;
      const createdAt = new Date().toISOString();
      const counts: Record<string, number> = {};
      for (const table of COUNTED_TABLES) {
        const exists = (await client.query<{ t: string | null }>('select to_regclass($1) as t', [table])).rows[0]!.t;
        if (exists)
          counts[table] = Number(
            (await client.query<{ n: string }>(`select count(*) as n from ${quoteIdent(table)}`)).rows[0]!.n,
          );
      }
      const migrated = (await client.query<{ t: string | null }>(`select to_regclass('kysely_migration') as t`))
        .rows[0]!.t;
      const migration = migrated
        ? (await client.query<{ name: string | null }>('select max(name) as name from kysely_migration')).rows[0]!.name
        : null;
      const file = join(partial, POSTGRES_FILE);
      await run(
        'pg_dump',
        ['--format=custom', `--snapshot=${snapshot}`, `--file=${file}`, `--dbname=${tools.url}`],
        tools.env,
      ).done;
      await client.query('commit');
      // Readable, and with the messages in it: a dump that cannot be restored is no backup.
      const toc = await run('pg_restore', ['--list', file], tools.env).done;
      if (counts.messages !== undefined && !/ TABLE DATA \S+ messages /.test(toc))
        throw new OpsError(`${file} was written but lists no messages table data`);
      return { format: 'parley-backup', version: 1, store: 'postgres', createdAt, migration, counts } as Manifest;
    });
    await writeManifest(partial, manifest);
    await rename(partial, target);
    return manifest;
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Tables the dump creates, with their schemas: `TABLE public messages` lines of its list. */
function dumpedTables(toc: string): { schema: string; name: string }[] {
  const tables: { schema: string; name: string }[] = [];
  for (const line of toc.split('\n')) {
    const match = /^\d+; \d+ \d+ TABLE (\S+) (\S+) /.exec(line);
    if (match) tables.push({ schema: match[1]!, name: match[2]! });
  }
  return tables;
}

export async function restorePostgres(
  backup: string,
  databaseUrl: string,
  { force, env }: { force: boolean; env: Env },
): Promise<Manifest> {
  const manifest = await readManifest(backup);
  if (manifest.store !== 'postgres')
    throw new OpsError(`${backup} is a SQLite backup, and DATABASE_URL names PostgreSQL`);
  checkSchemaKnown(manifest);
  const tools = forTools(databaseUrl, env);
  const file = join(backup, POSTGRES_FILE);
  const tables = dumpedTables(await run('pg_restore', ['--list', file], tools.env).done);
  const schemas = [...new Set(tables.map((t) => t.schema))];
  if (schemas.length === 0) throw new OpsError(`${file} creates no tables`);

  // What is in the schemas the dump restores into: refused, or with --force dropped in
  // the restore's own transaction.
  const existing = await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ schema: string; name: string; kind: string }>(
      `select n.nspname as schema, c.relname as name, c.relkind as kind
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any($1) and c.relkind in ('r', 'p', 'v', 'm', 'f')
        order by 1, 2`,
      [schemas],
    );
    return rows;
  });
  if (existing.length > 0 && !force)
    throw new OpsError(
      `the database is not empty (${existing.length} tables and views in ${schemas.join(', ')}, e.g. ` +
        `${existing
          .slice(0, 3)
          .map((r) => r.name)
          .join(', ')}): restore into a new database, or stop every node and pass --force to replace it`,
    );

  const drop = existing.map((r) => {
    const kind =
      r.kind === 'v' ? 'view' : r.kind === 'm' ? 'materialized view' : r.kind === 'f' ? 'foreign table' : 'table';
    return `drop ${kind} if exists ${quoteIdent(r.schema)}.${quoteIdent(r.name)} cascade;`;
  });
  // Checked before commit: a count that differs from the manifest rolls everything back.
  const checks = Object.entries(manifest.counts).map(([table, n]) => {
    const found = tables.find((t) => t.name === table);
    if (!found) throw new OpsError(`${file} has no ${table} table, its manifest counts ${n}`);
    const qualified = `${quoteIdent(found.schema)}.${quoteIdent(table)}`;
    return `do $$ declare found bigint; begin
              select count(*) into found from ${qualified};
              if found <> ${Number(n)} then raise exception 'restored % rows of ${table}, the manifest says ${Number(n)}', found; end if;
            end $$;`;
  });

  const restore = run('pg_restore', ['--no-owner', '--no-privileges', '--file=-', file], tools.env, { pipeOut: true });
  const psql = run(
    'psql',
    [
      '--no-psqlrc',
      '--quiet',
      '--single-transaction',
      '--set=ON_ERROR_STOP=1',
      ...(drop.length > 0 ? [`--command=${drop.join('\n')}`] : []),
      '--file=-',
      ...checks.map((c) => `--command=${c}`),
      `--dbname=${tools.url}`,
    ],
    tools.env,
  );
  // psql's input ends only once pg_restore has succeeded: were it to end early on a
  // statement boundary, psql would commit half a database. Otherwise psql is killed
  // inside its transaction, which PostgreSQL then rolls back.
  restore.child.stdout!.pipe(psql.child.stdin!, { end: false });
  psql.child.stdin!.on('error', () => {}); // psql stopped early: its own error says why
  const restoring = restore.done.then(
    () => void psql.child.stdin!.end(),
    (error: unknown) => {
      psql.child.kill('SIGKILL');
      throw error;
    },
  );
  const [dumped, restored] = await Promise.allSettled([restoring, psql.done]);
  if (dumped.status === 'rejected') throw dumped.reason;
  if (restored.status === 'rejected') throw restored.reason;
  return manifest;
}
