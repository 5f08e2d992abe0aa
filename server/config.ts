/**
 * The environment, read and validated once. Nothing else in the server reads
 * `process.env`: everything flows from the frozen `Config` built here, so tests can
 * build one directly and a bad value stops start-up with one line naming the variable.
 */
import {
  FILE_MAX_BYTES,
  FILE_ORPHAN_MS,
  FILE_SWEEP_MS,
  SHUTDOWN_DRAIN_MS,
  STORAGE_PER_USER_MAX_BYTES,
  TYPING_EXPIRY_MS,
  WS_ADMIT_BURST,
  WS_ADMIT_PER_SECOND,
  WS_CONNECTION_INIT_TIMEOUT_MS,
  WS_KEEPALIVE_MS,
} from './limits.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** `file:<path>` (SQLite, `file::memory:` for a throwaway one) or `postgres://…`. */
  readonly databaseUrl: string;
  /** Unset: in-process pub/sub for a single node. */
  readonly redisUrl: string | undefined;
  /** Namespace for Redis channels and keys, so several clusters can share one Redis. */
  readonly redisPrefix: string;
  /** Origins allowed besides the server's own (compared exactly, e.g. `https://chat.example`). */
  readonly allowedOrigins: readonly string[];
  /**
   * Where people reach Parley (`https://chat.example`), for the absolute URLs it hands
   * out (webhooks); unset: the origin each request came to.
   */
  readonly publicUrl: string | undefined;
  readonly logLevel: LogLevel;
  /** Serve the Next.js web UI from this process. */
  readonly web: boolean;
  /** Run Next.js in development mode (hot reload) rather than from its production build. */
  readonly dev: boolean;
  readonly rateLimits: boolean;
  /**
   * Proxies in front of the node that append to `X-Forwarded-For` (0: none, use the
   * peer's address). The client is the address the outermost of them saw: that many
   * entries from the right. Whatever a client put further left is its own invention.
   */
  readonly trustProxy: number;
  /** Timeouts; `server/limits.ts` holds the values a server runs with. */
  readonly timings: Timings;
  /** Files' limits; `server/limits.ts` holds the values a server runs with. */
  readonly files: FileLimits;
  /**
   * New WebSockets this node takes in per second, and above that at once (a test lowers
   * it to reach it). Not read from the environment: WS_ADMIT_PER_SECOND and
   * WS_ADMIT_BURST.
   */
  readonly wsAdmission: AdmissionRate;
}

export interface AdmissionRate {
  readonly perSecond: number;
  readonly burst: number;
}

export const DEFAULT_WS_ADMISSION: AdmissionRate = Object.freeze({
  perSecond: WS_ADMIT_PER_SECOND,
  burst: WS_ADMIT_BURST,
});

/**
 * The file limits a test lowers so that it can reach them (a 1 GiB quota, a day before
 * an unsent upload is swept). Not read from the environment, like `Timings`.
 */
export interface FileLimits {
  readonly maxBytes: number;
  readonly storagePerUserBytes: number;
  readonly orphanMs: number;
  readonly sweepMs: number;
}

export const DEFAULT_FILE_LIMITS: FileLimits = Object.freeze({
  maxBytes: FILE_MAX_BYTES,
  storagePerUserBytes: STORAGE_PER_USER_MAX_BYTES,
  orphanMs: FILE_ORPHAN_MS,
  sweepMs: FILE_SWEEP_MS,
});

/**
 * The timeouts a test shortens so that it does not wait in real time (a 6 s typing
 * expiry, a 3 s init timeout). Not read from the environment: a deployment runs with
 * the defaults the README documents.
 */
export interface Timings {
  readonly typingExpiryMs: number;
  readonly wsKeepaliveMs: number;
  readonly wsConnectionInitTimeoutMs: number;
  readonly shutdownDrainMs: number;
}

export const DEFAULT_TIMINGS: Timings = Object.freeze({
  typingExpiryMs: TYPING_EXPIRY_MS,
  wsKeepaliveMs: WS_KEEPALIVE_MS,
  wsConnectionInitTimeoutMs: WS_CONNECTION_INIT_TIMEOUT_MS,
  shutdownDrainMs: SHUTDOWN_DRAIN_MS,
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const DEFAULT_CONFIG: Config = Object.freeze({
  port: 3000,
  host: '0.0.0.0',
  databaseUrl: 'file:./data/chat.db',
  redisUrl: undefined,
  redisPrefix: 'parley:',
  allowedOrigins: Object.freeze([]) as readonly string[],
  publicUrl: undefined,
  logLevel: 'info',
  web: true,
  dev: false,
  rateLimits: true,
  trustProxy: 0,
  timings: DEFAULT_TIMINGS,
  files: DEFAULT_FILE_LIMITS,
  wsAdmission: DEFAULT_WS_ADMISSION,
});

type Env = Readonly<Record<string, string | undefined>>;

function flag(
  env: Env,
  name: string,
  fallback: boolean,
  on = ['1', 'on', 'true'],
  off = ['0', 'off', 'false'],
): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (on.includes(value)) return true;
  if (off.includes(value)) return false;
  throw new ConfigError(`${name} must be one of ${[...on, ...off].join(', ')}; got "${raw}"`);
}

function port(env: Env): number {
  const raw = env.PORT;
  if (raw === undefined || raw === '') return DEFAULT_CONFIG.port;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535; got "${raw}"`);
  }
  return value;
}

function databaseUrl(env: Env): string {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return DEFAULT_CONFIG.databaseUrl;
  if (raw.startsWith('file:') && raw.length > 'file:'.length) return raw;
  if (/^postgres(ql)?:\/\/.+/.test(raw)) {
    try {
      new URL(raw);
      return raw;
    } catch {
      // fall through to the error below
    }
  }
  throw new ConfigError(`DATABASE_URL must be file:<path> or postgres://…; got "${raw}"`);
}

function redisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol === 'redis:' || url.protocol === 'rediss:') return raw;
  } catch {
    // fall through
  }
  throw new ConfigError(`REDIS_URL must be redis://host:port or rediss://…; got "${raw}"`);
}

function redisPrefix(env: Env): string {
  const raw = env.REDIS_PREFIX?.trim();
  if (!raw) return DEFAULT_CONFIG.redisPrefix;
  if (/^[A-Za-z0-9_.:-]{1,64}$/.test(raw)) return raw;
  throw new ConfigError(`REDIS_PREFIX must be 1-64 letters, digits or _ . : -; got "${raw}"`);
}

function publicUrl(env: Env): string | undefined {
  const raw = env.PUBLIC_URL?.trim();
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be a URL like https://chat.example; "${raw}" is not one`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new ConfigError(`PUBLIC_URL must be http or https; "${raw}" is not`);
  return raw.replace(/\/+$/, '');
}

function allowedOrigins(env: Env): readonly string[] {
  const raw = env.ALLOWED_ORIGINS?.trim();
  if (!raw) return DEFAULT_CONFIG.allowedOrigins;
  const origins = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(
        `ALLOWED_ORIGINS must be a comma list of origins like https://chat.example; "${origin}" is not one`,
      );
    }
    if (parsed.origin !== origin) {
      throw new ConfigError(
        `ALLOWED_ORIGINS entries are bare origins (scheme://host[:port]); "${origin}" should be "${parsed.origin}"`,
      );
    }
  }
  return Object.freeze(origins);
}

/** Most proxies TRUST_PROXY may count; a longer chain is a configuration mistake. */
const TRUST_PROXY_MAX_HOPS = 10;

function trustProxy(env: Env): number {
  const raw = env.TRUST_PROXY?.trim().toLowerCase();
  if (!raw || ['0', 'off', 'false'].includes(raw)) return 0;
  if (['on', 'true'].includes(raw)) return 1;
  const hops = Number(raw);
  if (Number.isInteger(hops) && hops >= 1 && hops <= TRUST_PROXY_MAX_HOPS) return hops;
  throw new ConfigError(
    `TRUST_PROXY must be off, on (one proxy) or the number of proxies in front, 1-${TRUST_PROXY_MAX_HOPS}; got "${env.TRUST_PROXY}"`,
  );
}

function logLevel(env: Env): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return DEFAULT_CONFIG.logLevel;
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${env.LOG_LEVEL}"`);
}

/** Reads and validates the environment; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env): Config {
  const host = env.HOST?.trim() || DEFAULT_CONFIG.host;
  return Object.freeze({
    port: port(env),
    host,
    databaseUrl: databaseUrl(env),
    redisUrl: redisUrl(env),
    redisPrefix: redisPrefix(env),
    allowedOrigins: allowedOrigins(env),
    publicUrl: publicUrl(env),
    logLevel: logLevel(env),
    web: flag(env, 'WEB', DEFAULT_CONFIG.web),
    dev: flag(env, 'NEXT_DEV', DEFAULT_CONFIG.dev),
    rateLimits: flag(env, 'RATE_LIMITS', DEFAULT_CONFIG.rateLimits),
    trustProxy: trustProxy(env),
    timings: DEFAULT_TIMINGS,
    files: DEFAULT_FILE_LIMITS,
    wsAdmission: DEFAULT_WS_ADMISSION,
  });
}

/** A full config from a partial one: how tests describe the server they want. */
export function makeConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({ ...DEFAULT_CONFIG, ...overrides });
}
