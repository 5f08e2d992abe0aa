import { type OperationDefinitionNode, parse, validate } from 'graphql';
import { buildSchema } from '../server/graphql/schema.js';
import { GRAPHIQL_TABS } from '../server/graphql/yoga.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, createRoom, gqlResponse, sendMessage, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitOnline, waitUntil } from './helpers/wait.js';
import { openSocket } from './helpers/ws.js';

let server: TestServer;
let user: Session;
beforeAll(async () => {
  server = await startServer();
  user = await signUp(server.url);
});
afterAll(() => server?.stop());

/** The value of one sample line of the Prometheus text, e.g. `name{label="x"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const scrape = async () => {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
};

describe('probes', () => {
  it('answers /healthz with 200 while alive', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when the database and the pub/sub answer', async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ database: 'ok', pubsub: 'ok' });
  });

  it('answers /readyz with 503 naming the database when it is down', async () => {
    const broken = await startServer();
    try {
      await broken.app.services.store.close();
      const response = await fetch(`${broken.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ database: 'down', pubsub: 'ok' });
    } finally {
      await broken.stop();
    }
  });

  it('serves GraphiQL to a browser without credentials', async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/graphiql/i);
  });

  it('opens GraphiQL with tabs that follow the change feed, edit and react, all valid against the schema', async () => {
    const html = await (await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    const schema = buildSchema();
    const operations = GRAPHIQL_TABS.flatMap((tab) => {
      const document = parse(tab.query);
      expect(validate(schema, document)).toEqual([]);
      return document.definitions.map((d) => (d as OperationDefinitionNode).name?.value);
    });
    expect(operations).toEqual(expect.arrayContaining(['RoomEvents', 'EditMessage', 'AddReaction', 'SignUp']));
    for (const name of operations) expect(html).toContain(name);
  });

  it('answers other paths with 404 on an API-only node', async () => {
    const response = await fetch(`${server.url}/rooms/general`);
    expect(response.status).toBe(404);
    await response.text();
  });
});

describe('/metrics', () => {
  it('exposes the documented series', async () => {
    const text = await scrape();
    for (const name of [
      'parley_open_sockets',
      'parley_active_subscriptions',
      'parley_messages_sent_total',
      'parley_deliveries_total',
      'parley_delivery_latency_seconds',
      'parley_signal_frames_total',
      'parley_http_request_duration_seconds',
      'parley_rejected_total',
    ]) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
  });

  it('counts sockets, subscriptions, messages sent, deliveries and their latency', async () => {
    const roomId = await createRoom(server.url, user.token);
    const before = await scrape();
    const sent0 = sample(before, 'parley_messages_sent_total') ?? 0;
    const delivered0 = sample(before, 'parley_deliveries_total') ?? 0;
    const latency0 = sample(before, 'parley_delivery_latency_seconds_count') ?? 0;
    const sockets0 = sample(before, 'parley_open_sockets') ?? 0;

    const other = await signUp(server.url);
    const sockets = [user, other].map((u) => openSocket(server.wsUrl, { token: u.token }));
    const subs = sockets.map((s) =>
      s.subscribe(`subscription($r: ID!) { messageAdded(roomId: $r) { id } }`, { r: roomId }),
    );
    // A signal's frames are counted apart from messages: its opening picture is one.
    const typing0 = sample(before, 'parley_signal_frames_total{field="roomTyping"}') ?? 0;
    const typing = sockets[1]!.subscribe(`subscription($r: ID!) { roomTyping(roomId: $r) { count } }`, { r: roomId });
    await typing.waitFor(1);
    await waitOnline(server.url, user.token, roomId, user.user.name);
    await waitOnline(server.url, user.token, roomId, other.user.name);
    await sendMessage(server.url, user.token, roomId, 'counted');
    await Promise.all(subs.map((s) => s.waitFor(1)));

    const during = await scrape();
    expect(sample(during, 'parley_signal_frames_total{field="roomTyping"}')).toBe(typing0 + 1);
    expect(sample(during, 'parley_open_sockets')).toBe(sockets0 + 2);
    expect(sample(during, 'parley_active_subscriptions{field="messageAdded"}')).toBe(2);
    expect(sample(during, 'parley_messages_sent_total')).toBe(sent0 + 1);
    expect(sample(during, 'parley_deliveries_total')).toBe(delivered0 + 2);
    expect(sample(during, 'parley_delivery_latency_seconds_count')).toBeGreaterThan(latency0);

    await Promise.all(sockets.map((s) => s.close()));
    await waitUntil(async () => sample(await scrape(), 'parley_open_sockets') === sockets0, {
      what: 'open sockets back to where they were',
    });
    expect(sample(await scrape(), 'parley_active_subscriptions{field="messageAdded"}')).toBe(0);
  });

  it('times HTTP requests by route', async () => {
    const count = async () =>
      sample(await scrape(), 'parley_http_request_duration_seconds_count{route="/graphql"}') ?? 0;
    const before = await count();
    for (let i = 0; i < 3; i++) await gqlResponse(server.url, '{ __typename }');
    // Timed when the response has ended; the scrape itself counts under /metrics.
    await waitUntil(async () => (await count()) === before + 3, { what: 'three /graphql requests timed' });
    const text = await scrape();
    expect(sample(text, 'parley_http_request_duration_seconds_bucket{le="+Inf",route="/graphql"}')).toBe(before + 3);
    expect(sample(text, 'parley_http_request_duration_seconds_count{route="/metrics"}')).toBeGreaterThan(0);
  });
});
