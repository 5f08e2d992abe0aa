import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rateLimited } from './graphql/errors.js';
import type { RateLimit } from './limits.js';

/**
 * Named limits over rate-limiter-flexible. In-process by default; the Redis store
 * is passed in for several nodes so a limit holds across the cluster.
 */
export class RateLimiter {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly enabled: boolean,
    private readonly create: (name: string, limit: RateLimit) => RateLimiterAbstract = (name, limit) =>
      new RateLimiterMemory({ keyPrefix: name, points: limit.points, duration: limit.durationS }),
  ) {}

  /**
   * Limits shared by every node through Redis. While Redis is unreachable each node
   * falls back to counting on its own (the limiter's insurance), so requests keep being
   * limited, and served.
   */
  static shared(enabled: boolean, redis: Redis, prefix: string): RateLimiter {
    return new RateLimiter(
      enabled,
      (name, limit) =>
        new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `${prefix}rate:${name}`,
          points: limit.points,
          duration: limit.durationS,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points: limit.points, duration: limit.durationS }),
        }),
    );
  }

  private limiter(name: string, limit: RateLimit): RateLimiterAbstract {
    let limiter = this.limiters.get(name);
    if (!limiter) {
      limiter = this.create(name, limit);
      this.limiters.set(name, limiter);
    }
    return limiter;
  }

  /** Spends one point of `name` for `key`; throws `RATE_LIMITED` when none is left. */
  async consume(name: string, limit: RateLimit, key: string): Promise<void> {
    const retryAfterMs = await this.attempt(name, limit, key);
    if (retryAfterMs > 0) throw rateLimited(retryAfterMs);
  }

  /**
   * Spends one point of `name` for `key`; resolves to 0, or to the milliseconds until one
   * is back when none is left. For callers outside GraphQL (the WebSocket upgrade).
   */
  async attempt(name: string, limit: RateLimit, key: string): Promise<number> {
    if (!this.enabled) return 0;
    try {
      await this.limiter(name, limit).consume(key);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
      throw rejection;
    }
  }
}
