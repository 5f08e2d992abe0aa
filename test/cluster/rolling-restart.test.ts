/**
 * The deployment of the README's "Running several nodes", run whole: the server built
 * once, three nodes started from that build, nginx in front with deploy/nginx.conf (its
 * ports changed, nothing else), PostgreSQL and Redis. Then a rolling restart under
 * traffic: each node in turn gets SIGTERM, is started again from the same build, and is
 * given nginx's fail_timeout to be taken back, while a writer sends through nginx
 * (retrying a failed send with the same clientId) and subscribers listen through nginx
 * (resuming with `after` = the last message they have, as the web UI does).
 *
 * Needs DATABASE_URL=postgres://… and REDIS_URL, and nginx (Debian's `nginx` package):
 * without nginx the suite is skipped, except under CI=true, where it fails.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SHUTDOWN_DEADLINE_MS } from '../../server/limits.js';
import { type Database, REDIS_URL, postgresDatabase, uniqueRedisPrefix } from '../helpers/backends.js';
import { MESSAGE_FIELDS, type Message, type Session, gqlResponse, history, signUp } from '../helpers/http.js';
import { upgradeStatus } from '../helpers/ws.js';
import { DeployedNode, type Nginx, ROOT, buildServer, nginxBinary, startNginx } from '../ops/deployment.js';
import { CLUSTER_BACKENDS, freePort } from './harness.js';

const NGINX = nginxBinary();
const CI = process.env.CI === 'true';
/** A compiled node took up to 20 s to answer /readyz on 2 cores under load; tsc takes a minute. */
const NODE_START_TIMEOUT_MS = 45_000;
const SETUP_TIMEOUT_MS = 360_000; // the build, then three nodes one after the other
/** nginx's fail_timeout in deploy/nginx.conf: how long a node it saw fail gets no new requests. */
const FAIL_TIMEOUT_MS =
  Number(/fail_timeout=(\d+)s/.exec(readFileSync(join(ROOT, 'deploy', 'nginx.conf'), 'utf8'))?.[1] ?? NaN) * 1_000;
/** Pause between a writer's sends (about 15 a second), and before a failed one is sent again. */
const SEND_EVERY_MS = 60;
const RETRY_AFTER_MS = 100;
/** A send that has not succeeded after this long, retries included, has failed. */
const SEND_GIVE_UP_MS = 20_000;
const RECONNECT_AFTER_MS = 100;
const SUBSCRIBERS = 6;

const ON_MESSAGE = `subscription($roomId: ID!, $after: ID) { messageAdded(roomId: $roomId, after: $after) { ${MESSAGE_FIELDS} } }`;
const SEND = `mutation($roomId: ID!, $text: String!, $clientId: ID) { sendMessage(roomId: $roomId, text: $text, clientId: $clientId) { ${MESSAGE_FIELDS} } }`;

/** A subscriber that, whenever its socket or subscription ends, reconnects and resumes after its last message. */
class ResumingSubscriber {
  readonly received: Message[] = [];
  private readonly seen = new Set<string>();
  duplicates = 0;
  outOfOrder = 0;
  reconnects = 0;
  /** From losing the connection to the next connection_ack, in ms. */
  readonly gaps: number[] = [];
  private client: Client | undefined;
  private lostAt = 0;
  private stopped = false;

  constructor(
    private readonly wsUrl: string,
    private readonly token: string,
    private readonly roomId: string,
    private after: string | undefined,
  ) {
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const client = createClient({
      url: this.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authToken: this.token },
      onNonLazyError: () => {}, // `closed` below
      on: {
        connected: () => {
          if (this.lostAt) this.gaps.push(performance.now() - this.lostAt);
          this.lostAt = 0;
        },
        closed: () => this.lost(client),
      },
    });
    this.client = client;
    client.subscribe<{ messageAdded: Message }>(
      { query: ON_MESSAGE, variables: { roomId: this.roomId, ...(this.after ? { after: this.after } : {}) } },
      {
        next: ({ data }) => data && this.add(data.messageAdded),
        error: () => this.lost(client),
        complete: () => this.lost(client),
      },
    );
  }

  private add(message: Message): void {
    if (this.seen.has(message.id)) {
      this.duplicates += 1;
      return;
    }
    const last = this.received.at(-1);
    if (last && Number(last.id) > Number(message.id)) this.outOfOrder += 1;
    this.seen.add(message.id);
    this.received.push(message);
    this.after = message.id;
  }

  private lost(client: Client): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    this.lostAt ||= performance.now();
    this.reconnects += 1;
    void client.dispose();
    setTimeout(() => this.connect(), RECONNECT_AFTER_MS);
  }

  has(ids: readonly string[]): boolean {
    return ids.every((id) => this.seen.has(id));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.dispose();
  }
}

interface Send {
  text: string;
  id: string | undefined;
  attempts: number;
  ms: number;
  errors: string[];
}

/** Sends `text` through `url` until it is acknowledged, always with one clientId. */
async function sendUntilAcknowledged(url: string, token: string, roomId: string, text: string): Promise<Send> {
  const clientId = randomUUID();
  const started = performance.now();
  const send: Send = { text, id: undefined, attempts: 0, ms: 0, errors: [] };
  while (performance.now() - started < SEND_GIVE_UP_MS) {
    send.attempts += 1;
    try {
      const result = await gqlResponse<{ sendMessage: Message }>(url, SEND, { roomId, text, clientId }, { token });
      if (result.data?.sendMessage) {
        send.id = result.data.sendMessage.id;
        break;
      }
      send.errors.push(`HTTP ${result.status} ${JSON.stringify(result.errors)}`);
    } catch (error) {
      send.errors.push((error as Error).message);
    }
    await sleep(RETRY_AFTER_MS);
  }
  send.ms = performance.now() - started;
  return send;
}

async function openSockets(node: DeployedNode): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  return Number(/^parley_open_sockets (\d+)/m.exec(text)?.[1] ?? NaN);
}

describe.runIf(CLUSTER_BACKENDS && (NGINX || CI))('three nodes behind nginx', () => {
  let build: { dir: string; remove(): void } | undefined;
  let database: Database | undefined;
  let nginx: Nginx | undefined;
  const nodes: DeployedNode[] = [];
  const redisPrefix = uniqueRedisPrefix();

  beforeAll(async () => {
    if (!NGINX) throw new Error('nginx is not installed (apt-get install nginx; .ci/run does): CI must run this suite');
    build = await buildServer();
    database = await postgresDatabase();
    const env = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      REDIS_URL: REDIS_URL!,
      REDIS_PREFIX: redisPrefix,
      TRUST_PROXY: 'on',
      WEB: '0',
      LOG_LEVEL: 'warn',
      // One machine's address for every client: the per-address limits would decide the test.
      RATE_LIMITS: 'off',
    };
    const ports = new Set<number>();
    while (ports.size < 4) ports.add(await freePort());
    const [listen, ...nodePorts] = [...ports];
    for (const [i, port] of nodePorts.entries()) nodes.push(new DeployedNode(`node ${i + 1}`, port, build.dir, env));
    for (const node of nodes) await node.start(NODE_START_TIMEOUT_MS);
    nginx = await startNginx(NGINX, listen!, nodePorts);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await database?.drop();
    build?.remove();
    const redis = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0 });
    redis.on('error', () => {});
    await redis.connect().catch(() => {});
    const keys = await redis.keys(`${redisPrefix}*`).catch(() => []);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }, 30_000);

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => console.error([nginx?.proc.tail(), ...nodes.map((n) => n.tail())].join('\n')));
  });

  it('serves GraphQL over HTTP, SSE and graphql-ws through nginx, across nodes, and refuses a foreign origin', async () => {
    const url = nginx!.url;
    const user = await signUp(url);
    const me = await gqlResponse<{ me: { id: string } }>(url, '{ me { id } }', {}, { token: user.token });
    expect(me.data?.me.id).toBe(user.user.id);
    expect(await upgradeStatus(`${url.replace('http', 'ws')}/graphql`, { origin: 'https://evil.example' })).toBe(403);

    // An SSE subscription through nginx hears a message sent to each node directly.
    const abort = new AbortController();
    const params = new URLSearchParams({ query: ON_MESSAGE, variables: JSON.stringify({ roomId: 'general' }) });
    const stream = await fetch(`${url}/graphql?${params}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${user.token}` },
      signal: abort.signal,
    });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    await reader.read(); // the stream is open
    const markers = nodes.map((n) => `sse via ${n.name} ${randomUUID()}`);
    let text = '';
    const reading = (async () => {
      while (!markers.every((m) => text.includes(m))) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    })();
    await sleep(200);
    for (const [i, node] of nodes.entries()) {
      const sent = await gqlResponse(node.url, SEND, { roomId: 'general', text: markers[i] }, { token: user.token });
      expect(sent.errors).toBeUndefined();
    }
    await Promise.race([reading, sleep(10_000)]);
    abort.abort();
    for (const marker of markers) expect(text).toContain(marker);

    // graphql-ws through nginx, likewise.
    const subscriber = new ResumingSubscriber(`${url.replace('http', 'ws')}/graphql`, user.token, 'general', undefined);
    try {
      const sent: string[] = [];
      await sleep(300);
      for (const node of nodes)
        sent.push((await sendUntilAcknowledged(node.url, user.token, 'general', `ws via ${node.name}`)).id!);
      for (let i = 0; i < 100 && !subscriber.has(sent); i++) await sleep(50);
      expect(subscriber.has(sent)).toBe(true);
    } finally {
      await subscriber.stop();
    }
    // nginx's access log names the node that served each request: all three served.
    const served = new Set([...nginx!.accessLog().matchAll(/upstream=127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])));
    for (const node of nodes) expect(served).toContain(node.port);
  }, 60_000);

  /**
   * A writer and SUBSCRIBERS subscribers through nginx while `disrupt` runs; then checks
   * that every send was acknowledged (retries allowed), stored once, and delivered to
   * every subscriber once and in order. Resolves to what it saw, for the figures.
   */
  async function underTraffic(label: string, disrupt: () => Promise<string>): Promise<void> {
    const url = nginx!.url;
    const wsUrl = `${url.replace('http', 'ws')}/graphql`;
    const writer = await signUp(url);
    const readers: Session[] = [await signUp(url), await signUp(url)];
    const room = await gqlResponse<{ createRoom: { id: string } }>(
      url,
      'mutation($name: String!) { createRoom(name: $name) { id } }',
      { name: `${label} ${randomUUID().slice(0, 8)}` },
      { token: writer.token },
    );
    const roomId = room.data!.createRoom.id;
    for (const reader of readers)
      await gqlResponse(
        url,
        'mutation($id: ID!) { joinRoom(id: $id) { id } }',
        { id: roomId },
        { token: reader.token },
      );
    const start = await sendUntilAcknowledged(url, writer.token, roomId, 'before');
    const subscribers = Array.from(
      { length: SUBSCRIBERS },
      (_, i) => new ResumingSubscriber(wsUrl, readers[i % readers.length]!.token, roomId, start.id!),
    );

    const sends: Send[] = [];
    let writing = true;
    const writing$ = (async () => {
      for (let i = 0; writing; i++) {
        sends.push(await sendUntilAcknowledged(url, writer.token, roomId, `${label} ${i}`));
        await sleep(SEND_EVERY_MS);
      }
    })();

    try {
      await sleep(1_000);
      const what = await disrupt();
      await sleep(1_000);
      writing = false;
      await writing$;

      const acknowledged = sends.filter((s) => s.id !== undefined).map((s) => s.id!);
      for (let i = 0; i < 200 && !subscribers.every((s) => s.has(acknowledged)); i++) await sleep(50);
      const stored = (await history(url, writer.token, roomId)).filter((m) => m.text.startsWith(`${label} `));
      const retried = sends.filter((s) => s.attempts > 1);
      console.log(
        `${label}: ${what}; ${sends.length} sends, ${retried.length} retried ` +
          `(${retried.map((s) => `${s.attempts - 1}x in ${Math.round(s.ms)} ms: ${s.errors[0]?.split('\n')[0]}`).join('; ') || 'none'}), ` +
          `slowest ${Math.round(Math.max(...sends.map((s) => s.ms)))} ms; subscribers reconnected ` +
          `${subscribers.map((s) => s.reconnects).join(',')} times, longest gap ` +
          `${Math.round(Math.max(0, ...subscribers.flatMap((s) => s.gaps)))} ms`,
      );

      expect(sends.filter((s) => s.id === undefined)).toEqual([]);
      // Stored once each: a retried send did not post twice.
      expect(stored.map((m) => m.text)).toEqual(sends.map((s) => s.text));
      expect(stored.map((m) => m.id)).toEqual(acknowledged);
      for (const subscriber of subscribers) {
        expect(subscriber.received.map((m) => m.id)).toEqual(acknowledged);
        expect(subscriber.duplicates).toBe(0);
        expect(subscriber.outOfOrder).toBe(0);
      }
      expect(Math.max(...subscribers.map((s) => s.reconnects))).toBeGreaterThan(0);
    } finally {
      writing = false;
      await writing$;
      await Promise.all(subscribers.map((s) => s.stop()));
    }
  }

  it('restarts every node in turn under traffic: nothing acknowledged lost or doubled, no send failing for good', async () => {
    await underTraffic('rolling', async () => {
      const steps: { node: string; sockets: number; exit: { code: number | null; ms: number }; startMs: number }[] = [];
      for (const node of nodes) {
        const sockets = await openSockets(node);
        const exit = await node.stop('SIGTERM');
        const startMs = await node.start(NODE_START_TIMEOUT_MS);
        steps.push({
          node: node.name,
          sockets,
          exit: { code: exit.code, ms: Math.round(exit.ms) },
          startMs: Math.round(startMs),
        });
        // nginx took the node out when it refused connections; it is tried again after fail_timeout.
        await sleep(FAIL_TIMEOUT_MS);
      }
      for (const step of steps) {
        expect(step.sockets, `${step.node} had sockets to move when it was stopped`).toBeGreaterThan(0);
        expect(step.exit.code, `${step.node} exited cleanly on SIGTERM`).toBe(0);
        expect(step.exit.ms).toBeLessThan(SHUTDOWN_DEADLINE_MS);
      }
      return JSON.stringify(steps);
    });
  }, 300_000);

  it('loses a node to kill -9 under traffic: its clients move on, nothing acknowledged lost or doubled', async () => {
    await underTraffic('killed', async () => {
      const sockets = await Promise.all(nodes.map(openSockets));
      const victim = nodes[sockets.indexOf(Math.max(...sockets))]!;
      expect(Math.max(...sockets)).toBeGreaterThan(0);
      const exit = await victim.stop('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      // Back after a while, as a supervisor would start it; its clients have moved on by then.
      await sleep(2_000);
      const startMs = await victim.start(NODE_START_TIMEOUT_MS);
      return `${victim.name} killed with ${sockets[nodes.indexOf(victim)]} sockets, started again in ${Math.round(startMs)} ms`;
    });
  }, 120_000);
});
