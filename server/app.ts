import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { Sessions } from './auth/sessions.js';
import { handleWebhook } from './integrations/http.js';
import { serveFile } from './files/http.js';
import { serveExport } from './account/export.js';
import { startFileSweep } from './files/sweep.js';
import { RoomAccess } from './rooms/access.js';
import type { Config } from './config.js';
import { GRAPHQL_SSE_ENDPOINT, createParleyYoga } from './graphql/yoga.js';
import { clientAddress, originAllowed } from './http/origin.js';
import { healthz, metrics as serveMetrics, readyz } from './http/probes.js';
import { InternalCalls } from './http/internal.js';
import { requestId } from './http/request-id.js';
import { LISTEN_BACKLOG, RATE_WS_CONNECT, WS_MAX_FRAME_BYTES } from './limits.js';
import { Admission, admissionCloseReason } from './transport/admission.js';
import { Metrics } from './metrics.js';
import { projectRoot } from './paths.js';
import { LocalPresence } from './presence/tracker.js';
import { RedisPresence } from './presence/redis-presence.js';
import { ACCESS_TOPIC, openPubSub } from './pubsub/index.js';
import { applyAccessEvent, onRoomChange } from './rooms/revoke.js';
import { connectRedis } from './pubsub/redis-client.js';
import { RateLimiter } from './rate-limit.js';
import { attachGraphQLWs } from './transport/graphql-ws.js';
import { FanoutRegistry } from './realtime/fanout.js';
import { ViewerRooms } from './realtime/viewer-rooms.js';
import { RoomHub } from './realtime/room-hub.js';
import type { Services } from './services.js';
import { openStore } from './store/index.js';
import { TrustedDocuments } from './graphql/trusted-documents.js';

export interface App {
  readonly services: Services;
  /** Listens on the configured port (0 picks a free one); resolves to the URL. */
  start(): Promise<{ url: string; port: number }>;
  /** Stops accepting, closes sockets and connections, and releases the store. */
  stop(): Promise<void>;
}

/** How often a shutdown looks whether the requests in flight have answered. */
const SHUTDOWN_POLL_MS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A request's path, without its query string (which never goes into a log). */
const pathOf = (url: string | undefined): string => (url ?? '/').split('?', 1)[0]!;

/** The `route` label of a request: its path when it is one of the API's, else `web`. */
const API_PATHS = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);
const route = (path: string): string => (API_PATHS.has(path) ? path : 'web');

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void> | void;

async function loadWeb(
  config: Config,
): Promise<{ handle: RequestHandler; upgrade: UpgradeHandler; close(): Promise<void> }> {
  const next = (await import('next')).default as unknown as typeof import('next').default;
  const web = next({ dev: config.dev, dir: join(projectRoot(), 'web'), hostname: config.host, port: config.port });
  await web.prepare();
  return {
    handle: web.getRequestHandler(),
    upgrade: web.getUpgradeHandler(),
    close: () => web.close(),
  };
}

/**
 * The web UI's server side (sign-in, server rendering) calls this process's own /graphql.
 * Each request handed to Next says where: the address and port it arrived on, which works
 * for any PORT (0 included) and HOST. Always overwritten, so a client cannot redirect
 * those calls, and the user's token with them, elsewhere.
 */
const SELF_ORIGIN_HEADER = 'x-parley-self';

function selfOrigin(req: IncomingMessage): string {
  const { localAddress = '127.0.0.1', localPort } = req.socket;
  const address = localAddress.startsWith('::ffff:') ? localAddress.slice('::ffff:'.length) : localAddress;
  return `http://${address.includes(':') ? `[${address}]` : address}:${localPort}`;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, headers = ''): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** Builds the whole server for `config`: one http.Server for the web UI, Yoga and graphql-ws. */
export async function buildApp(config: Config, log: Logger = pino({ level: config.logLevel })): Promise<App> {
  const store = openStore(config.databaseUrl);
  await store.migrate();
  const onPubSubError = (error: unknown) => log.error({ err: error }, 'pub/sub error');
  const pubsub = await openPubSub(config, onPubSubError);
  const hub = new RoomHub(store, pubsub, log, config.timings.typingExpiryMs);
  // Several nodes share presence and rate limits through Redis; one node keeps them in memory.
  const redis = config.redisUrl
    ? await connectRedis(config.redisUrl, (error) => log.error({ err: error }, 'Redis error'), { offlineQueue: false })
    : undefined;
  const presence = redis
    ? new RedisPresence(redis, config.redisPrefix, store, pubsub, onPubSubError)
    : new LocalPresence(pubsub, onPubSubError);
  const limiter = redis
    ? RateLimiter.shared(config.rateLimits, redis, config.redisPrefix)
    : new RateLimiter(config.rateLimits);
  const metrics = new Metrics();
  const fanout = new FanoutRegistry(hub, store, presence, metrics, log);
  const services: Services = {
    config,
    log,
    store,
    pubsub,
    hub,
    fanout,
    viewerRooms: new ViewerRooms(store, pubsub, hub, fanout, presence, metrics, log),
    presence,
    sessions: new Sessions(store, pubsub),
    roomAccess: new RoomAccess(store),
    limiter,
    metrics,
    internal: new InternalCalls(),
    trustedDocuments: TrustedDocuments.load(),
  };

  // Access taken back on any node, here too: through the pub/sub at once, and through
  // each served room's own changes (gaps filled from the store) should a notice be lost.
  const stopAccessEvents = await pubsub.subscribe(ACCESS_TOPIC, (event) => applyAccessEvent(services, event));
  hub.observeChanges((change) => onRoomChange(services, change));
  const stopFileSweep = startFileSweep(services);

  const yoga = createParleyYoga(services);
  const web = config.web ? await loadWeb(config) : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (path === '/graphql' || path === GRAPHQL_SSE_ENDPOINT) return yoga(req, res, { req, res });
    if (path.startsWith('/hooks/')) return handleWebhook(services, req, res, path);
    if (path.startsWith('/files/')) return serveFile(services, req, res, path);
    if (path.startsWith('/export/')) return serveExport(services, req, res, path);
    if (path === '/healthz') return healthz(res);
    if (path === '/readyz') return readyz(res, services);
    if (path === '/metrics') return serveMetrics(res, services);
    if (web) {
      req.headers[SELF_ORIGIN_HEADER] = selfOrigin(req);
      services.internal.stamp(req, clientAddress(req.headers, req.socket.remoteAddress, config));
      return web.handle(req, res);
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: this node serves the API only (WEB=0).\n');
  };

  // Requests that will answer (not SSE streams, which last): a shutdown waits for them.
  const busyRequests = new Set<ServerResponse>();
  let stopping = false;
  const server: Server = createServer((req, res) => {
    const reqId = requestId(req);
    const path = pathOf(req.url);
    res.setHeader('x-request-id', reqId);
    if (stopping) {
      // A keep-alive connection's next request, after SIGTERM: not run, and the
      // connection closed, so the client sends it again (to another node).
      res.writeHead(503, { connection: 'close', 'retry-after': '1', 'content-type': 'text/plain' });
      res.end('This node is shutting down.\n');
      return;
    }
    if (log.isLevelEnabled('debug')) {
      const started = performance.now();
      res.once('close', () =>
        log.debug(
          {
            reqId,
            method: req.method,
            path,
            status: res.statusCode,
            ms: Math.round(performance.now() - started),
          },
          'request',
        ),
      );
    }
    if (!req.headers.accept?.includes('text/event-stream')) {
      busyRequests.add(res);
      const done = services.metrics.httpDuration.startTimer({ route: route(path) });
      res.once('close', () => {
        busyRequests.delete(res);
        done();
      });
    }
    Promise.resolve(handle(req, res, path)).catch((error: unknown) => {
      log.error({ err: error, reqId, path }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal server error\n');
    });
  });

  // noServer: ws must not steal upgrades meant for Next's hot reload (next.js #64128).
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_FRAME_BYTES, perMessageDeflate: false });
  const graphqlWs = attachGraphQLWs(wss, yoga, services);
  const admission = new Admission(config.wsAdmission);
  /**
   * Past the node's admission rate the socket is opened and closed at once with 1013 and
   * when to come back: a browser sees nothing of a refused upgrade's status or headers,
   * but it reads a close code and reason.
   */
  const accept = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const retryAfterMs = admission.admit();
    if (retryAfterMs > 0) {
      services.metrics.rejected.inc({ reason: 'ws_admission' });
      return wss.handleUpgrade(req, socket, head, (ws) => ws.close(1013, admissionCloseReason(retryAfterMs)));
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  /**
   * Connection floods: new sockets per address are rate-limited before `ws` spends
   * anything on them (each costs a handshake, a socket and an init timer).
   */
  const acceptWithinRate = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node drops its error listener from an upgraded socket and `ws` adds its own only in
    // handleUpgrade: a reset while we wait must not become an uncaught 'error'.
    const onError = () => socket.destroy();
    socket.on('error', onError);
    let retryAfterMs: number;
    try {
      retryAfterMs = await services.limiter.attempt(
        'wsConnect',
        RATE_WS_CONNECT,
        clientAddress(req.headers, req.socket.remoteAddress, config),
      );
    } finally {
      socket.off('error', onError);
    }
    if (socket.destroyed) return;
    if (retryAfterMs > 0) {
      services.metrics.rejected.inc({ reason: 'ws_connect_rate' });
      const retryAfterS = Math.ceil(retryAfterMs / 1000);
      return refuseUpgrade(socket, 429, 'Too Many Requests', `Retry-After: ${retryAfterS}\r\n`);
    }
    accept(req, socket, head);
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = pathOf(req.url);
    if (path === '/graphql') {
      // Cross-site WebSocket hijacking: a page elsewhere must not ride the user's cookie.
      if (!originAllowed(req.headers, config)) {
        services.metrics.rejected.inc({ reason: 'origin' });
        log.warn({ reqId: requestId(req), origin: req.headers.origin }, 'refused a WebSocket from a foreign origin');
        return refuseUpgrade(socket, 403, 'Forbidden');
      }
      if (!config.rateLimits) return accept(req, socket, head);
      acceptWithinRate(req, socket, head).catch((error: unknown) => {
        log.error({ err: error, reqId: requestId(req) }, 'WebSocket upgrade failed');
        socket.destroy();
      });
      return;
    }
    if (web) return void web.upgrade(req, socket, head);
    refuseUpgrade(socket, 404, 'Not Found');
  });

  return {
    services,
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => {
          server.off('error', reject);
          const { port } = server.address() as AddressInfo;
          const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
          log.info({ port, web: Boolean(web) }, `Parley is listening on http://${host}:${port}`);
          resolve({ url: `http://${host}:${port}`, port });
        });
      }),

    async stop() {
      // Stop accepting; idle keep-alive connections go now, busy ones after their
      // response, and any request still to come on them is refused with 503.
      stopping = true;
      for (const res of busyRequests) if (!res.headersSent) res.setHeader('connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Sockets close with 1001 once their queries and mutations have answered, while
      // HTTP requests in flight finish; SSE streams never do, and are cut after that.
      const requestsDone = (async () => {
        const deadline = Date.now() + config.timings.shutdownDrainMs;
        while (busyRequests.size > 0 && Date.now() < deadline) await sleep(SHUTDOWN_POLL_MS);
      })();
      await Promise.all([graphqlWs.drain(config.timings.shutdownDrainMs), requestsDone]);
      await graphqlWs.dispose();
      server.closeAllConnections();
      await closed;
      await web?.close();
      await stopAccessEvents();
      await stopFileSweep();
      await services.hub.close();
      await services.presence.close();
      await services.sessions.close();
      redis?.disconnect();
      await pubsub.close();
      await store.close();
    },
  };
}
