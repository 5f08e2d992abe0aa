/**
 * A redis-server of a test's own, to kill and start again under a running cluster:
 * never the machine's shared Redis, which other suites use at the same time. The
 * process itself is test/cluster/harness.ts's `startRedis` (no persistence, so a
 * restart comes back empty, as a Redis that lost its memory does).
 *
 * When `redis-server` is not installed the suites that need it are skipped with the
 * reason, except under CI=true, where `startPrivateRedis` fails instead: CI must not pass
 * by running nothing.
 */
import { execFileSync } from 'node:child_process';
import { type RedisProcess, startRedis } from '../cluster/harness.js';

export type { RedisProcess } from '../cluster/harness.js';

function missing(): string | undefined {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'redis-server is not installed (Debian: apt-get install redis-server)';
  }
}

/** Undefined when a private redis-server can run here, else why not. */
export const PRIVATE_REDIS_MISSING = missing();

/** True when the suites that need a private Redis should run (always under CI, where they fail if they cannot). */
export const RUN_PRIVATE_REDIS = !PRIVATE_REDIS_MISSING || process.env.CI === 'true';

/** Starts a private redis-server on a free port; throws, naming what is missing, when it cannot. */
export async function startPrivateRedis(): Promise<RedisProcess> {
  if (PRIVATE_REDIS_MISSING) throw new Error(`a private Redis is needed: ${PRIVATE_REDIS_MISSING}`);
  return startRedis();
}
