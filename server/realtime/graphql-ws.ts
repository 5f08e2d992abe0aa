import type { WebSocket, WebSocketServer } from 'ws';
import { CloseCode, type SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { type ExecutionArgs, GraphQLError, execute as graphqlExecute, getOperationAST } from 'graphql';
import type { Authenticated } from '../auth/sessions.js';
import { SESSION_COOKIE, bearerToken, cookieValue } from '../auth/tokens.js';
import { createContext } from '../graphql/context.js';
import type { ParleyYoga } from '../graphql/yoga.js';
import { WS_CONNECTION_INIT_TIMEOUT_MS, WS_KEEPALIVE_MS, WS_MAX_BUFFERED_BYTES } from '../limits.js';
import { SESSIONS_TOPIC } from '../pubsub/index.js';
import type { Services } from '../services.js';
import type { Executor, FanoutTarget } from './fanout.js';
import { fanoutField, masked, subscribeFast } from './fast-subscribe.js';
import { groupKey } from './group-key.js';

/** The credentials a `connection_init` payload may carry (CONTRACT.md, Identity). */
function initToken(payload: Record<string, unknown> | undefined): string | undefined | null {
  if (!payload) return undefined;
  if (typeof payload.authToken === 'string') return payload.authToken;
  const header = payload.Authorization ?? payload.authorization;
  if (typeof header === 'string') return bearerToken(header) ?? null;
  return undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const unset: Executor = () => {
  throw new Error('fan-out executor used before its context was built');
};

type EnvelopedArgs = ExecutionArgs & {
  rootValue:
    | { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown; fast?: undefined }
    | { fast: () => Promise<unknown> };
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

  const remember = (socket: WebSocket, auth: Authenticated | null) => {
    identities.set(socket, auth);
    if (!auth) return;
    let set = byToken.get(auth.tokenHash);
    if (!set) byToken.set(auth.tokenHash, (set = new Set()));
    set.add(socket);
  };
  const forget = (socket: WebSocket) => {
    const auth = identities.get(socket);
    if (!auth) return;
    const set = byToken.get(auth.tokenHash);
    set?.delete(socket);
    if (set?.size === 0) byToken.delete(auth.tokenHash);
  };

  const unsubscribeRevocations = services.pubsub.subscribe(SESSIONS_TOPIC, (event) => {
    if (event.kind !== 'revoked') return;
    for (const socket of byToken.get(event.tokenHash) ?? []) socket.close(CloseCode.Forbidden, 'Session revoked');
  });

  const server = useServer<Record<string, unknown> | undefined>(
    {
      connectionInitWaitTimeout: WS_CONNECTION_INIT_TIMEOUT_MS,

      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        const token = initToken(ctx.connectionParams);
        if (token === null) return false; // an Authorization that is not "Bearer <token>"
        if (token !== undefined) {
          const auth = await sessions.authenticate(token);
          if (!auth) return false; // 4403: unknown or revoked token
          remember(socket, auth);
          return true;
        }
        // No credentials in the payload: the session cookie of the upgrade, if any.
        const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
        remember(socket, cookie ? ((await sessions.authenticate(cookie)) ?? null) : null);
        return true;
      },

      onSubscribe: async (ctx, id, payload: SubscribePayload) => {
        const { socket, request } = ctx.extra;
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
          // messageAdded: the shared fan-out path. Its executor runs the document with each
          // message as root value, as graphql-js does per event (plain graphql-js
          // `execute`: Yoga's would see a subscription document and subscribe again).
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
          const base = {
            schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue,
          };
          fanout.execute = (message) => {
            const result = graphqlExecute({ ...base, rootValue: message });
            return result instanceof Promise ? result.then(masked) : masked(result);
          };
          const args: EnvelopedArgs = {
            ...base,
            rootValue: { fast: () => subscribeFast(schema, operation, field, payload.variables, contextValue) },
          };
          return args;
        }
        const { execute, subscribe, contextFactory } = yoga.getEnveloped({ wsOperation, params: payload });
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
        if (root.fast) throw new Error('the fan-out path is for subscriptions only');
        return root.execute(args) as never;
      },
      subscribe: (args) => {
        const root = (args as EnvelopedArgs).rootValue;
        return (root.fast ? root.fast() : root.subscribe(args)) as never;
      },

      onNext: (ctx) => {
        // A client that does not read must not make the server hold its output forever.
        const { socket } = ctx.extra;
        if (socket.bufferedAmount > WS_MAX_BUFFERED_BYTES) {
          metrics.rejected.inc({ reason: 'slow_consumer' });
          log.warn({ buffered: socket.bufferedAmount }, 'closing a socket that does not read');
          socket.terminate();
        }
      },

      onClose: (ctx) => forget(ctx.extra.socket),
    },
    wss,
    WS_KEEPALIVE_MS,
  );

  wss.on('connection', (socket: WebSocket) => {
    metrics.openSockets.inc();
    socket.once('close', () => {
      metrics.openSockets.dec();
      forget(socket);
    });
  });

  return {
    async dispose() {
      await (
        await unsubscribeRevocations
      )();
      await server.dispose();
    },
  };
}
