/**
 * A token bucket: `burst` tokens at most, given back at `perSecond`. The one refill both
 * the node's admission of sockets and each socket's subscribe rate count with.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Gives back what `now` has earned since the last call; resolves to how many. */
  refill(now: number): number {
    const earned = ((now - this.at) / 1000) * this.perSecond;
    this.at = now;
    this.tokens = Math.min(this.burst, this.tokens + earned);
    return earned;
  }

  /** Spends a token if there is one. */
  take(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until `count` more tokens than now are in (at least 1). */
  msUntil(count: number): number {
    return Math.max(1, Math.ceil(((count - this.tokens) / this.perSecond) * 1000));
  }
}
