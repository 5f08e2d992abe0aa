/**
 * What the hardening suites share: the server's own gauges, a forced GC for heap
 * figures, percentiles, and bare `ws` sockets that do exactly what they are told.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import type { TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';

// `gc` without restarting the worker with --expose-gc: the flag only has to be set
// before a fresh context asks for the function.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** `heapUsed` in MiB after full collections; the server runs in this process. */
export async function heapMiB(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** parley_open_sockets and parley_active_subscriptions (all fields) of this server. */
export async function gauges(server: TestServer): Promise<{ sockets: number; subscriptions: number }> {
  const { metrics } = server.app.services;
  const sum = async (gauge: typeof metrics.openSockets | typeof metrics.activeSubscriptions) =>
    (await gauge.get()).values.reduce((total, sample) => total + sample.value, 0);
  return { sockets: await sum(metrics.openSockets), subscriptions: await sum(metrics.activeSubscriptions) };
}

/** Resolves once both gauges read zero; fails with what they read after `timeoutMs`. */
export async function gaugesAtZero(server: TestServer, timeoutMs = 10_000): Promise<void> {
  let last = { sockets: -1, subscriptions: -1 };
  await waitUntil(
    async () => {
      last = await gauges(server);
      return last.sockets === 0 && last.subscriptions === 0;
    },
    { timeoutMs, intervalMs: 50, what: 'the socket and subscription gauges at zero' },
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}: ${JSON.stringify(last)}`);
  });
}

/** parley_rejected_total for `reason`. */
export async function rejected(server: TestServer, reason: string): Promise<number> {
  const { values } = await server.app.services.metrics.rejected.get();
  return values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

/** The `p`th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** Runs `tasks` with at most `width` in flight; resolves to their results in order. */
export async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

export interface BareSocket {
  readonly ws: WebSocket;
  /** Text of every message the server sent (until `stopRecording`). */
  readonly received: string[];
  /** Stops keeping what arrives (for sockets that take thousands of large frames). */
  stopRecording(): void;
  /** Resolves with the close code (and reason) the client saw. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves once a received message satisfies `match`; rejects on close or after `timeoutMs`. */
  until(match: (message: string) => boolean, timeoutMs?: number): Promise<string>;
}

/**
 * A WebSocket with no client logic at all: what arrives is only recorded, nothing is
 * answered. Resolves once open; rejects if the upgrade fails (with the HTTP status).
 */
export function bareSocket(
  url: string,
  protocol: string | null = 'graphql-transport-ws',
  headers: Record<string, string> = {},
): Promise<BareSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocol === null ? [] : [protocol], { headers, perMessageDeflate: false });
    const received: string[] = [];
    const waiters = new Set<() => void>();
    let isClosed: string | undefined;
    let recording = true;
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.on('close', (code, reason) => {
        isClosed = `${code} ${reason.toString()}`;
        for (const wake of waiters) wake();
        done({ code, reason: reason.toString() });
      }),
    );
    ws.on('message', (data) => {
      if (recording) received.push(String(data));
      for (const wake of waiters) wake();
    });
    ws.on('error', () => {}); // reported through `closed` (or the upgrade's rejection)
    void closed.then(({ code }) => reject(new Error(`closed with ${code} before it opened`)));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      reject(new Error(`upgrade refused with HTTP ${res.statusCode}`));
    });
    ws.once('open', () =>
      resolve({
        ws,
        received,
        closed,
        stopRecording: () => {
          recording = false;
          received.length = 0;
        },
        until(match, timeoutMs = 5_000) {
          return new Promise((found, fail) => {
            let seen = 0;
            const timer = setTimeout(
              () => finish(new Error(`timed out; received ${JSON.stringify(received)}`)),
              timeoutMs,
            );
            const finish = (error?: Error, message?: string) => {
              clearTimeout(timer);
              waiters.delete(check);
              if (error) fail(error);
              else found(message!);
            };
            const check = () => {
              for (; seen < received.length; seen++)
                if (match(received[seen]!)) return finish(undefined, received[seen]);
              if (isClosed)
                finish(new Error(`closed (${isClosed}) before a match; received ${JSON.stringify(received)}`));
            };
            waiters.add(check);
            check();
          });
        },
      }),
    );
  });
}

/** The TCP socket under a `ws` WebSocket. */
export const tcp = (ws: WebSocket) =>
  (ws as unknown as { _socket: { pause(): void; resume(): void; localPort?: number; remotePort?: number } })._socket;

/**
 * Stops reading from the socket, as a client that hangs would: what the server sends
 * piles up in the kernel's buffers, then in the server's.
 */
export const pauseReading = (ws: WebSocket) => tcp(ws).pause();
export const resumeReading = (ws: WebSocket) => tcp(ws).resume();

/** Waits for `connection_ack` after sending `connection_init` (with `authToken` if given). */
export async function initialised(socket: BareSocket, token?: string): Promise<void> {
  socket.ws.send(JSON.stringify({ type: 'connection_init', ...(token ? { payload: { authToken: token } } : {}) }));
  await socket.until((m) => m.includes('"connection_ack"'));
}
