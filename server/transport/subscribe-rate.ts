import type { WebSocket } from 'ws';
import type { RateLimit } from '../limits.js';
import { TokenBucket } from './token-bucket.js';

/**
 * Subscriptions started on one socket, as a token bucket: `points` at once, given back
 * evenly over `durationS`. A client that resubscribes in a loop (a bug, or a storm of
 * reconnecting tabs that each resubscribe everything) costs the node a replay each time;
 * past the bucket it is told when to try again instead. Kept beside the socket, in
 * memory: a Redis round trip per subscribe would cost more than it saves, and a user's
 * sockets are bounded anyway (WS_MAX_SOCKETS_PER_USER).
 */
export class SubscribeRate {
  private readonly buckets = new WeakMap<WebSocket, TokenBucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** 0 when `socket` may start a subscription now; else the milliseconds until it may. */
  attempt(socket: WebSocket): number {
    const now = this.now();
    let bucket = this.buckets.get(socket);
    if (!bucket) {
      bucket = new TokenBucket(this.limit.points / this.limit.durationS, this.limit.points, now);
      this.buckets.set(socket, bucket);
    }
    bucket.refill(now);
    return bucket.take() ? 0 : bucket.msUntil(1);
  }
}
