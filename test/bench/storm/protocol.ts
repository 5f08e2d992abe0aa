/**
 * What the coordinator (generator.ts) and its worker processes (worker.ts) say to each
 * other over the IPC channel of child_process.fork. Every command carries a `seq` and is
 * answered once with the same `seq`; workers also send `done` on their own.
 */
import type { SparseHistogram } from './histogram.js';

/** One operation every subscriber of a group runs on its socket. */
export interface SubscriptionSpec {
  /** The graphql-ws operation id (raw clients) and the name its frames are counted under. */
  id: string;
  query: string;
  variables: Record<string, unknown>;
  /**
   * Its `next` frames carry benchmark messages (`messageAdded`, `roomEvents`): their
   * markers are read for latency, loss, duplicates and order. At most one a group.
   */
  track?: boolean;
}

/**
 * How subscribers talk:
 * - `raw`: graphql-transport-ws spoken directly, frames matched as bytes (cheapest, so
 *   the load generator stays out of the server's way); a close is a problem, no retry.
 * - `graphql-ws`: the library's `createClient`, as a third-party client runs it: lazy,
 *   retries forever with jittered exponential backoff (honouring a 1013 "retry after"),
 *   and resubscribes `messageAdded` with `after:` the last message it saw. One tracked
 *   subscription only.
 */
export type ClientKind = 'raw' | 'graphql-ws';

export interface OpenSpec {
  /** Name of the group, for stats. */
  group: string;
  kind: ClientKind;
  /** Per subscriber of this worker's share: index into the generator's node ports. */
  nodes: number[];
  /** Per subscriber: the session token for connection_init. */
  tokens: string[];
  subscriptions: SubscriptionSpec[];
  /** Sockets this worker opens per second (0: as fast as CONNECT_CONCURRENCY allows). */
  openPerSecond: number;
}

export type Command =
  | { seq: number; type: 'init'; ports: number[]; worker: number }
  | { seq: number; type: 'open'; spec: OpenSpec }
  | { seq: number; type: 'stats'; withCatchUp?: boolean }
  /** From now on, latencies count (and frames are counted afresh). */
  | { seq: number; type: 'measure'; on: boolean }
  /** A subscriber is caught up once it holds every k ≤ upTo[writer] of every writer. */
  | { seq: number; type: 'catchUp'; upTo: Record<number, number> }
  /** Loss and duplicates against what the writers had acknowledged: acked[writer] = ks. */
  | { seq: number; type: 'verify'; acked: Record<number, number[]> }
  | { seq: number; type: 'close' };

export interface FrameCounts {
  total: number;
  /** Per subscriber of the group running it: the fewest and the most. */
  minPerSubscriber: number;
  maxPerSubscriber: number;
}

export interface WorkerStats {
  worker: number;
  subscribers: number;
  /** Sockets open and acknowledged (graphql-ws: connected) now. */
  live: number;
  /** graphql-ws: `connected` events after the first, over all subscribers. */
  reconnects: number;
  /** Subscribers by state: new, connecting, opened (not acknowledged yet), connected, closed (waiting to retry). */
  states: Record<string, number>;
  /** graphql-ws: close events by code (1006 the node died, 1013 admission said later…). */
  closeCodes: Record<string, number>;
  /** Raw sockets refused for now (1013 "retry after") while opening, then opened again. */
  refusals: number;
  /** Close events that were not ours (raw: problems too). */
  closes: number;
  /** `next` frames per subscription id, since `measure` last turned on (or since the start). */
  frames: Record<string, FrameCounts>;
  /** Tracked deliveries of benchmark messages while measuring. */
  deliveries: number;
  /** The same, per node the subscriber is on (index into the ports). */
  deliveriesByNode: number[];
  /** Send-to-receive latency per delivery while measuring: writer on the subscriber's node, or not. */
  latency: { same: { buckets: SparseHistogram; maxMs: number }; cross: { buckets: SparseHistogram; maxMs: number } };
  /** The lowest warm-up number every tracked subscriber has seen (-1: some saw none; null: none tracked). */
  warmMin: number | null;
  /** With withCatchUp: per tracked subscriber, the epoch ms it caught up (-1: not yet). */
  caughtUpAt?: number[];
  problems: string[];
  problemCount: number;
  /** This worker process's CPU seconds (user + system) so far. */
  cpuSeconds: number;
}

export interface VerifyResult {
  /** (subscriber, acknowledged message) pairs never received. */
  lost: number;
  /** Deliveries of a message the subscriber already had. */
  duplicates: number;
  /** Deliveries of a writer's message after a later one of the same writer. */
  outOfOrder: number;
  /** Subscribers that miss at least one acknowledged message. */
  subscribersMissing: number;
  examples: string[];
}

export type Reply =
  | { seq: number; type: 'ok' }
  | { seq: number; type: 'opened'; opened: number; failed: number; seconds: number }
  | { seq: number; type: 'stats'; stats: WorkerStats }
  | { seq: number; type: 'verified'; result: VerifyResult }
  | { seq: number; type: 'error'; message: string };

/** Sent unasked: every tracked subscriber of this worker has writer w's message k (epoch ms). */
export interface Done {
  type: 'done';
  worker: number;
  w: number;
  k: number;
  at: number;
}

export type FromWorker = Reply | Done;

/** The benchmark message's text: `b~m:<writer>:<k>:<writer's node>:<epoch ms sent>`. */
export const messageText = (w: number, k: number, node: number, sentAt: number): string =>
  `b~m:${w}:${k}:${node}:${sentAt.toFixed(3)} storm`;
/** A warm-up message: `b~w:<n>`. */
export const warmText = (n: number): string => `b~w:${n} warming up`;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const wallMs = (): number => performance.timeOrigin + performance.now();
