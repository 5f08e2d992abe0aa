import type { IncomingMessage } from 'node:http';
import { WebSocket, type WebSocketServer } from 'ws';
import { CloseCode, type SubscribePayload } from 'graphql-ws';
import { type ExecutionArgs, GraphQLError, execute as graphqlExecute, getOperationAST } from 'graphql';
import type { Authenticated } from '../auth/sessions.js';
import { SESSION_COOKIE, authorizationToken, cookieValue } from '../auth/tokens.js';
import { createContext } from '../graphql/context.js';
import { personalized, sharedContext } from '../graphql/per-viewer.js';
import { forbidden } from '../graphql/errors.js';
import type { ParleyYoga } from '../graphql/yoga.js';
import { connectionId, requestId } from '../http/request-id.js';
import {
  WS_MAX_OPERATION_ID_BYTES,
  WS_MAX_OPERATIONS_PER_SOCKET,
  WS_MAX_SOCKETS_PER_USER,
} from '../limits.js';
import { SESSIONS_TOPIC } from '../pubsub/index.js';
import type { Services } from '../services.js';
import type { Executor, FanoutTarget } from '../realtime/fanout.js';
import { dropSlowConsumer, fallenBehind } from '../realtime/slow-consumer.js';
import { fanoutField, masked, subscribeFast } from './fast-subscribe.js';
import { groupKey } from './group-key.js';
import { useServer } from './use-ws.js';

/** The credentials a `connection_init` payload may carry (CONTRACT.md, Identity). */
function initToken(payload: Record<string, unknown> | undefined): string | undefined | null {
  if (!payload) return undefined;
  if (typeof payload.authToken === 'string') return payload.authToken;
  return authorizationToken(payload);
}

/** The WebSocket close code for a server going away: clients reconnect, elsewhere. */
const GOING_AWAY = 1001;
/** How often a shutdown looks whether every socket has closed. */
const DRAIN_POLL_MS = 20;

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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const unset: Executor = () => {
  throw new Error('fan-out executor used before its context was built');
};

type EnvelopedArgs = ExecutionArgs & {
  rootValue:
    | { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown; fast?: undefined }
    // null once started: graphql-ws keeps the args while the subscription lives.
    | { fast: (() => Promise<unknown>) | null };
};

/**
 * graphql-ws on a `ws` server, running every operation through Yoga's envelop so the
 * WebSocket path has the same parser cache, limits, masking and context as HTTP.
 * The upgrade's `Origin` has already been checked by the HTTP layer.
 */
export function attachGraphQLWs(wss: WebSocketServer, yoga: ParleyYoga, services: Services) {
  const { sessions, metrics, log } = services;
  const identities = new WeakMap<WebSocket, Authenticated | null>();
  // Sockets by the token that opened them, so signOut can close them on every node.
  const byToken = new Map<string, Set<WebSocket>>();
  // And by user, for WS_MAX_SOCKETS_PER_USER.
  const byUser = new Map<string, Set<WebSocket>>();
  const add = (index: Map<string, Set<WebSocket>>, key: string, socket: WebSocket) => {
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(socket);
  };
  const remove = (index: Map<string, Set<WebSocket>>, key: string, socket: WebSocket) => {
    const set = index.get(key);
    set?.delete(socket);
    if (set?.size === 0) index.delete(key);
  };

  /** Records who opened `socket`; false (and the socket closed) when that user has too many. */
  const remember = (socket: WebSocket, auth: Authenticated | null): boolean => {
    // Closed while its credentials were being checked: its 'close' (and `forget`) has run.
    if (socket.readyState === WebSocket.CLOSED) return false;
    if (auth && services.config.rateLimits && (byUser.get(auth.user.id)?.size ?? 0) >= WS_MAX_SOCKETS_PER_USER) {
      metrics.rejected.inc({ reason: 'sockets_per_user' });
      socket.close(CloseCode.Forbidden, `Too many sockets for this user (at most ${WS_MAX_SOCKETS_PER_USER})`);
      return false;
    }
    identities.set(socket, auth);
    if (!auth) return true;
    add(byToken, auth.tokenHash, socket);
    add(byUser, auth.user.id, socket);
    return true;
  };
  const forget = (socket: WebSocket) => {
    const auth = identities.get(socket);
    if (!auth) return;
    identities.delete(socket);
    remove(byToken, auth.tokenHash, socket);
    remove(byUser, auth.user.id, socket);
  };

  // Queries and mutations running, per socket, so a shutdown can let them answer first.
  const running = new Map<WebSocket, Set<string>>();
  let draining = false;
  const closeIfIdle = (socket: WebSocket) => {
    if (!draining || (running.get(socket)?.size ?? 0) > 0) return;
    if (socket.readyState === WebSocket.OPEN) socket.close(GOING_AWAY, 'Server shutting down');
  };

  const unsubscribeRevocations = services.pubsub.subscribe(SESSIONS_TOPIC, (event) => {
    if (event.kind !== 'revoked') return;
    for (const socket of byToken.get(event.tokenHash) ?? []) socket.close(CloseCode.Forbidden, 'Session revoked');
  });

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
          return remember(socket, auth);
        }
        // No credentials in the payload: the session cookie of the upgrade, if any.
        const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
        return remember(socket, cookie ? ((await sessions.authenticate(cookie)) ?? null) : null);
      },

      onSubscribe: async (ctx, id, payload: SubscribePayload) => {
        const { socket, request } = ctx.extra;
        if (draining) {
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
        // Two steps: Yoga's envelop parses and validates (cached, with the armor limits),
        // then the context is built with what the transport knows.
        const envelop = yoga.getEnveloped({ params: payload });
        let document;
        try {
          document = envelop.parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        let errors;
        try {
          errors = envelop.validate(envelop.schema, document);
        } catch (error) {
          // graphql-armor's limits throw from validation; answer the operation, not 4500.
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        if (errors.length > 0) return errors;
        const operation = getOperationAST(document, payload.operationName);
        const wsOperation = { socketAuth: identities.get(socket) ?? null, upgrade: request, ws: socket };
        const { schema } = envelop;
        const field = operation ? fanoutField(operation) : undefined;
        if (operation && field) {
          // A room subscription: the shared fan-out path. Its executor runs the document
          // with each event as root value, as graphql-js does per event (plain graphql-js
          // `execute`: Yoga's would see a subscription document and subscribe again), in
          // a context without a viewer: `@perViewer` fields leave holes for each
          // subscriber's own answer.
          const fanout: Mutable<FanoutTarget> = {
            socket,
            id,
            groupKey: groupKey(payload.query, document, operation, payload.variables),
            execute: unset,
          };
          const contextValue = await createContext(services, {
            wsOperation: { ...wsOperation, fanout },
            params: payload,
          });
          const base = { schema, document, operationName: payload.operationName, variableValues: payload.variables };
          fanout.execute = (value) => {
            const { context, holes } = sharedContext(services);
            const result = graphqlExecute({ ...base, contextValue: context, rootValue: value });
            return result instanceof Promise
              ? result.then((r) => personalized(services, masked(r), holes))
              : personalized(services, masked(result), holes);
          };
          // No context here: graphql-ws keeps these args as long as the subscription
          // lives, and an idle subscriber should cost only its socket and fan-out entry.
          const args: EnvelopedArgs = {
            schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            rootValue: { fast: () => subscribeFast(schema, operation, field, payload.variables, contextValue) },
          };
          return args;
        }
        const { execute, subscribe, contextFactory } = yoga.getEnveloped({ wsOperation, params: payload });
        if (operation?.operation !== 'subscription') {
          let ids = running.get(socket);
          if (!ids) running.set(socket, (ids = new Set()));
          ids.add(id);
        }
        const args: EnvelopedArgs = {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        return args;
      },

      execute: (args) => {
        const root = (args as EnvelopedArgs).rootValue;
        if (root.fast !== undefined) throw new Error('the fan-out path is for subscriptions only');
        return root.execute(args) as never;
      },
      subscribe: (args) => {
        const root = (args as EnvelopedArgs).rootValue;
        if (root.fast === undefined) return root.subscribe(args) as never;
        const start = root.fast;
        if (!start) throw new Error('a fan-out subscription started twice');
        root.fast = null; // and with it the operation's context
        return start() as never;
      },

      onNext: (ctx) => {
        // A client that does not read must not make the server hold its output forever.
        const { socket } = ctx.extra;
        if (fallenBehind(socket)) dropSlowConsumer(socket, services);
      },

      onComplete: (ctx, id) => {
        const { socket } = ctx.extra;
        const ids = running.get(socket);
        if (!ids?.delete(id)) return;
        if (ids.size === 0) running.delete(socket);
        // graphql-ws sends the operation's `complete` right after this returns.
        if (draining) setImmediate(() => closeIfIdle(socket));
      },

      onClose: (ctx) => {
        running.delete(ctx.extra.socket);
        forget(ctx.extra.socket);
      },
    },
    wss,
    services.config.timings.wsKeepaliveMs,
    (error) => log.error({ err: error }, 'graphql-ws failed to handle a message'),
  );

  // The listeners below are the same functions for every socket (`this` is the socket),
  // and the ids in their lines are made only when the line is written: a socket is
  // mostly idle, and each closure or id would cost every idle subscriber.
  const debug = () => log.isLevelEnabled('debug');
  function onSocketClose(this: WebSocket, code: number) {
    if (debug()) log.debug({ connId: connectionId(this), code }, 'socket closed');
    metrics.openSockets.dec();
    forget(this);
  }
  // `ws` emits 'error' for a frame it refuses (bad opcode, mask or UTF-8, past
  // maxPayload) after it has already closed with the right code (1002, 1007, 1009).
  // graphql-ws's listener would print a stack trace with console.error for each: any
  // client could flood the output past LOG_LEVEL. Ours logs at debug and counts it.
  function onSocketError(this: WebSocket, error: Error & { code?: string }) {
    metrics.rejected.inc({ reason: 'ws_protocol' });
    if (debug()) {
      log.debug({ connId: connectionId(this), code: error.code, message: error.message }, 'refused a WebSocket frame');
    }
    if (this.readyState === WebSocket.OPEN) this.terminate();
  }

  // Runs after graphql-ws's own 'connection' listener (registered by useServer above).
  wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    metrics.openSockets.inc();
    if (debug()) log.debug({ connId: connectionId(socket), reqId: requestId(req) }, 'socket opened');
    if (draining) socket.close(GOING_AWAY, 'Server shutting down');
    socket.on('close', onSocketClose); // emitted once: `on` spares the wrapper of `once`
    socket.removeAllListeners('error');
    socket.on('error', onSocketError);
  });

  return {
    /**
     * Graceful shutdown: every socket is closed with 1001 (clients reconnect, to another
     * node behind a balancer) as soon as the queries and mutations it is running have
     * answered, and at the latest after `graceMs`. Resolves when all are closed.
     */
    async drain(graceMs: number): Promise<void> {
      draining = true;
      for (const socket of wss.clients) closeIfIdle(socket);
      const deadline = Date.now() + graceMs;
      // `ws` drops a socket from `clients` once its closing handshake is done.
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
      for (const socket of wss.clients) {
        if (socket.readyState === WebSocket.OPEN) socket.close(GOING_AWAY, 'Server shutting down');
      }
    },

    async dispose() {
      await (
        await unsubscribeRevocations
      )();
      await server.dispose();
    },
  };
}
