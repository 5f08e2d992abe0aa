import type { Logger } from 'pino';
import { type App, buildApp } from '../../server/app.js';
import { type Config, makeConfig } from '../../server/config.js';
import { type Database, REDIS_URL, sqliteDatabase, testDatabase, uniqueRedisPrefix } from './backends.js';
import { TEST_CONFIG } from './test-config.js';

export interface TestServer {
  /** `http://127.0.0.1:<port>`, without a path. */
  readonly url: string;
  /** `ws://127.0.0.1:<port>/graphql`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly app: App;
  readonly config: Config;
  /** Pass it as `databaseUrl` to start another server on the same data. */
  readonly databaseUrl: string;
  /** True when the database is embedded SQLite (a file this helper can open). */
  readonly sqlite: boolean;
  /** The SQLite file, when `sqlite`. */
  readonly databaseFile: string | undefined;
  /**
   * Stops the server; removes the temporary database this helper made unless
   * `keepDatabase` (then call `removeDatabase()` when done with it).
   */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
  removeDatabase(): Promise<void>;
}

/**
 * Boots the real app on a free port of 127.0.0.1, API only, silent, no rate limits, on a
 * fresh database: a new SQLite file, or a new PostgreSQL schema when DATABASE_URL is
 * set (CI's second run), with Redis pub/sub under a prefix of its own when REDIS_URL is.
 * Pass `databaseUrl` to start on an existing database (a restart). `embedded` keeps a
 * server on SQLite and the in-process pub/sub whatever the environment says: for tests
 * of the socket layer whose figures PostgreSQL's and Redis's own latency would decide.
 * `log` replaces the silent logger.
 */
export async function startServer(
  overrides: Partial<Config> = {},
  { embedded = false, log }: { embedded?: boolean; log?: Logger } = {},
): Promise<TestServer> {
  const owned: Database | undefined = overrides.databaseUrl
    ? undefined
    : embedded
      ? sqliteDatabase()
      : await testDatabase();
  const databaseUrl = overrides.databaseUrl ?? owned!.url;
  const config = makeConfig({
    ...TEST_CONFIG,
    ...(REDIS_URL && !embedded ? { redisUrl: REDIS_URL, redisPrefix: uniqueRedisPrefix() } : {}),
    ...overrides,
    databaseUrl,
  });
  const sqlite = databaseUrl.startsWith('file:');
  const databaseFile = sqlite ? databaseUrl.slice('file:'.length) : undefined;
  // Only a database this helper made is ever dropped.
  let dropped: Promise<void> | undefined;
  const removeDatabase = () => (dropped ??= owned ? owned.drop() : Promise.resolve());

  let app: App;
  try {
    app = await buildApp(config, log);
  } catch (error) {
    await removeDatabase();
    throw error;
  }
  const { url, port } = await app.start();
  let stopped: Promise<void> | undefined;
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    port,
    app,
    config,
    databaseUrl,
    sqlite,
    databaseFile,
    removeDatabase,
    stop(options = {}) {
      stopped ??= app.stop().finally(() => (options.keepDatabase ? undefined : removeDatabase()));
      return stopped;
    },
  };
}
