import type { IncomingMessage } from 'node:http';
import type { UpgradeRequest } from '../http/upgrade.js';
import {
  CloseCode,
  type ConnectionInitMessage,
  GRAPHQL_TRANSPORT_WS_PROTOCOL,
  type ServerOptions,
  handleProtocols,
  makeServer,
} from 'graphql-ws';
import { WebSocket, type WebSocketServer } from 'ws';

/**
 * graphql-ws on a `ws` server: what graphql-ws's own `useServer` (graphql-ws/use/ws)
 * does, which its documentation offers as a starter to copy and adjust, with what it
 * costs per socket cut down. A chat node holds thousands of idle sockets:
 *
 * - keepalive: one timer pings every socket each `keepAlive` ms and terminates those
 *   that did not answer the previous ping, instead of an interval per socket and a
 *   timeout and a `pong` listener per ping. The sockets take turns in
 *   KEEPALIVE_SLICES slices, one slice a tick: pinging 1,000 sockets at once (and
 *   reading their 1,000 pongs) held back the messages due meanwhile by ~20 ms;
 * - the `connection_init` timeout is let go once the socket has sent it (graphql-ws keeps
 *   its fired timer for the socket's life);
 * - the socket graphql-ws talks to is one small object with its methods on a prototype,
 *   and the listeners on each `ws` socket are the same functions for every socket;
 * - the frame a subscription arrived in is not held while the subscription lives;
 * - the context keeps what it needs of the upgrade request, not the IncomingMessage.
 *
 * Differences: an internal error closes with 1011 and a generic reason (graphql-ws puts
 * the error's message in it outside production), and goes to `onInternalError` rather
 * than the console.
 */

const closeReason = 'Internal server error';

/** graphql-ws's `ctx.extra` on this transport. */
export interface Extra {
  readonly socket: WebSocket;
  readonly request: UpgradeRequest;
}

function upgradeRequest(req: IncomingMessage): UpgradeRequest {
  const { cookie, 'x-forwarded-for': forwardedFor } = req.headers;
  return { headers: { cookie, 'x-forwarded-for': forwardedFor }, socket: { remoteAddress: req.socket.remoteAddress } };
}

/** What graphql-ws's server sees of one `ws` socket. */
class Socket {
  /** graphql-ws's handler of this socket's messages. */
  handle: ((data: string) => Promise<void>) | undefined = undefined;
  /** graphql-ws's close handler of this socket. */
  closed: ((code: number, reason: string) => Promise<void>) | undefined = undefined;
  /** The keepalive slice this socket is pinged with. */
  pingSlice: Set<WebSocket> | undefined = undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly onInternalError: (error: unknown) => void,
  ) {}

  get protocol(): string {
    return this.ws.protocol;
  }

  send(data: string): Promise<void> {
    const { ws } = this;
    return new Promise((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN) return resolve();
      ws.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.handle = handle;
  }
}

/** Keepalive ticks per `keepAlive` period: each socket is pinged at one of them. */
const KEEPALIVE_SLICES = 12;

const sockets = new WeakMap<WebSocket, Socket>();
/** Sockets that have not answered the last keepalive ping yet. */
const awaitingPong = new WeakSet<WebSocket>();
/** The `connection_init` timeouts of sockets that have not sent it yet. */
const initTimers = new WeakMap<WebSocket, NodeJS.Timeout>();

function letGoOfInitTimer(ws: WebSocket): void {
  clearTimeout(initTimers.get(ws));
  initTimers.delete(ws);
}

/** Whether `text` is a `connection_init` message (read once per socket, before it has sent one). */
function isConnectionInit(text: string): boolean {
  try {
    return (JSON.parse(text) as { type?: unknown } | null)?.type === 'connection_init';
  } catch {
    return false; // graphql-ws answers it
  }
}

function onMessage(this: WebSocket, data: WebSocket.RawData): void {
  const socket = sockets.get(this);
  if (!socket?.handle) return;
  const text = String(data);
  // The client was in time: its sign-in may take a while yet (a busy node, a slow store).
  if (initTimers.has(this) && isConnectionInit(text)) letGoOfInitTimer(this);
  // Not an async listener: the frame's buffer is not kept while the operation runs.
  socket.handle(text).catch((error: unknown) => {
    socket.onInternalError(error);
    if (this.readyState === WebSocket.OPEN) this.close(CloseCode.InternalServerError, closeReason);
  });
}

function onPong(this: WebSocket): void {
  awaitingPong.delete(this);
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  letGoOfInitTimer(this);
  const socket = sockets.get(this);
  sockets.delete(this);
  socket?.pingSlice?.delete(this);
  void socket?.closed?.(code, String(reason));
}

function onError(this: WebSocket): void {
  this.close(CloseCode.InternalServerError, closeReason);
}

/** What the transport's owner hears of each socket; each is one function for all sockets. */
export interface SocketHooks {
  /** A socket has opened (graphql-ws already listens to it). */
  opened?(socket: WebSocket, request: IncomingMessage): void;
  /**
   * `ws` refused a frame (bad opcode, mask or UTF-8, past maxPayload) and has closed
   * the socket with the right code already. Default: close with 4500.
   */
  error?(this: WebSocket, error: Error): void;
  /** A socket has closed (after graphql-ws has let go of it). */
  closed?(this: WebSocket, code: number): void;
}

export interface UseServerOptions {
  /** Server pings, so idle sockets survive proxies; 0 turns them off. */
  readonly keepAliveMs?: number;
  /** What graphql-ws could not handle; default: the console. */
  readonly onInternalError?: (error: unknown) => void;
  readonly hooks?: SocketHooks;
}

export function useServer<P extends ConnectionInitMessage['payload'] = ConnectionInitMessage['payload']>(
  options: ServerOptions<P, Extra>,
  wss: WebSocketServer,
  {
    keepAliveMs: keepAlive = 12_000, // 12 seconds, as graphql-ws's own
    onInternalError = (error) => console.error('graphql-ws internal error', error),
    hooks = {},
  }: UseServerOptions = {},
): { dispose(): Promise<void> } {
  const initTimeout = options.connectionInitWaitTimeout ?? 3_000;
  const server = makeServer<P, Extra>({
    ...options,
    connectionInitWaitTimeout: 0, // below, so that it can be let go
    onConnect: (ctx) => {
      letGoOfInitTimer(ctx.extra.socket);
      return options.onConnect?.(ctx);
    },
  });
  wss.options.handleProtocols = handleProtocols;

  wss.once('error', (error) => {
    onInternalError(error);
    for (const ws of wss.clients) ws.close(CloseCode.InternalServerError, closeReason);
  });

  const slices = Array.from({ length: KEEPALIVE_SLICES }, () => new Set<WebSocket>());
  let tick = 0;
  let joined = 0;
  const pinger =
    keepAlive > 0 && Number.isFinite(keepAlive)
      ? setInterval(() => {
          for (const ws of slices[tick++ % KEEPALIVE_SLICES]!) {
            if (ws.readyState !== WebSocket.OPEN) continue;
            if (awaitingPong.has(ws)) {
              ws.terminate();
              continue;
            }
            awaitingPong.add(ws);
            ws.ping();
          }
        }, keepAlive / KEEPALIVE_SLICES)
      : undefined;
  pinger?.unref();

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const socket = new Socket(ws, onInternalError);
    sockets.set(ws, socket);
    socket.pingSlice = slices[joined++ % KEEPALIVE_SLICES]!;
    socket.pingSlice.add(ws);
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('close', onClose); // emitted once: `on` spares the wrapper of `once`
    if (hooks.closed) ws.on('close', hooks.closed);
    ws.on('error', hooks.error ?? onError);
    if (initTimeout > 0 && Number.isFinite(initTimeout) && ws.protocol === GRAPHQL_TRANSPORT_WS_PROTOCOL) {
      const timer = setTimeout(() => {
        // A busy node runs its timers before it reads its sockets: the client's
        // connection_init may be in, unread. Read first (the poll phase comes before the
        // check phase), then judge; a reconnect storm lost sockets to 4408 otherwise.
        setImmediate(() => {
          if (initTimers.get(ws) !== timer) return; // it came
          initTimers.delete(ws);
          if (ws.readyState === WebSocket.OPEN) {
            ws.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
          }
        });
      }, initTimeout);
      initTimers.set(ws, timer);
    }
    socket.closed = server.opened(socket, { socket: ws, request: upgradeRequest(request) });
    hooks.opened?.(ws, request);
  });

  return {
    async dispose() {
      if (pinger) clearInterval(pinger);
      for (const ws of wss.clients) ws.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
