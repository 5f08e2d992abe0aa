import type { IncomingMessage } from 'node:http';
import { type Client, createClient } from 'graphql-ws';
import { afterAll } from 'vitest';
import WebSocket from 'ws';
import { Feed } from './feed.js';
import type { GqlError, GqlResult } from './http.js';

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface SocketOptions {
  /** Sent as `connection_init { authToken }`. */
  token?: string;
  /** The whole `connection_init` payload (instead of `token`). */
  connectionParams?: Record<string, unknown>;
  /** Headers of the upgrade request (`Origin`, `Cookie`). */
  headers?: Record<string, string>;
  /** Default false: connect at once, so `connected` and `closed` mean something. */
  lazy?: boolean;
}

export interface Subscription<T> extends Feed<T> {
  /** Completes the subscription (the client sends `complete`). */
  dispose(): void;
}

export interface TestSocket {
  readonly client: Client;
  /** Resolves on `connection_ack`; rejects if the socket closes first. */
  readonly connected: Promise<void>;
  /** Resolves with the first close of the underlying socket. */
  readonly closed: Promise<CloseInfo>;
  /** Starts an operation; its `next` payloads' `data` collect in the returned feed. */
  subscribe<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    extensions?: Record<string, unknown>,
  ): Subscription<T>;
  /** Runs a query or mutation over the socket; resolves to its one result. */
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  /** Disposes of the client; resolves once the socket has closed. */
  close(): Promise<CloseInfo>;
}

/**
 * Sockets a suite opens, closed in its afterAll (call it where the suite's hooks are
 * declared). Resolves to a socket once it has its `connection_ack`.
 */
export function useSockets(): (wsUrl: string, token: string) => Promise<TestSocket> {
  const sockets: TestSocket[] = [];
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
  });
  return async (wsUrl, token) => {
    const socket = openSocket(wsUrl, { token });
    sockets.push(socket);
    await socket.connected;
    return socket;
  };
}

/** A `ws` WebSocket that adds `headers` to its upgrade request. */
function webSocketWith(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  };
}

/** A graphql-ws client (graphql-ws's own `createClient`, over `ws`) with no retries. */
export function openSocket(wsUrl: string, options: SocketOptions = {}): TestSocket {
  let onClosed!: (info: CloseInfo) => void;
  const closed = new Promise<CloseInfo>((resolve) => (onClosed = resolve));
  let onConnected!: () => void;
  let onNotConnected!: (error: Error) => void;
  const connected = new Promise<void>((resolve, reject) => {
    onConnected = resolve;
    onNotConnected = reject;
  });
  connected.catch(() => {}); // observed by whoever awaits it

  const client = createClient({
    url: wsUrl,
    webSocketImpl: options.headers ? webSocketWith(options.headers) : WebSocket,
    lazy: options.lazy ?? false,
    retryAttempts: 0,
    connectionParams: options.connectionParams ?? (options.token ? { authToken: options.token } : undefined),
    onNonLazyError: () => {}, // reported through `closed`
    on: {
      connected: () => onConnected(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        onConnected = () => {};
        onNotConnected(new Error(`socket closed before connection_ack: ${code} ${reason}`));
        onClosed({ code, reason: String(reason) });
      },
    },
  });

  const subscribe = <T>(
    query: string,
    variables: Record<string, unknown> = {},
    extensions?: Record<string, unknown>,
  ): Subscription<T> => {
    const feed = new Feed<T>() as Subscription<T>;
    const stop = client.subscribe<T>(
      { query, variables, ...(extensions ? { extensions } : {}) },
      {
        next: (result) => {
          if (result.errors?.length) feed.fail(result.errors);
          if (result.data) feed.add(result.data);
        },
        error: (error) => feed.fail(error),
        complete: () => feed.end(),
      },
    );
    feed.dispose = stop;
    return feed;
  };

  return {
    client,
    connected,
    closed,
    subscribe,
    request<T>(query: string, variables: Record<string, unknown> = {}) {
      return new Promise<GqlResult<T>>((resolve, reject) => {
        let result: GqlResult<T> | undefined;
        client.subscribe<T>(
          { query, variables },
          {
            next: (value) => (result = value as GqlResult<T>),
            error: (error) => (Array.isArray(error) ? resolve({ errors: error as GqlError[] }) : reject(error)),
            complete: () => (result ? resolve(result) : reject(new Error('completed without a result'))),
          },
        );
      });
    },
    async close() {
      await client.dispose();
      // A client that never opened a socket has nothing to wait for.
      return Promise.race([closed, new Promise<CloseInfo>((r) => setTimeout(() => r({ code: 0, reason: '' }), 2_000))]);
    },
  };
}

/** The GraphQL errors in whatever a subscription failed with (an `error` message or a `next`). */
export function errorsOf(failure: unknown): GqlError[] {
  if (Array.isArray(failure)) return failure as GqlError[];
  if (failure && typeof failure === 'object' && 'errors' in failure) return (failure as GqlResult).errors ?? [];
  throw new Error(`not a GraphQL error: ${String(failure)} ${JSON.stringify(failure)}`);
}

export const errorCodes = (failure: unknown): (string | undefined)[] =>
  errorsOf(failure).map((e) => e.extensions?.code);

// --- A raw graphql-transport-ws socket, for what the reference client cannot do ----

export interface RawSocket {
  readonly ws: WebSocket;
  /** Every message the server sent, parsed. */
  readonly messages: Feed<{ type: string; id?: string; payload?: unknown }>;
  readonly closed: Promise<CloseInfo>;
  send(message: unknown): void;
}

/** Opens a `graphql-transport-ws` socket; rejects with the status if the upgrade is refused. */
export function openRawSocket(
  wsUrl: string,
  headers: Record<string, string> = {},
  protocol = 'graphql-transport-ws',
): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, protocol, { headers });
    const messages = new Feed<{ type: string; id?: string; payload?: unknown }>();
    const closed = new Promise<CloseInfo>((resolveClose) =>
      ws.on('close', (code, reason) => {
        messages.end();
        resolveClose({ code, reason: reason.toString() });
      }),
    );
    ws.on('message', (data) => messages.add(JSON.parse(String(data)) as { type: string }));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      res.resume();
      ws.terminate();
      reject(new UpgradeRefused(res.statusCode ?? 0));
    });
    ws.once('error', (error) => reject(error));
    ws.once('open', () => resolve({ ws, messages, closed, send: (message) => ws.send(JSON.stringify(message)) }));
  });
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}

/** 101 if the upgrade to a WebSocket succeeds, else the HTTP status it was refused with. */
export async function upgradeStatus(wsUrl: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const socket = await openRawSocket(wsUrl, headers);
    socket.ws.close();
    return 101;
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
}
