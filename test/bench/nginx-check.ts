/**
 * By hand, against a deployment you started yourself (README "Running several nodes");
 * test/cluster/rolling-restart.test.ts runs the same checks in CI on nodes and an nginx
 * it starts itself, plus a rolling restart. This one adds the web UI through nginx
 * (the test's nodes are API only) and the latency figures the README quotes.
 *
 * Several nodes behind nginx (deploy/nginx.conf; README "Running several nodes"): checks
 * the web UI, GraphQL over HTTP, SSE and graphql-ws through the proxy, that a message
 * sent on one node reaches a subscriber on another, and measures that delivery latency.
 * Which node a socket landed on is read from the nodes' own /metrics
 * (`parley_open_sockets`), so nothing else may hold sockets on them meanwhile.
 *
 *   npx tsx test/bench/nginx-check.ts
 *   KILL_NODE='kill -9 $(cat /tmp/parley/node-{port}.pid)' npx tsx test/bench/nginx-check.ts
 *
 * PUBLIC_URL (http://localhost:8080) is nginx; NODES (http://127.0.0.1:4001,…4002,…4003)
 * the nodes themselves. MESSAGES (300; 0 skips the latency runs) are sent at RATE (10) a
 * second, spread over enough users to stay under RATE_SEND_MESSAGE: once with both ends
 * through nginx on different nodes, once with both connected to those nodes directly.
 * With KILL_NODE, a shell command with `{port}`, it then kills the subscriber's node
 * mid-stream and checks that the client reconnects through nginx and misses nothing.
 * Needs 2 users plus 1 per 2.5 messages a second, nginx-check-1, -2…, signed up the first
 * time and in after that (RATE_SIGN_IN: 20 in 10 minutes per address).
 */
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

const PUBLIC_URL = process.env.PUBLIC_URL ?? 'http://localhost:8080';
const NODES = (process.env.NODES ?? 'http://127.0.0.1:4001,http://127.0.0.1:4002,http://127.0.0.1:4003').split(',');
const MESSAGES = Number(process.env.MESSAGES ?? 300);
const RATE = Number(process.env.RATE ?? 10);
const KILL_NODE = process.env.KILL_NODE;
const ROOM = 'general';
const PASSWORD = 'nginx check password';
const SENDERS = Math.max(1, Math.ceil(RATE / 2.5)); // RATE_SEND_MESSAGE is 30 per 10 s per user

const SEND =
  'mutation Send($roomId: ID!, $text: String!, $clientId: ID) { sendMessage(roomId: $roomId, text: $text, clientId: $clientId) { id } }';
const ON_MESSAGE =
  'subscription OnMessage($roomId: ID!, $after: ID) { messageAdded(roomId: $roomId, after: $after) { id text } }';

interface Message {
  id: string;
  text: string;
}

let failures = 0;
function check(ok: boolean, what: string): void {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

const wsUrl = (httpUrl: string) => `${httpUrl.replace(/^http/, 'ws')}/graphql`;
const portOf = (node: string) => new URL(node).port;

async function gql<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!body.data) throw new Error(`${response.status} ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * Signs `name` in, or up the first time: from one machine all traffic through nginx has
 * one address, and RATE_SIGN_UP allows it 10 sign-ups an hour across the cluster.
 */
async function session(name: string): Promise<string> {
  const variables = { name, password: PASSWORD };
  try {
    const data = await gql<{ signIn: { token: string } }>(
      PUBLIC_URL,
      'mutation SignIn($name: String!, $password: String!) { signIn(name: $name, password: $password) { token } }',
      variables,
    );
    return data.signIn.token;
  } catch (error) {
    if (String(error).includes('RATE_LIMITED')) throw error;
  }
  const data = await gql<{ signUp: { token: string } }>(
    PUBLIC_URL,
    'mutation SignUp($name: String!, $password: String!) { signUp(name: $name, password: $password) { token } }',
    variables,
  );
  return data.signUp.token;
}

/** `parley_open_sockets` of every node; a node that does not answer counts -1. */
async function openSockets(): Promise<number[]> {
  return Promise.all(
    NODES.map(async (node) => {
      try {
        const text = await (await fetch(`${node}/metrics`)).text();
        return Number(/^parley_open_sockets (\d+)/m.exec(text)?.[1] ?? -1);
      } catch {
        return -1;
      }
    }),
  );
}

/** A `ws` WebSocket whose upgrade carries a browser's Origin. */
function withOrigin(origin: string) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { origin } });
    }
  };
}

interface Socket {
  client: Client;
  /** Index in NODES of the node it is connected to. */
  node: number;
}

/** Opens a graphql-ws client at `url` and finds out which node took it. */
async function openSocket(url: string, token: string, retry = false): Promise<Socket> {
  const before = await openSockets();
  let connected!: () => void;
  let failed!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => ((connected = resolve), (failed = reject)));
  const client = createClient({
    url: wsUrl(url),
    webSocketImpl: withOrigin(new URL(PUBLIC_URL).origin),
    connectionParams: { authToken: token },
    lazy: false,
    retryAttempts: retry ? 1_000 : 0,
    retryWait: () => sleep(250),
    shouldRetry: () => retry,
    onNonLazyError: failed,
    on: { connected: () => connected(), closed: (event) => failed(event) },
  });
  await ready;
  for (let attempt = 0; attempt < 50; attempt++) {
    const after = await openSockets();
    const node = after.findIndex((n, i) => n === (before[i] ?? 0) + 1);
    if (node >= 0) return { client, node };
    await sleep(20);
  }
  throw new Error('could not tell which node took the socket');
}

/**
 * Opens sockets at `url` until one lands on a node not in `avoid`. The misses stay open
 * until then: nginx's least_conn would otherwise keep choosing the same node.
 */
async function openSocketAvoiding(url: string, token: string, avoid: number[]): Promise<Socket> {
  const misses: Socket[] = [];
  try {
    for (let attempt = 0; attempt < 8; attempt++) {
      const socket = await openSocket(url, token);
      if (!avoid.includes(socket.node)) return socket;
      misses.push(socket);
    }
  } finally {
    await Promise.all(misses.map((s) => s.client.dispose()));
    if (misses.length) await sleep(300); // the nodes count them closed before the next openSocket
  }
  throw new Error(`every socket through ${url} landed on node ${avoid.map((i) => NODES[i]).join(', ')}`);
}

function request<T>(client: Client, query: string, variables: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    let data: T | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (result) => (result.data ? (data = result.data as T) : reject(new Error(JSON.stringify(result.errors)))),
        error: reject,
        complete: () => (data ? resolve(data) : reject(new Error('no result'))),
      },
    );
  });
}

/** Subscribes to the room; `onMessage` gets every message with the time it arrived. */
function subscribe(client: Client, onMessage: (m: Message, at: number) => void, after?: string): () => void {
  return client.subscribe<{ messageAdded: Message }>(
    { query: ON_MESSAGE, variables: { roomId: ROOM, after } },
    {
      next: (result) => result.data && onMessage(result.data.messageAdded, performance.now()),
      error: (error) => console.error('subscription error', error),
      complete: () => {},
    },
  );
}

/** Resolves once `done()` holds, or after `ms`. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await sleep(10);
  return done();
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Sends MESSAGES at RATE round-robin over `senders`; latency is send-call to arrival at `subscriber`. */
async function measure(label: string, subscriber: Socket, senders: Socket[]): Promise<void> {
  if (MESSAGES === 0) return;
  const run = randomUUID().slice(0, 6);
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const stop = subscribe(subscriber.client, (m, at) => {
    const match = new RegExp(`^lat-${run}-(\\d+)$`).exec(m.text);
    const sent = match ? sentAt.get(Number(match[1])) : undefined;
    if (sent !== undefined) latencies.push(at - sent);
  });
  await sleep(500); // the subscription is live on the node
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    sentAt.set(i, performance.now());
    const sender = senders[i % senders.length]!;
    sends.push(request(sender.client, SEND, { roomId: ROOM, text: `lat-${run}-${i}` }));
  }
  const results = await Promise.allSettled(sends);
  const rejected = results.filter((r) => r.status === 'rejected');
  await until(() => latencies.length >= MESSAGES - rejected.length, 10_000);
  stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const on = [...new Set(senders.map((s) => portOf(NODES[s.node]!)))].join('+');
  console.log(
    `     ${label}: subscriber on :${portOf(NODES[subscriber.node]!)}, ${senders.length} senders on :${on}; ` +
      `${MESSAGES} sent at ${RATE}/s, ${rejected.length} rejected, ${latencies.length} delivered; ` +
      `p50 ${ms(percentile(sorted, 50))}, p90 ${ms(percentile(sorted, 90))}, p99 ${ms(percentile(sorted, 99))}, ` +
      `max ${ms(sorted.at(-1) ?? NaN)}`,
  );
  if (rejected[0]) console.log(`     first rejection: ${String((rejected[0] as PromiseRejectedResult).reason)}`);
  check(rejected.length === 0 && latencies.length === MESSAGES, `${label}: every message delivered across nodes`);
}

async function checkSse(token: string): Promise<void> {
  const marker = `sse-${randomUUID().slice(0, 8)}`;
  const params = new URLSearchParams({ query: ON_MESSAGE, variables: JSON.stringify({ roomId: ROOM }) });
  const abort = new AbortController();
  const response = await fetch(`${PUBLIC_URL}/graphql?${params}`, {
    headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value); // the stream is open
  await gql(PUBLIC_URL, SEND, { roomId: ROOM, text: marker }, token);
  const deadline = setTimeout(() => abort.abort(), 5_000);
  try {
    while (!text.includes(marker)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
  } catch {
    // aborted: reported below
  }
  clearTimeout(deadline);
  abort.abort();
  check(
    response.headers.get('content-type')?.startsWith('text/event-stream') === true && text.includes(marker),
    'SSE through nginx: an event-stream subscription receives a message sent over HTTP',
  );
}

async function upgradeStatus(url: string, origin: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl(url), 'graphql-transport-ws', { headers: { origin } });
    ws.once('open', () => (ws.close(), resolve(101)));
    ws.once('unexpected-response', (_req, res) => (res.resume(), ws.terminate(), resolve(res.statusCode ?? 0)));
    ws.once('error', () => resolve(0));
  });
}

async function failover(token: string, senderToken: string): Promise<void> {
  const { id: marker } = (
    await gql<{ sendMessage: Message }>(PUBLIC_URL, SEND, { roomId: ROOM, text: 'failover start' }, token)
  ).sendMessage;
  const subscriber = await openSocket(PUBLIC_URL, token, true);
  const port = portOf(NODES[subscriber.node]!);
  const received = new Map<string, number>(); // id -> times seen (a resumed subscription replays from `after`)
  let lastArrival = 0;
  let reconnected = 0;
  subscriber.client.on('connected', () => (reconnected = performance.now()));
  // graphql-ws re-subscribes with the same variables on reconnect: `after` = the marker
  // replays everything since, so the check is that nothing is missing, not duplicates.
  subscribe(
    subscriber.client,
    (m, at) => {
      received.set(m.id, (received.get(m.id) ?? 0) + 1);
      lastArrival = at;
    },
    marker,
  );
  await sleep(500);
  const sentIds: string[] = [];
  let sendErrors = 0;
  let killedAt = 0;
  for (let i = 0; i < 40; i++) {
    if (i === 10) {
      const command = KILL_NODE!.replaceAll('{port}', port);
      console.log(`     killing the subscriber's node :${port}: ${command}`);
      killedAt = performance.now();
      execSync(command, { stdio: 'inherit', shell: '/bin/bash' });
    }
    const clientId = randomUUID();
    for (let attempt = 0; ; attempt++) {
      try {
        const data = await gql<{ sendMessage: Message }>(
          PUBLIC_URL,
          SEND,
          { roomId: ROOM, text: `failover ${i}`, clientId },
          senderToken,
        );
        sentIds.push(data.sendMessage.id);
        break;
      } catch (error) {
        sendErrors++;
        if (attempt === 5) throw error;
        await sleep(250); // same clientId: a retry never duplicates
      }
    }
    await sleep(400); // under RATE_SEND_MESSAGE
  }
  const complete = await until(() => sentIds.every((id) => received.has(id)), 15_000);
  const now = await openSockets();
  const newNode = now.findIndex((n) => n === 1);
  console.log(
    `     sent ${sentIds.length} over HTTP through nginx (${sendErrors} failed attempts retried with the same clientId); ` +
      `subscriber reconnected ${reconnected > killedAt ? `${(reconnected - killedAt).toFixed(0)} ms after the kill` : 'never'}` +
      ` to :${newNode >= 0 ? portOf(NODES[newNode]!) : '?'}; last event ${(lastArrival - killedAt).toFixed(0)} ms after the kill`,
  );
  check(
    complete && newNode >= 0 && newNode !== subscriber.node,
    "failover: every message arrives after the subscriber's node died",
  );
  await subscriber.client.dispose();
}

async function main(): Promise<void> {
  console.log(`nginx ${PUBLIC_URL}, nodes ${NODES.join(' ')}`);
  const page = await fetch(`${PUBLIC_URL}/signin`);
  const html = await page.text();
  check(
    page.status === 200 && html.includes('<title>Sign in · Parley</title>'),
    'web UI through nginx: /signin renders',
  );
  check((await fetch(`${PUBLIC_URL}/readyz`)).status === 200, '/readyz through nginx: 200');

  const [subToken, senderToken, ...tokens] = await Promise.all(
    Array.from({ length: SENDERS + 2 }, (_, i) => session(`nginx-check-${i + 1}`)),
  );
  const me = await gql<{ me: { name: string } }>(PUBLIC_URL, '{ me { name } }', {}, subToken);
  check(me.me.name === 'nginx-check-1', 'GraphQL over HTTP through nginx: signIn (or signUp), then me with the token');

  const publicOrigin = new URL(PUBLIC_URL).origin;
  check(
    (await upgradeStatus(PUBLIC_URL, publicOrigin)) === 101,
    `WebSocket through nginx from Origin ${publicOrigin}: 101`,
  );
  const sameHost = `${new URL(PUBLIC_URL).protocol}//127.0.0.1:${new URL(PUBLIC_URL).port}`;
  check(
    (await upgradeStatus(sameHost, sameHost)) === 101,
    `WebSocket through nginx at ${sameHost} from that same origin (not in ALLOWED_ORIGINS): 101`,
  );
  check((await upgradeStatus(PUBLIC_URL, 'https://evil.example')) === 403, 'WebSocket from a foreign Origin: 403');

  await checkSse(senderToken!);

  // Through nginx, both ends: open the senders' sockets until they are on other nodes.
  const subscriber = await openSocket(PUBLIC_URL, subToken!);
  const senders: Socket[] = [];
  for (const token of tokens) senders.push(await openSocketAvoiding(PUBLIC_URL, token, [subscriber.node]));
  const probe = `probe-${randomUUID().slice(0, 8)}`;
  let seen = false;
  const stop = subscribe(subscriber.client, (m) => (seen ||= m.text === probe));
  await sleep(300);
  await request(senders[0]!.client, SEND, { roomId: ROOM, text: probe });
  check(
    await until(() => seen, 5_000),
    `graphql-ws through nginx: subscriber on :${portOf(NODES[subscriber.node]!)} receives a message sent ` +
      `through nginx on :${portOf(NODES[senders[0]!.node]!)}`,
  );
  stop();
  await measure('latency, all through nginx', subscriber, senders);
  await Promise.all([subscriber.client.dispose(), ...senders.map((s) => s.client.dispose())]);

  // Both ends direct to the nodes, same placement: what nginx adds.
  await sleep(500);
  const direct = await openSocket(NODES[subscriber.node]!, subToken!);
  const directSenders: Socket[] = [];
  for (const [i, token] of tokens.entries()) {
    const others = NODES.filter((_, n) => n !== subscriber.node);
    directSenders.push(await openSocket(others[i % others.length]!, token));
  }
  await measure('latency, direct to the nodes', direct, directSenders);
  await Promise.all([direct.client.dispose(), ...directSenders.map((s) => s.client.dispose())]);

  if (KILL_NODE) {
    for (let i = 0; i < 100 && (await openSockets()).some((n) => n > 0); i++) await sleep(30);
    await failover(subToken!, senderToken!);
  }
  console.log(failures ? `${failures} check(s) FAILED` : 'all checks passed');
  process.exit(failures ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
