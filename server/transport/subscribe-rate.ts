import type { WebSocket } from 'ws';
import type { RateLimit } from '../limits.js';

/**
 * Subscriptions started on one socket, as a token bucket: `points` at once, given back
 * evenly over `durationS`. A client that resubscribes in a loop (a bug, or a storm of
 * reconnecting tabs that each resubscribe everything) costs the node a replay each time;
 * past the bucket it is told when to try again instead. Kept beside the socket, in
 * memory: a Redis round trip per subscribe would cost more than it saves, and a user's
 * sockets are bounded anyway (WS_MAX_SOCKETS_PER_USER).
 */
export class SubscribeRate {
  private readonly buckets = new WeakMap<WebSocket, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perMs = limit.points / (limit.durationS * 1000);
  }

  /** 0 when `socket` may start a subscription now; else the milliseconds until it may. */
  attempt(socket: WebSocket): number {
    const now = this.now();
    let bucket = this.buckets.get(socket);
    if (!bucket) this.buckets.set(socket, (bucket = { tokens: this.limit.points, at: now }));
    bucket.tokens = Math.min(this.limit.points, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.perMs);
  }
}
