import type { WebSocket, WebSocketServer } from 'ws';
import { CloseCode, type SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import {
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  execute as graphqlExecute,
  getOperationAST,
} from 'graphql';
import { maskError } from 'graphql-yoga';
import type { Authenticated } from '../auth/sessions.js';
import { SESSION_COOKIE, bearerToken, cookieValue } from '../auth/tokens.js';
import type { ParleyYoga } from '../graphql/yoga.js';
import { WS_CONNECTION_INIT_TIMEOUT_MS, WS_KEEPALIVE_MS, WS_MAX_BUFFERED_BYTES } from '../limits.js';
import { SESSIONS_TOPIC } from '../pubsub/index.js';
import type { Services } from '../services.js';
import type { Executor, FanoutTarget } from './fanout.js';
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

/** Unexpected errors reach the client as Yoga would show them: "Unexpected error.", no stack. */
function masked(result: ExecutionResult | Promise<ExecutionResult>): ExecutionResult | Promise<ExecutionResult> {
  const mask = (r: ExecutionResult): ExecutionResult =>
    r.errors ? { ...r, errors: r.errors.map((e) => maskError(e, 'Unexpected error.', false) as GraphQLError) } : r;
  return result instanceof Promise ? result.then(mask) : mask(result);
}

type EnvelopedArgs = ExecutionArgs & {
  rootValue: { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
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
        const errors = envelop.validate(envelop.schema, document);
        if (errors.length > 0) return errors;
        const operation = getOperationAST(document, payload.operationName);
        // Its executor needs the context built just below; it is set before any resolver runs.
        const fanout: Mutable<FanoutTarget> | undefined =
          operation?.operation === 'subscription'
            ? { socket, id, groupKey: groupKey(payload.query, document, operation, payload.variables), execute: unset }
            : undefined;
        const { schema, execute, subscribe, contextFactory } = yoga.getEnveloped({
          wsOperation: { socketAuth: identities.get(socket) ?? null, upgrade: request, ws: socket, fanout },
          params: payload,
        });
        const args: EnvelopedArgs = {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        // The shared fan-out path executes this document with the message as root value,
        // as graphql-js does for each event of a subscription. Plain graphql-js `execute`:
        // Yoga's would see a subscription operation and subscribe again.
        if (fanout) fanout.execute = (message) => masked(graphqlExecute({ ...args, rootValue: message }));
        return args;
      },

      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,

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
