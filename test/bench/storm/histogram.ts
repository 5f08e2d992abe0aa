/**
 * Latency histograms that workers fill and the coordinator adds up: fixed buckets, so
 * merging is addition and a worker keeps no list of samples. Resolution: 0.1 ms up to
 * 100 ms, 1 ms up to 10 s, 100 ms up to 2 minutes; anything longer lands in the last.
 */
const FINE_MS = 0.1;
const FINE_END_MS = 100;
const MID_MS = 1;
const MID_END_MS = 10_000;
const COARSE_MS = 100;
const COARSE_END_MS = 120_000;

const FINE_BUCKETS = Math.round(FINE_END_MS / FINE_MS);
const MID_BUCKETS = Math.round((MID_END_MS - FINE_END_MS) / MID_MS);
const COARSE_BUCKETS = Math.round((COARSE_END_MS - MID_END_MS) / COARSE_MS);
export const BUCKETS = FINE_BUCKETS + MID_BUCKETS + COARSE_BUCKETS;

/** The bucket of a latency in milliseconds (negative clock skew counts as 0). */
export function bucketOf(ms: number): number {
  if (!(ms > 0)) return 0;
  if (ms < FINE_END_MS) return Math.floor(ms / FINE_MS);
  if (ms < MID_END_MS) return FINE_BUCKETS + Math.floor((ms - FINE_END_MS) / MID_MS);
  return Math.min(BUCKETS - 1, FINE_BUCKETS + MID_BUCKETS + Math.floor((ms - MID_END_MS) / COARSE_MS));
}

/** The upper edge of a bucket, in milliseconds: what a percentile read from it reports. */
export function bucketUpperMs(bucket: number): number {
  if (bucket < FINE_BUCKETS) return (bucket + 1) * FINE_MS;
  if (bucket < FINE_BUCKETS + MID_BUCKETS) return FINE_END_MS + (bucket - FINE_BUCKETS + 1) * MID_MS;
  return MID_END_MS + (bucket - FINE_BUCKETS - MID_BUCKETS + 1) * COARSE_MS;
}

/** Non-empty buckets as [bucket, count] pairs: what crosses IPC. */
export type SparseHistogram = [number, number][];

export class Histogram {
  readonly counts = new Float64Array(BUCKETS);
  count = 0;
  maxMs = 0;

  add(ms: number): void {
    this.counts[bucketOf(ms)]!++;
    this.count++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  sparse(): { buckets: SparseHistogram; maxMs: number } {
    const buckets: SparseHistogram = [];
    for (let b = 0; b < BUCKETS; b++) if (this.counts[b]) buckets.push([b, this.counts[b]!]);
    return { buckets, maxMs: this.maxMs };
  }

  merge(other: { buckets: SparseHistogram; maxMs: number }): void {
    for (const [b, n] of other.buckets) {
      this.counts[b]! += n;
      this.count += n;
    }
    this.maxMs = Math.max(this.maxMs, other.maxMs);
  }

  /** The p-th percentile's bucket edge in ms; NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.min(this.count, Math.max(1, Math.ceil((p / 100) * this.count)));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return Math.min(bucketUpperMs(b), this.maxMs);
    }
    return this.maxMs;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.maxMs = 0;
  }
}
