import type { AdmissionRate } from '../config.js';
import { WS_ADMIT_JITTER_MS } from '../limits.js';
import { TokenBucket } from './token-bucket.js';

/**
 * Node-wide admission of new WebSockets, so that a reconnect storm (a deploy, a node that
 * died: every client of it back at once) is taken in at a pace the node can serve while
 * the sockets it already has keep theirs. Unlike the per-address limit, it counts every
 * socket, whoever opens it: the storm is many honest clients, not one abusive one.
 *
 * A token bucket. A refused socket is told when to come back, and the refused ones are
 * told successive turns: the backlog (refusals not yet due) is spread at the admitted
 * rate, with jitter, instead of coming back together and being refused together again.
 */
export class Admission {
  private readonly bucket: TokenBucket;
  private backlog = 0;

  constructor(
    rate: AdmissionRate,
    private readonly now: () => number = () => performance.now(),
    private readonly random: () => number = Math.random,
  ) {
    if (!(rate.perSecond > 0) || !(rate.burst >= 1)) {
      throw new RangeError(`admission needs perSecond > 0 and burst >= 1; got ${rate.perSecond}/s, ${rate.burst}`);
    }
    this.bucket = new TokenBucket(rate.perSecond, rate.burst, now());
  }

  /** 0 when the socket may come in now; else the milliseconds after which to try again. */
  admit(): number {
    const refilled = this.bucket.refill(this.now());
    // Those refused earlier come back at the admitted rate: that many are due by now.
    this.backlog = Math.max(0, this.backlog - refilled);
    if (this.bucket.take()) return 0;
    this.backlog += 1;
    return Math.ceil(this.bucket.msUntil(this.backlog) + this.random() * WS_ADMIT_JITTER_MS);
  }
}

/** The close reason of a refused socket: clients read the wait from it (web/lib/urql/ws.ts). */
export const admissionCloseReason = (retryAfterMs: number): string =>
  `Too many new connections; retry after ${retryAfterMs} ms`;
