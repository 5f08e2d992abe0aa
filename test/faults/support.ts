/** What the fault suites share: readiness from outside, and a writer that keeps sending through a fault. */
import type { Session } from '../helpers/http.js';
import { waitUntil } from '../helpers/wait.js';
import type { NodeProcess } from '../cluster/harness.js';
import { type SendOutcome, trySend } from '../cluster/support.js';

export interface Readiness {
  status: number;
  body: string;
}

/** `/readyz` as a supervisor sees it; a node that does not answer in 5 s is status 0. */
export async function readiness(node: { url: string }): Promise<Readiness> {
  try {
    const response = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: (error as Error).message };
  }
}

/** Resolves once the node's `/readyz` answers `status`; fails with its last answer and output otherwise. */
export async function waitReady(node: NodeProcess, status: 200 | 503, timeoutMs: number): Promise<void> {
  let last: Readiness = { status: 0, body: '' };
  await waitUntil(
    async () => {
      last = await readiness(node);
      return last.status === status;
    },
    { timeoutMs, intervalMs: 100, what: `${node.name}'s /readyz to answer ${status}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last: HTTP ${last.status} ${last.body}\n${node.tail()}`);
  });
}

/** One send of a steady writer: where, when, how long it took and what became of it. */
export interface WriterSend {
  readonly clientId: string;
  readonly text: string;
  readonly node: string;
  /** When the request left, ms since the epoch. */
  readonly at: number;
  /** How long until its answer. */
  readonly ms: number;
  readonly outcome: SendOutcome;
}

export interface SteadyWriter {
  readonly sends: readonly WriterSend[];
  /** Sends acknowledged so far. */
  acknowledged(): number;
  /** Stops after the send in flight; resolves with every send. */
  stop(): Promise<readonly WriterSend[]>;
}

/**
 * Sends one message every `intervalMs` (or as soon as the last answered, when that took
 * longer), alternating between `nodes`, each with a clientId of its own so that a failed
 * one can be retried without doubling. Never throws: a failure is an outcome.
 */
export function steadyWriter(
  nodes: readonly NodeProcess[],
  author: Session,
  roomId: string,
  { intervalMs = 100, label = 'steady' } = {},
): SteadyWriter {
  const sends: WriterSend[] = [];
  let stopping = false;
  const loop = (async () => {
    for (let i = 0; !stopping; i++) {
      const node = nodes[i % nodes.length]!;
      const clientId = `${label}-${i}`;
      const text = `${label} ${i}`;
      const at = Date.now();
      const outcome = await trySend(node.url, author.token, roomId, text, clientId);
      const ms = Date.now() - at;
      sends.push({ clientId, text, node: node.name, at, ms, outcome });
      const wait = intervalMs - ms;
      if (wait > 0 && !stopping) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    sends,
    acknowledged: () => sends.filter((s) => s.outcome.ok).length,
    async stop() {
      stopping = true;
      await loop;
      return sends;
    },
  };
}
