import type { AdmissionRate } from '../config.js';
import { WS_ADMIT_JITTER_MS } from '../limits.js';

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
  private tokens: number;
  private backlog = 0;
  private last: number;

  constructor(
    private readonly rate: AdmissionRate,
    private readonly now: () => number = () => performance.now(),
    private readonly random: () => number = Math.random,
  ) {
    if (!(rate.perSecond > 0) || !(rate.burst >= 1)) {
      throw new RangeError(`admission needs perSecond > 0 and burst >= 1; got ${rate.perSecond}/s, ${rate.burst}`);
    }
    this.tokens = rate.burst;
    this.last = now();
  }

  /** 0 when the socket may come in now; else the milliseconds after which to try again. */
  admit(): number {
    const now = this.now();
    const refilled = ((now - this.last) / 1000) * this.rate.perSecond;
    this.last = now;
    this.tokens = Math.min(this.rate.burst, this.tokens + refilled);
    // Those refused earlier come back at the admitted rate: that many are due by now.
    this.backlog = Math.max(0, this.backlog - refilled);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    this.backlog += 1;
    const turnMs = ((this.backlog - this.tokens) / this.rate.perSecond) * 1000;
    return Math.max(1, Math.ceil(turnMs + this.random() * WS_ADMIT_JITTER_MS));
  }
}

/** The close reason of a refused socket: clients read the wait from it (web/lib/urql/ws.ts). */
export const admissionCloseReason = (retryAfterMs: number): string =>
  `Too many new connections; retry after ${retryAfterMs} ms`;
