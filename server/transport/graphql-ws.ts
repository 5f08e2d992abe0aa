import type { IncomingMessage } from 'node:http';
import { WebSocket, type WebSocketServer } from 'ws';
import type { SubscribePayload } from 'graphql-ws';
import { SESSION_COOKIE, authorizationToken, cookieValue } from '../auth/tokens.js';
import { forbidden, rateLimited } from '../graphql/errors.js';
import type { ParleyYoga } from '../graphql/yoga.js';
import { connectionId, requestId } from '../http/request-id.js';
import { RATE_SUBSCRIBE, WS_MAX_OPERATION_ID_BYTES, WS_MAX_OPERATIONS_PER_SOCKET } from '../limits.js';
import { SESSIONS_TOPIC } from '../pubsub/index.js';
import { dropSlowConsumer, fallenBehind } from '../realtime/slow-consumer.js';
import type { Services } from '../services.js';
import { executeOperation, prepareOperation, subscribeOperation } from './operation.js';
import { GOING_AWAY, SocketDrain } from './socket-drain.js';
import { SocketIdentities } from './socket-identities.js';
import { SubscribeRate } from './subscribe-rate.js';
import { useServer } from './use-ws.js';

/** The credentials a `connection_init` payload may carry (CONTRACT.md, Identity). */
function initToken(payload: Record<string, unknown> | undefined): string | undefined | null {
  if (!payload) return undefined;
  if (typeof payload.authToken === 'string') return payload.authToken;
  return authorizationToken(payload);
}

/** The message types a client may send; the others of graphql-transport-ws are the server's. */
const CLIENT_MESSAGE_TYPES = new Set<unknown>(['connection_init', 'ping', 'pong', 'subscribe', 'complete']);

/**
 * A JSON reviver that refuses, as the whole message, a server's message types from a
 * client and operation ids past WS_MAX_OPERATION_ID_BYTES. graphql-ws accepts both and
 * then throws on them: 4500 and a stack trace on the console for every such frame.
 * Refused while parsing, they get the 4400 of any other bad message.
 */
function clientMessagesOnly(key: string, value: unknown): unknown {
  if (key === '' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { type, id } = value as { type?: unknown; id?: unknown };
    if (!CLIENT_MESSAGE_TYPES.has(type)) throw new Error('not a client message');
    if (typeof id === 'string' && Buffer.byteLength(id) > WS_MAX_OPERATION_ID_BYTES) throw new Error('id too long');
  }
  return value;
}

/**
 * graphql-ws on a `ws` server, running every operation through Yoga's envelop so the
 * WebSocket path has the same parser cache, limits, masking and context as HTTP.
 * The upgrade's `Origin` has already been checked by the HTTP layer.
 */
export function attachGraphQLWs(wss: WebSocketServer, yoga: ParleyYoga, services: Services) {
  const { sessions, metrics, log } = services;
  const identities = new SocketIdentities(metrics, services.config.rateLimits);
  const drain = new SocketDrain();
  const subscribeRate = new SubscribeRate(RATE_SUBSCRIBE);
  const unsubscribeRevocations = services.pubsub.subscribe(SESSIONS_TOPIC, (event) => {
    if (event.kind === 'revoked') identities.revoked(event.tokenHash);
  });

  // The socket hooks are the same functions for every socket (`this` is the socket),
  // and the ids in their lines are made only when the line is written: a socket is
  // mostly idle, and each closure or id would cost every idle subscriber.
  const debug = () => log.isLevelEnabled('debug');
  const hooks = {
    opened(socket: WebSocket, req: IncomingMessage) {
      metrics.openSockets.inc();
      if (debug()) log.debug({ connId: connectionId(socket), reqId: requestId(req) }, 'socket opened');
      if (drain.draining) socket.close(GOING_AWAY, 'Server shutting down');
    },
    // graphql-ws's own listener would print a stack trace with console.error for each
    // refused frame: any client could flood the output past LOG_LEVEL. This logs at
    // debug and counts it.
    error(this: WebSocket, error: Error & { code?: string }) {
      metrics.rejected.inc({ reason: 'ws_protocol' });
      if (debug()) {
        log.debug(
          { connId: connectionId(this), code: error.code, message: error.message },
          'refused a WebSocket frame',
        );
      }
      if (this.readyState === WebSocket.OPEN) this.terminate();
    },
    closed(this: WebSocket, code: number) {
      if (debug()) log.debug({ connId: connectionId(this), code }, 'socket closed');
      metrics.openSockets.dec();
      drain.closed(this);
      identities.forget(this);
    },
  };

  const server = useServer<Record<string, unknown> | undefined>(
    {
      connectionInitWaitTimeout: services.config.timings.wsConnectionInitTimeoutMs,
      jsonMessageReviver: clientMessagesOnly,

      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        const token = initToken(ctx.connectionParams);
        if (token === null) return false; // an Authorization that is not "Bearer <token>"
        if (token !== undefined) {
          const auth = await sessions.authenticate(token);
          if (!auth) return false; // 4403: unknown or revoked token
          return identities.remember(socket, auth);
        }
        // No credentials in the payload: the session cookie of the upgrade, if any.
        const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
        return identities.remember(socket, cookie ? ((await sessions.authenticate(cookie)) ?? null) : null, true);
      },

      onSubscribe: async (ctx, id, payload: SubscribePayload) => {
        const { socket, request } = ctx.extra;
        if (drain.draining) {
          // Shutting down: nothing new runs here. The operation is never executed, and
          // never answered: the socket closes with 1001 once the operations already
          // running have answered, and the client retries it on another node.
          await new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) resolve();
            else socket.once('close', () => resolve());
          });
          return [forbidden('This node is shutting down.')];
        }
        // graphql-ws has already entered this id; one socket must not hold unbounded state.
        if (Object.keys(ctx.subscriptions).length > WS_MAX_OPERATIONS_PER_SOCKET) {
          metrics.rejected.inc({ reason: 'operations_per_socket' });
          return [forbidden(`At most ${WS_MAX_OPERATIONS_PER_SOCKET} operations may run at once on one socket.`)];
        }
        const source = {
          socket,
          request,
          socketAuth: identities.of(socket),
          socketAuthByCookie: identities.isCookie(socket),
        };
        const prepared = await prepareOperation(yoga, services, source, id, payload);
        if (!('args' in prepared)) return prepared;
        if (prepared.subscription && services.config.rateLimits) {
          const retryAfterMs = subscribeRate.attempt(socket);
          if (retryAfterMs > 0) {
            metrics.rejected.inc({ reason: 'subscribe_rate' });
            return [
              rateLimited(retryAfterMs, `Too many subscriptions on this socket; try again in ${retryAfterMs} ms.`),
            ];
          }
        }
        // Queries and mutations hold a shutdown until they have answered.
        if (!prepared.subscription) drain.started(socket, id);
        return prepared.args;
      },

      execute: (args) => executeOperation(args) as never,
      subscribe: (args) => subscribeOperation(args) as never,

      onNext: (ctx) => {
        // A client that does not read must not make the server hold its output forever.
        const { socket } = ctx.extra;
        if (fallenBehind(socket)) dropSlowConsumer(socket, services);
      },

      onComplete: (ctx, id) => drain.finished(ctx.extra.socket, id),
    },
    wss,
    {
      keepAliveMs: services.config.timings.wsKeepaliveMs,
      onInternalError: (error) => log.error({ err: error }, 'graphql-ws failed to handle a message'),
      hooks,
    },
  );

  return {
    /**
     * Graceful shutdown: every socket is closed with 1001 (clients reconnect, to another
     * node behind a balancer) as soon as the queries and mutations it is running have
     * answered, and at the latest after `graceMs`. Resolves when all are closed.
     */
    drain: (graceMs: number) => drain.drain(wss, graceMs),

    async dispose() {
      await (
        await unsubscribeRevocations
      )();
      await server.dispose();
    },
  };
}
