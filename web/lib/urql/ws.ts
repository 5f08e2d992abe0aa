import { type Client, createClient } from 'graphql-ws';
import { setBrowserOnline, setSocketState, socketState } from './connection';
import { retryAfterFromClose, retryDelay } from './retry';

/** The server pings every 12 s; we ping too, so a dead link is noticed from this side. */
const PING_EVERY_MS = 10_000; // 10 seconds
const PONG_TIMEOUT_MS = 5_000; // 5 seconds

let client: Client | undefined;
const reconnectListeners = new Set<() => void>();
/**
 * When the server last asked us to come back: a node taking in a reconnect storm closes
 * the sockets past its admission rate with 1013 and "retry after <ms> ms".
 */
let askedToWaitMs = 0;

/**
 * Exponential backoff with full jitter, cut short when the browser comes back online,
 * and no attempts at all while it says it is offline.
 */
async function waitBeforeRetry(retries: number): Promise<void> {
  const done = new AbortController();
  const backOnline = new Promise<void>((resolve) =>
    window.addEventListener('online', () => resolve(), { once: true, signal: done.signal }),
  );
  const delay = retryDelay(retries, askedToWaitMs);
  askedToWaitMs = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, delay)));
  try {
    await (navigator.onLine ? Promise.race([elapsed, backOnline]) : backOnline);
  } finally {
    clearTimeout(timer);
    done.abort();
  }
}

function create(): Client {
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
  // No credentials in connection_init: the upgrade request carries the httpOnly session
  // cookie, which the server accepts from our own origin.
  const ws = createClient({
    url,
    keepAlive: PING_EVERY_MS,
    retryAttempts: Infinity,
    // Retry after network errors too, not only after close events.
    shouldRetry: () => true,
    retryWait: waitBeforeRetry,
    on: {
      connecting: (isRetry) => {
        const state = socketState();
        if (!isRetry) setSocketState({ kind: 'connecting' });
        else if (state.kind !== 'reconnecting') setSocketState({ kind: 'reconnecting', attempt: 1 });
      },
      connected: (_socket, _payload, wasRetry) => {
        setSocketState({ kind: 'live' });
        if (wasRetry) for (const listener of reconnectListeners) listener();
      },
      closed: (event) => {
        clearTimeout(pongTimer);
        const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
        askedToWaitMs = retryAfterFromClose(code, reason);
        const state = socketState();
        // 1000: the lazy client closed because nothing is subscribed any more.
        if (code === 1000) setSocketState({ kind: 'idle' });
        else setSocketState({ kind: 'reconnecting', attempt: state.kind === 'reconnecting' ? state.attempt + 1 : 1 });
      },
      ping: (received) => {
        if (!received) pongTimer = setTimeout(() => ws.terminate(), PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });

  setBrowserOnline(navigator.onLine);
  window.addEventListener('offline', () => {
    setBrowserOnline(false);
    // The socket may linger half-open for minutes; drop it now, retry when back online.
    ws.terminate();
  });
  window.addEventListener('online', () => setBrowserOnline(true));
  return ws;
}

/** The one graphql-ws client of this browser tab, created on first use (never on the server). */
export function wsClient(): Client {
  if (typeof window === 'undefined') throw new Error('graphql-ws runs in the browser only');
  client ??= create();
  return client;
}

/** Calls `listener` each time the socket is back after a drop (subscriptions resume then). */
export function onReconnected(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}
