import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Authenticated } from '../auth/sessions.js';
import { SESSION_COOKIE, authorizationToken, bearerToken, cookieValue } from '../auth/tokens.js';
import { clientAddress, originAllowed, requestOrigin } from '../http/origin.js';
import { connectionId, requestId } from '../http/request-id.js';
import type { FanoutTarget } from '../realtime/fanout.js';
import type { KnownStanding } from '../realtime/viewer-rooms.js';
import type { UpgradeRequest } from '../http/upgrade.js';
import type { Services } from '../services.js';
import type { UserRow } from '../store/index.js';

export interface GraphQLContext {
  readonly services: Services;
  /** The signed-in user, or null. */
  readonly viewer: UserRow | null;
  /** Hash of the token that proved `viewer`; what `signOut` revokes. */
  readonly tokenHash: string | null;
  readonly clientAddress: string;
  /** What the client says it is (User-Agent), for the sessions it signs in. */
  readonly device?: string;
  /** Where an HTTP request came to (or PUBLIC_URL), for the absolute URLs it is given. */
  readonly origin?: string;
  /**
   * The request brought a valid session cookie, which this operation may not use: it is
   * not one of the web UI's trusted documents, so it runs signed out.
   */
  readonly cookieSetAside?: boolean;
  /** The WebSocket the operation came in on, if it did. */
  readonly socket?: WebSocket;
  /** Set for subscriptions over graphql-ws: lets `messageAdded` take the shared fan-out path. */
  readonly fanout?: FanoutTarget;
  /**
   * What this node already knows of the viewer's standing in a room, for answering a
   * subscriber's own fields without the store: undefined when it does not know.
   */
  readonly known?: (roomId: string) => KnownStanding | null | undefined;
  /**
   * The logger for this operation: its lines carry the request id (HTTP) or the
   * connection id (WebSocket). Made when first used: most operations never log.
   */
  readonly log: Logger;
}

/** What the WebSocket transport hands Yoga for each operation (see realtime/graphql-ws.ts). */
export interface SocketOperationContext {
  readonly socketAuth: Authenticated | null;
  /** `socketAuth` came from the upgrade's session cookie, not from `connection_init`. */
  readonly socketAuthByCookie: boolean;
  readonly upgrade: UpgradeRequest;
  readonly ws: WebSocket;
  readonly fanout?: FanoutTarget;
}

interface InitialContext {
  req?: IncomingMessage;
  request?: Request;
  params?: { query?: string; extensions?: Record<string, unknown> | null };
  wsOperation?: SocketOperationContext;
}

/** `extensions.headers.Authorization`: how Yoga's GraphiQL sends its headers tab. */
function extensionToken(params: InitialContext['params']): string | undefined {
  const headers = params?.extensions?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  return authorizationToken(headers as Record<string, unknown>) ?? undefined;
}

interface Identity {
  auth: Authenticated | null;
  /** A valid session cookie came with an operation it may not act in. */
  cookieSetAside?: boolean;
}

async function httpIdentity(services: Services, initial: InitialContext): Promise<Identity> {
  const headers = initial.req?.headers ?? {};
  const header = initial.request?.headers.get('authorization') ?? headers.authorization;
  const bearer = bearerToken(header);
  if (bearer) return { auth: (await services.sessions.authenticate(bearer)) ?? null };
  // The cookie acts for the user only on requests from an allowed origin (CSRF), and
  // only in the web UI's own operations (trusted documents).
  const cookie = cookieValue(headers.cookie, SESSION_COOKIE);
  if (cookie && originAllowed(headers, services.config)) {
    const session = await services.sessions.authenticate(cookie);
    if (session) return byCookie(services, session, initial.params);
  }
  return { auth: null };
}

function byCookie(services: Services, auth: Authenticated, params: InitialContext['params']): Identity {
  return services.trustedDocuments.has(params?.query) ? { auth } : { auth: null, cookieSetAside: true };
}

function socketIdentity(services: Services, initial: InitialContext): Identity {
  const { socketAuth, socketAuthByCookie } = initial.wsOperation!;
  return socketAuth && socketAuthByCookie ? byCookie(services, socketAuth, initial.params) : { auth: socketAuth };
}

/** Builds the per-operation context from whatever transport the operation came in on. */
export async function createContext(services: Services, initial: InitialContext): Promise<GraphQLContext> {
  const req = initial.wsOperation?.upgrade ?? initial.req;
  const headers = req?.headers ?? {};
  const address =
    (initial.wsOperation ? undefined : services.internal.clientOf(headers)) ??
    clientAddress(headers, req?.socket.remoteAddress, services.config);
  const { auth, cookieSetAside } = initial.wsOperation
    ? socketIdentity(services, initial)
    : await httpIdentity(services, initial);
  let identity = auth;
  if (!identity) {
    const token = extensionToken(initial.params);
    if (token) identity = (await services.sessions.authenticate(token)) ?? null;
  }
  const ws = initial.wsOperation?.ws;
  const httpReq = initial.req;
  let log: Logger | undefined;
  return {
    services,
    viewer: identity?.user ?? null,
    tokenHash: identity?.tokenHash ?? null,
    ...(cookieSetAside && !identity && { cookieSetAside }),
    clientAddress: address,
    // A socket keeps only the upgrade's headers it needs: no device for what it signs in.
    device: 'user-agent' in headers ? headers['user-agent'] : undefined,
    origin: httpReq ? requestOrigin(httpReq.headers, services.config) : services.config.publicUrl,
    ...(initial.wsOperation && { socket: ws, fanout: initial.wsOperation.fanout }),
    get log() {
      return (log ??= services.log.child(
        ws ? { connId: connectionId(ws) } : httpReq ? { reqId: requestId(httpReq) } : {},
      ));
    },
  };
}
