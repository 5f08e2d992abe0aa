/**
 * Writers: accounts that post the benchmark's messages over HTTP from the coordinator,
 * each in order (one request at a time), as a chat client with an outbox does. With
 * `retry`, a send that fails (the node is down, the connection was cut mid-request) is
 * sent again with the same `clientId` until it is acknowledged, so a message the node
 * committed before it died is answered, not posted twice.
 */
import type { GqlAnswer } from '../events/clients.js';
import { sleep } from '../events/targets.js';
import { messageText, wallMs } from './protocol.js';

const SEND =
  'mutation Send($roomId: ID!, $text: String!, $clientId: ID) { sendMessage(roomId: $roomId, text: $text, clientId: $clientId) { id } }';
/** A send that has not answered by then is given up (and, with retry, sent again). */
const SEND_TIMEOUT_MS = 5_000;
/** Retry backoff: full jitter up to base × 2^attempt, at most RETRY_MAX_MS. */
const RETRY_BASE_MS = 50;
const RETRY_MAX_MS = 1_000;

export class Writer {
  /** k of every acknowledged message, in order. */
  readonly acked: number[] = [];
  /** Per k, the epoch ms of its first attempt (what its text carries). */
  readonly sentAt: number[] = [];
  /** Attempts beyond the first, over all messages. */
  retries = 0;
  /** Messages given up (without retry). */
  failed = 0;
  readonly errors: string[] = [];
  private next = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    /** Its number in the markers. */
    readonly index: number,
    /** The node it posts to (an index into the generator's ports). */
    readonly node: number,
    private readonly url: string,
    private readonly token: string,
    private readonly roomId: string,
    /** Makes clientIds unique to this run. */
    private readonly tag: string,
    private readonly retry: boolean,
  ) {}

  /** Messages queued so far: the next k. */
  get queued(): number {
    return this.next;
  }

  /** Posts `text` once, outside the benchmark's numbering (warm-up). */
  async post(text: string): Promise<GqlAnswer> {
    return this.request({ roomId: this.roomId, text });
  }

  /** Queues message k = queued; resolves once it is acknowledged (or given up). */
  send(): Promise<void> {
    const k = this.next++;
    this.chain = this.chain.then(() => this.deliver(k));
    return this.chain;
  }

  /** Resolves when every queued message is acknowledged or given up. */
  drain(): Promise<void> {
    return this.chain;
  }

  private async request(variables: Record<string, unknown>): Promise<GqlAnswer> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query: SEND, variables }),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    return (await res.json()) as GqlAnswer;
  }

  private async deliver(k: number): Promise<void> {
    const t = wallMs();
    this.sentAt[k] = t;
    const variables = {
      roomId: this.roomId,
      text: messageText(this.index, k, this.node, t),
      clientId: `${this.tag}-${this.index}-${k}`,
    };
    for (let attempt = 0; ; attempt++) {
      let why: string;
      try {
        const answer = await this.request(variables);
        if (answer.data?.sendMessage) {
          this.acked.push(k);
          this.retries += attempt;
          return;
        }
        why = JSON.stringify(answer.errors ?? answer).slice(0, 300);
      } catch (error) {
        why =
          error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error);
      }
      if (!this.retry) {
        this.failed++;
        if (this.errors.length < 10) this.errors.push(`writer ${this.index} message ${k}: ${why}`);
        return;
      }
      await sleep(Math.random() * Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt));
    }
  }
}

/**
 * Rate mode: `rate` messages a second over all writers (message n to writer n mod W), a
 * planned count rather than "until the clock runs out", so a late timer delays messages
 * instead of dropping them. Resolves once every message is acknowledged or given up.
 */
export async function runRate(writers: Writer[], rate: number, durationMs: number): Promise<number> {
  const every = 1000 / rate;
  const planned = Math.round((rate * durationMs) / 1000);
  const start = performance.now();
  for (let n = 0; n < planned; n++) {
    void writers[n % writers.length]!.send();
    const wait = start + (n + 1) * every - performance.now();
    if (wait > 1) await sleep(wait);
  }
  await Promise.all(writers.map((w) => w.drain()));
  return planned;
}

/**
 * Saturate mode: each writer sends its next message once every subscriber has its last
 * (`everywhere(w, k)` resolves then, or gives up after its own timeout).
 */
export async function runSaturate(
  writers: Writer[],
  durationMs: number,
  everywhere: (w: number, k: number) => Promise<boolean>,
): Promise<number> {
  const stopAt = performance.now() + durationMs;
  await Promise.all(
    writers.map(async (w) => {
      while (performance.now() < stopAt) {
        const k = w.queued;
        await w.send();
        await everywhere(w.index, k);
      }
    }),
  );
  return writers.reduce((n, w) => n + w.queued, 0);
}

/** acked[w] for the generator's verify. */
export const ackedBy = (writers: Writer[]): Record<number, number[]> =>
  Object.fromEntries(writers.map((w) => [w.index, w.acked]));
