/**
 * Parley nodes for the storms: the compiled server (`npm run build:server`), each node in
 * a process group of its own (events/server-process.ts: CPU and RSS from /proc), API
 * only, rate limits off (thousands of sockets come from one address), on SQLite or on
 * PostgreSQL + Redis. A node can be killed with SIGKILL and started again on the same
 * port and database.
 *
 * PARLEY_ROOT names another checkout whose `dist/server/main.js` runs (a private build,
 * so that a build in the shared checkout does not pull dist/ from under a run).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresDatabase, uniqueRedisPrefix } from '../../helpers/backends.js';
import { Redis } from 'ioredis';
import { freePort, ServerProcess } from '../events/server-process.js';
import { PROJECT_ENTRY, REPO_ROOT } from '../events/targets.js';

/** How often the start-up poll asks /healthz: the restart's clock starts at its answer. */
const HEALTH_POLL_MS = 10;
/** How often the RSS sampler reads /proc. */
const SAMPLE_MS = 100;
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Where the compiled server is: PARLEY_ROOT, else this checkout. */
export function serverRoot(): string {
  const root = process.env.PARLEY_ROOT || REPO_ROOT;
  if (!existsSync(join(root, PROJECT_ENTRY)))
    throw new Error(`${join(root, PROJECT_ENTRY)} is missing: run \`npm run build:server\` (the bench:* scripts do)`);
  return root;
}

export interface Backend {
  kind: 'sqlite' | 'postgres';
  env: Record<string, string>;
  /** The Redis URL and prefix, when there is Redis. */
  redis?: { url: string; prefix: string };
  drop(): Promise<void>;
}

/** A fresh SQLite database in a temporary folder; in-process pub/sub. */
export function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'parley-storm-'));
  return {
    kind: 'sqlite',
    env: { DATABASE_URL: `file:${join(dir, 'chat.db')}` },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A fresh schema on DATABASE_URL (or the local default) and a Redis prefix of its own, on
 * `redisUrl` (default REDIS_URL, else the local default).
 */
export async function postgresBackend(redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL): Promise<Backend> {
  const pgUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : DEFAULT_POSTGRES_URL;
  const db = await postgresDatabase(pgUrl);
  const prefix = uniqueRedisPrefix().replace('parley-test:', 'parley-storm:');
  return {
    kind: 'postgres',
    env: { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix },
    redis: { url: redisUrl, prefix },
    drop: () => db.drop(),
  };
}

export class ParleyNode {
  server!: ServerProcess;
  /** Epoch ms the last start answered /healthz. */
  healthyAt = 0;

  private constructor(
    readonly index: number,
    private readonly backend: Backend,
  ) {}

  static async start(index: number, backend: Backend): Promise<ParleyNode> {
    const node = new ParleyNode(index, backend);
    await node.boot();
    return node;
  }

  private async boot(port?: number): Promise<void> {
    this.server = await ServerProcess.start(
      `node ${this.index}`,
      process.execPath,
      [PROJECT_ENTRY],
      { NODE_ENV: 'production', RATE_LIMITS: 'off', WEB: '0', LOG_LEVEL: 'warn', ...this.backend.env },
      serverRoot(),
      '/healthz',
      { port, pollMs: HEALTH_POLL_MS },
    );
    this.healthyAt = performance.timeOrigin + performance.now();
  }

  get port(): number {
    return this.server.port;
  }

  get url(): string {
    return this.server.url;
  }

  /** SIGKILL to the node's process group, and waits until it is gone. */
  async kill9(): Promise<void> {
    const exited = new Promise((resolve) => this.server.child.once('exit', resolve));
    this.server.kill('SIGKILL');
    await exited;
  }

  /** Starts it again on the same port and database; resolves once /healthz answers. */
  restart(): Promise<void> {
    return this.boot(this.port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

/** Reads the nodes' RSS from /proc every SAMPLE_MS and keeps each node's peak. */
export class RssSampler {
  readonly peakBytes: number[];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly nodes: ParleyNode[]) {
    this.peakBytes = nodes.map(() => 0);
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.sample();
  }

  /** Forgets the peaks so far (a node started again starts a new one). */
  reset(): void {
    this.peakBytes.fill(0);
    this.sample();
  }

  sample(): void {
    this.nodes.forEach((node, i) => {
      if (node.server.exited) return;
      const { rssBytes } = node.server.usage();
      if (rssBytes > this.peakBytes[i]!) this.peakBytes[i] = rssBytes;
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}

/** Whether `redis-server` can run here (for a private Redis whose counters are a run's own). */
export function redisServerInstalled(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const redisChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of redisChildren) child.kill('SIGKILL');
});

/** How long a private redis-server may take to answer PING. */
const REDIS_START_TIMEOUT_MS = 10_000;

/** A redis-server of this run's own on a free loopback port, without persistence. */
export async function privateRedis(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: 'ignore' },
  );
  redisChildren.add(child);
  child.once('exit', () => redisChildren.delete(child));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + REDIS_START_TIMEOUT_MS;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined); // not listening yet: connect() rejects, and we ask again
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return { url, stop: () => void child.kill('SIGKILL') };
    } catch (error) {
      client.disconnect();
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not start: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Calls of each Redis command so far (INFO commandstats), e.g. `publish`. */
export async function redisCommandCalls(url: string): Promise<Record<string, number>> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const info = await client.info('commandstats');
    const out: Record<string, number> = {};
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]!] = Number(m[2]);
    return out;
  } finally {
    client.disconnect();
  }
}

/**
 * The kernel's count of connections dropped because a listening socket's accept queue
 * was full (TcpExt ListenOverflows, machine-wide): clients of those sit in their
 * handshake until TCP retransmits get them in.
 */
export function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('TcpExt:'));
    const names = lines[at]!.split(/\s+/);
    const numbers = lines[at + 1]!.split(/\s+/);
    return Number(numbers[names.indexOf('ListenOverflows')]);
  } catch {
    return NaN;
  }
}
