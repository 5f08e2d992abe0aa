/**
 * When to try again after a WebSocket closed: shared by the web UI (ws.ts) and the storm
 * benchmark's graphql-ws clients, which behave as the web UI does.
 */

const RETRY_BASE_MS = 500; // first retry after about half a second
const RETRY_MAX_MS = 30_000; // 30 seconds between attempts at most

/** The wait a close asks for: 1013 (try again later) with the server's reason. */
export function retryAfterFromClose(code: number | undefined, reason: string | undefined): number {
  if (code !== 1013 || !reason) return 0;
  const match = /retry after (\d+) ms/.exec(reason);
  return match ? Number(match[1]) : 0;
}

/**
 * How long to wait before attempt `retries` + 1: the server's turn when it gave one (it
 * is already jittered there, and spread at the rate the node takes sockets in), else
 * exponential backoff with full jitter. A turn is not stretched by our own backoff: a
 * storm's clients that the node refused would otherwise come back long after their turn.
 */
export function retryDelay(retries: number, askedToWaitMs: number, random: () => number = Math.random): number {
  if (askedToWaitMs > 0) return askedToWaitMs;
  return random() * Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** retries);
}
