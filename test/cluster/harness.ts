/**
 * Several real Parley processes sharing one PostgreSQL schema and one Redis: what a
 * scale-out deployment is. Each node is `node --import tsx server/main.ts`, API only, on
 * a port picked here, and can be killed (SIGKILL for a crash, SIGTERM for a deploy) and
 * started again on the same port. Everything a suite starts is stopped in its afterAll,
 * failed or not, and the last lines each process wrote are printed when a test fails.
 *
 * These suites need PostgreSQL and Redis (DATABASE_URL=postgres://… and REDIS_URL): the
 * embedded default (SQLite, in-process pub/sub) is one node by definition, so without
 * them there is nothing to scale out and the suites are skipped. Set but unreachable
 * fails loudly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { POSTGRES_URL, REDIS_URL, postgresDatabase, uniqueRedisPrefix } from '../helpers/backends.js';

/** True when both backends a cluster needs are configured. */
export const CLUSTER_BACKENDS = Boolean(POSTGRES_URL && REDIS_URL);
/** Why the cluster suites did not run, for `describe.runIf`'s readers. */
export const SKIP_REASON =
  'needs DATABASE_URL=postgres://… and REDIS_URL: the embedded default is one node by definition';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Lines of output kept per process, for failure messages. */
const TAIL_LINES = 60;
/** How long a node may take to answer /readyz 200 (tsx compiles the server on 2 busy cores). */
export const NODE_START_TIMEOUT_MS = 45_000;

// Every process this module started and has not seen exit. A worker that dies without
// running afterAll still takes them down with it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A TCP port nobody listens on right now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned process whose output is kept (the last lines) and whose exit is a promise. */
class Spawned {
  readonly lines: string[] = [];
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;

  constructor(
    readonly child: ChildProcess,
    private readonly label: string,
  ) {
    running.add(child);
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        this.lines.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
        if (this.lines.length > TAIL_LINES) this.lines.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exit = { code, signal };
        resolve(this.exit);
      });
      child.once('error', (error) => {
        running.delete(child);
        this.lines.push(`spawn failed: ${error.message}`);
        this.exit = { code: null, signal: null };
        resolve(this.exit);
      });
    });
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  tail(): string {
    const state = this.exit ? `exited ${JSON.stringify(this.exit)}` : `running, pid ${this.child.pid}`;
    return `--- ${this.label} (${state}), last ${this.lines.length} lines:\n${this.lines.join('\n')}`;
  }

  /** Sends `signal` (if it still runs) and resolves once it has exited. */
  async kill(signal: NodeJS.Signals): Promise<Exit> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }
}

export interface NodeProcess {
  readonly name: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `ws://127.0.0.1:<port>/graphql` */
  readonly wsUrl: string;
  readonly pid: number | undefined;
  readonly alive: boolean;
  /** Sends `signal` and resolves with how the process exited (at once if it had). */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
  /** Starts the node again on the same port and data; resolves once /readyz is 200. */
  restart(): Promise<void>;
  /** Its last lines of output, and whether and how it exited. */
  tail(): string;
}

/** Resolves once `url`/readyz answers 200; rejects if `process` exits first or after `timeoutMs`. */
async function untilReady(url: string, process: Spawned, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!process.alive) throw new Error(`exited before it was ready\n${process.tail()}`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3_000) });
      last = `HTTP ${response.status} ${await response.text()}`;
      if (response.status === 200) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`not ready after ${timeoutMs} ms (last: ${last})\n${process.tail()}`);
}

class Node implements NodeProcess {
  private current: Spawned | undefined;
  readonly url: string;
  readonly wsUrl: string;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}/graphql`;
  }

  get pid() {
    return this.current?.child.pid;
  }

  get alive() {
    return this.current?.alive ?? false;
  }

  async start(): Promise<void> {
    if (this.current?.alive) throw new Error(`${this.name} is already running`);
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.env, PORT: String(this.port) };
    delete env.NODE_OPTIONS; // vitest's loader hooks are not the server's
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.current = new Spawned(child, `${this.name} on port ${this.port}`);
    try {
      await untilReady(this.url, this.current, NODE_START_TIMEOUT_MS);
    } catch (error) {
      await this.current.kill('SIGKILL');
      throw new Error(`${this.name} did not start: ${(error as Error).message}`);
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    // A node after one that failed to start was never spawned.
    return this.current ? this.current.kill(signal) : Promise.resolve({ code: null, signal: null });
  }

  restart(): Promise<void> {
    return this.start();
  }

  tail(): string {
    return this.current?.tail() ?? `--- ${this.name}: never started`;
  }
}

export interface ClusterOptions {
  /** How many nodes (default 2). */
  nodes?: number;
  /** Another Redis than REDIS_URL (a test's own redis-server). */
  redisUrl?: string;
  /** Extra environment for every node. */
  env?: Record<string, string>;
}

export interface Cluster {
  readonly nodes: readonly NodeProcess[];
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  /** Every node's last output, for a failure message. */
  tail(): string;
  /** Kills every node, drops the schema and the prefix's Redis keys. Safe to call twice. */
  close(): Promise<void>;
}

/** Fails with a sentence when REDIS_URL is set but nothing answers there. */
async function assertRedisReachable(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {}); // reported by the rejection below
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`REDIS_URL=${url} is set but unreachable: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

/** Deletes whatever the cluster left under its prefix (presence entries and the like). */
async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // A test's own Redis may be gone by now; its keys went with it.
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts `nodes` Parley processes on one fresh PostgreSQL schema and one Redis prefix,
 * and resolves once every one answers /readyz with 200.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  if (!POSTGRES_URL || !REDIS_URL) throw new Error(SKIP_REASON);
  const redisUrl = options.redisUrl ?? REDIS_URL;
  await assertRedisReachable(redisUrl);
  const database = await postgresDatabase(); // throws if PostgreSQL is unreachable
  const redisPrefix = uniqueRedisPrefix();
  const env = {
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'warn',
    WEB: '0',
    NODE_ENV: 'production',
    ...options.env,
  };
  const nodes: Node[] = [];
  let closed: Promise<void> | undefined;
  const cluster: Cluster = {
    nodes,
    databaseUrl: database.url,
    redisUrl,
    redisPrefix,
    tail: () => nodes.map((n) => n.tail()).join('\n'),
    close: () =>
      (closed ??= (async () => {
        await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
        await database.drop();
        await dropRedisKeys(redisUrl, redisPrefix);
      })()),
  };
  try {
    const count = options.nodes ?? 2;
    const ports = new Set<number>();
    while (ports.size < count) ports.add(await freePort());
    for (const port of ports) nodes.push(new Node(`node ${'ABCDEFGH'[nodes.length]}`, port, env));
    // One after the other: two cold tsx compilations at once double each other's time.
    for (const node of nodes) await node.start();
  } catch (error) {
    await cluster.close();
    throw error;
  }
  return cluster;
}

/**
 * A cluster for the enclosing `describe`: started in beforeAll, closed in afterAll (even
 * when a test failed), with every node's last output printed for a failed test. Read
 * `cluster()` inside tests and hooks only.
 */
export function useCluster(options: ClusterOptions | (() => ClusterOptions) = {}): () => Cluster {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster(typeof options === 'function' ? options() : options);
  }, 3 * NODE_START_TIMEOUT_MS);
  afterAll(async () => {
    await cluster?.close();
  }, 30_000);
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      if (cluster) console.error(`cluster output at the failure:\n${cluster.tail()}`);
    });
  });
  return () => {
    if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
    return cluster;
  };
}

// --- A Redis server of a test's own, to take down and bring back -----------------

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  readonly alive: boolean;
  kill(signal?: NodeJS.Signals): Promise<Exit>;
  /** Starts it again on the same port (empty: it saves nothing); resolves once it answers PING. */
  restart(): Promise<void>;
  tail(): string;
}

/**
 * Spawns `redis-server` on a free port, with no persistence, as a child of this process:
 * never the machine's shared Redis, which other suites use.
 */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let current: Spawned | undefined;
  const start = async () => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    current = new Spawned(child, `redis-server on port ${port}`);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (!current.alive) throw new Error(`redis-server exited at start (is it installed?)\n${current.tail()}`);
      try {
        await assertRedisReachable(url);
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          await current.kill('SIGKILL');
          throw new Error(`redis-server did not answer in 10 s: ${(error as Error).message}\n${current.tail()}`);
        }
        await sleep(50);
      }
    }
  };
  await start();
  return {
    port,
    url,
    get alive() {
      return current?.alive ?? false;
    },
    kill: (signal = 'SIGKILL') => current!.kill(signal),
    restart: start,
    tail: () => current?.tail() ?? '',
  };
}
