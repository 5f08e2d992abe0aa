import { request } from 'node:http';
import { CloseCode } from 'graphql-ws';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  RATE_SIGN_IN,
  RATE_SUBSCRIBE,
  RATE_WS_CONNECT,
  WS_ADMIT_JITTER_MS,
  WS_CONNECTION_INIT_TIMEOUT_MS,
  WS_MAX_SOCKETS_PER_USER,
} from '../../server/limits.js';
import { PASSWORD, SIGN_IN, codes, gql, sendMessage, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { openRawSocket, openSocket, upgradeStatus } from '../helpers/ws.js';
import { type BareSocket, bareSocket, gauges, gaugesAtZero, inBatches, initialised, rejected } from './support.js';

/**
 * Connection floods and brute force: sockets that never speak are timed out, new
 * sockets and sign-ins are rate-limited per address (and a forged X-Forwarded-For does
 * not make a new address), and one user cannot hold more than WS_MAX_SOCKETS_PER_USER.
 */

const servers: TestServer[] = [];
async function server(overrides: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  const started = await startServer(overrides);
  servers.push(started);
  return started;
}
afterAll(() => Promise.all(servers.map((s) => s.stop())));

describe('connection floods', () => {
  it(`times out a flood of sockets that never send connection_init with 4408, and forgets them`, async () => {
    const s = await server();
    const started = performance.now();
    const codes = await inBatches(400, 400, async () => (await (await bareSocket(s.wsUrl)).closed).code);
    const elapsed = performance.now() - started;
    console.info(`[floods] 400 silent sockets: all closed in ${Math.round(elapsed)} ms`);
    expect(new Set(codes)).toEqual(new Set([CloseCode.ConnectionInitialisationTimeout]));
    expect(elapsed).toBeLessThan(WS_CONNECTION_INIT_TIMEOUT_MS + 3_000);
    await gaugesAtZero(s);
  });

  it(`refuses more than ${RATE_WS_CONNECT.points} new sockets per ${RATE_WS_CONNECT.durationS} s from one address with HTTP 429`, async () => {
    const s = await server({ rateLimits: true });
    // One socket opened before the flood stays up through it.
    const survivor = openSocket(s.wsUrl);
    await survivor.connected;
    const statuses = await inBatches(RATE_WS_CONNECT.points - 1, 16, (i) =>
      // A forged X-Forwarded-For is not an address of its own unless TRUST_PROXY is on.
      upgradeStatus(s.wsUrl, { 'x-forwarded-for': `203.0.113.${i % 250}` }),
    );
    expect(statuses).toEqual(Array(RATE_WS_CONNECT.points - 1).fill(101));
    await expect.poll(async () => (await gauges(s)).sockets).toBe(1); // the survivor
    const refused = await inBatches(20, 20, () => upgradeStatus(s.wsUrl, { 'x-forwarded-for': '198.51.100.7' }));
    expect(refused).toEqual(Array(20).fill(429));
    expect(await rejected(s, 'ws_connect_rate')).toBe(20);
    // Refused before `ws` took them: nothing was opened.
    expect((await gauges(s)).sockets).toBe(1);
    // The survivor still works.
    const me = await survivor.request<{ __typename: string }>('{ __typename }');
    expect(me.data?.__typename).toBe('Query');
    await survivor.close();
  });

  it('says when to come back (Retry-After) and counts per address behind a trusted proxy', async () => {
    const s = await server({ rateLimits: true, trustProxy: 1 });
    const from = (address: string) => ({ 'x-forwarded-for': address });
    for (let i = 0; i < RATE_WS_CONNECT.points; i++) expect(await upgradeStatus(s.wsUrl, from('192.0.2.1'))).toBe(101);
    // ws's client does not show the headers of a refusal: ask with node:http.
    const refused = await new Promise<{ status: number; retryAfter: number }>((resolve, reject) => {
      const req = request(`${s.url}/graphql`, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'sec-websocket-protocol': 'graphql-transport-ws',
          ...from('192.0.2.1'),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after']) });
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect(refused.retryAfter).toBeLessThanOrEqual(RATE_WS_CONNECT.durationS);
    // Another client behind the same proxy is not affected.
    expect(await upgradeStatus(s.wsUrl, from('192.0.2.2'))).toBe(101);
  });

  it("takes in a storm of new sockets at the node's admission rate, closing the rest with 1013 and when to come back", async () => {
    // One socket every 5 s past a burst of six: slow enough that none comes in mid-test.
    const turnMs = 5_000;
    const s = await server({ wsAdmission: { perSecond: 1_000 / turnMs, burst: 6 } });
    const survivor = openSocket(s.wsUrl); // opened before the storm: one of the six
    await survivor.connected;
    // A refused socket is opened and closed at once, so that a browser can read why.
    const storm = await Promise.all(Array.from({ length: 9 }, () => bareSocket(s.wsUrl)));
    const outcomes = await Promise.all(
      storm.map(async (socket) => {
        try {
          await initialised(socket);
          return null;
        } catch {
          return socket.closed;
        }
      }),
    );
    const refused = outcomes.filter((c) => c !== null);
    expect(refused).toHaveLength(4);
    const waits = refused.map((c) => {
      expect(c.code).toBe(1013);
      return Number(/retry after (\d+) ms/.exec(c.reason)?.[1]);
    });
    // Successive turns, each with up to WS_ADMIT_JITTER_MS of jitter.
    for (const [turn, wait] of [...waits].sort((a, b) => a - b).entries()) {
      expect(wait).toBeGreaterThanOrEqual(turn * turnMs);
      expect(wait).toBeLessThanOrEqual((turn + 1) * turnMs + WS_ADMIT_JITTER_MS);
    }
    expect(await rejected(s, 'ws_admission')).toBe(4);
    // Those let in work, and so does the socket that was there before.
    const typename = await survivor.request<{ __typename: string }>('{ __typename }');
    expect(typename.data?.__typename).toBe('Query');
    for (const [i, socket] of storm.entries()) if (outcomes[i] === null) socket.ws.close(1000);
    await survivor.close();
  });

  it('has no connection rate limit when RATE_LIMITS is off', async () => {
    const s = await server({ rateLimits: false });
    const statuses = await inBatches(RATE_WS_CONNECT.points + 20, 16, () => upgradeStatus(s.wsUrl));
    expect(new Set(statuses)).toEqual(new Set([101]));
  });
});

describe('resubscription', () => {
  it(`answers a socket that starts subscriptions past ${RATE_SUBSCRIBE.points} per ${RATE_SUBSCRIBE.durationS} s with RATE_LIMITED and when, and keeps it`, async () => {
    const s = await server({ rateLimits: true });
    const ada = await signUp(s.url);
    const socket = await bareSocket(s.wsUrl);
    await initialised(socket, ada.token);
    const subscribe = (id: string) =>
      socket.ws.send(
        JSON.stringify({
          id,
          type: 'subscribe',
          payload: { query: 'subscription { messageAdded(roomId: "general") { id } }' },
        }),
      );
    // Subscribing and giving up at once, in a loop: each costs the node a subscription.
    for (let i = 1; i <= RATE_SUBSCRIBE.points; i++) {
      subscribe(`s${i}`);
      socket.ws.send(JSON.stringify({ id: `s${i}`, type: 'complete' }));
    }
    subscribe('over');
    const refusal = JSON.parse(await socket.until((m) => m.includes('"id":"over"'))) as {
      type: string;
      payload: { extensions: { code: string; retryAfterMs: number } }[];
    };
    expect(refusal.type).toBe('error');
    expect(refusal.payload[0]!.extensions.code).toBe('RATE_LIMITED');
    // One subscription's worth of the rate, about.
    const perSubscriptionMs = (RATE_SUBSCRIBE.durationS * 1000) / RATE_SUBSCRIBE.points;
    expect(refusal.payload[0]!.extensions.retryAfterMs).toBeGreaterThan(0);
    expect(refusal.payload[0]!.extensions.retryAfterMs).toBeLessThanOrEqual(Math.ceil(perSubscriptionMs));
    // Only that one was refused.
    expect(socket.received.filter((m) => m.includes('"type":"error"'))).toHaveLength(1);
    expect(await rejected(s, 'subscribe_rate')).toBe(1);
    // The socket is still up; once the wait is over, a subscription starts again.
    await new Promise((resolve) => setTimeout(resolve, refusal.payload[0]!.extensions.retryAfterMs + 50));
    subscribe('later');
    await sendMessage(s.url, ada.token, 'general', 'still here');
    await socket.until((m) => m.includes('"id":"later"') && m.includes('"type":"next"'));
    socket.ws.close(1000);
  });
});

describe('brute force', () => {
  it(`limits sign-ins per address to ${RATE_SIGN_IN.points} per ${RATE_SIGN_IN.durationS / 60} min, over HTTP and graphql-ws together`, async () => {
    const s = await server({ rateLimits: true });
    const victim = await signUp(s.url);
    const guess = (i: number) => ({ name: victim.user.name, password: `guess number ${i}` });
    // Half the guesses over HTTP (each with another forged X-Forwarded-For), half over a socket.
    const socket = openSocket(s.wsUrl);
    await socket.connected;
    const half = RATE_SIGN_IN.points / 2;
    for (let i = 0; i < half; i++) {
      const wrong = await gql(s.url, SIGN_IN, guess(i), { headers: { 'x-forwarded-for': `203.0.113.${i}` } });
      expect(codes(wrong), `guess ${i}`).toEqual(['UNAUTHENTICATED']);
    }
    for (let i = half; i < RATE_SIGN_IN.points; i++) {
      expect(codes(await socket.request(SIGN_IN, guess(i))), `guess ${i}`).toEqual(['UNAUTHENTICATED']);
    }
    // The next attempt is refused on either transport, the right password included.
    const overHttp = await gql(s.url, SIGN_IN, { name: victim.user.name, password: PASSWORD });
    expect(codes(overHttp)).toEqual(['RATE_LIMITED']);
    expect(overHttp.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
    expect(codes(await socket.request(SIGN_IN, { name: victim.user.name, password: PASSWORD }))).toEqual([
      'RATE_LIMITED',
    ]);
    await socket.close();
  });
});

describe('sockets per user', () => {
  it(`closes a user's socket past ${WS_MAX_SOCKETS_PER_USER} with 4403 and a reason; others are unaffected`, async () => {
    const s = await server({ rateLimits: true });
    const [ada, bob] = await Promise.all([signUp(s.url), signUp(s.url)]);
    const held: BareSocket[] = [];
    for (let i = 0; i < WS_MAX_SOCKETS_PER_USER; i++) {
      const socket = await bareSocket(s.wsUrl);
      await initialised(socket, ada.token);
      held.push(socket);
    }
    // The next one, with graphql-ws's own client: refused with 4403 and a reason that says why.
    const extra = openSocket(s.wsUrl, { token: ada.token });
    const closed = await extra.closed;
    expect(closed.code).toBe(CloseCode.Forbidden);
    expect(closed.reason).toMatch(/too many sockets/i);
    expect(await rejected(s, 'sockets_per_user')).toBe(1);
    // Another user is not affected, nor are the sockets already open.
    const other = openSocket(s.wsUrl, { token: bob.token });
    await other.connected;
    await other.close();
    held[0]!.ws.send(JSON.stringify({ type: 'ping' }));
    await held[0]!.until((m) => m.includes('"pong"'));
    // Closing one frees its place.
    held.pop()!.ws.close(1000);
    await expect.poll(async () => (await gauges(s)).sockets).toBe(WS_MAX_SOCKETS_PER_USER - 1);
    const again = await bareSocket(s.wsUrl);
    await initialised(again, ada.token);
    held.push(again);
    for (const socket of held) socket.ws.close(1000);
    await gaugesAtZero(s);
  });

  it('does not count a socket that went away while its connection_init was being checked', async () => {
    const s = await server({ rateLimits: true });
    const ada = await signUp(s.url);
    // A slow token lookup: each socket is gone before it answers.
    const { sessions } = s.app.services;
    const authenticate = sessions.authenticate.bind(sessions);
    let lookups = 0;
    const spy = vi.spyOn(sessions, 'authenticate').mockImplementation(async (token) => {
      lookups += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return authenticate(token);
    });
    try {
      await inBatches(WS_MAX_SOCKETS_PER_USER + 10, 10, async () => {
        const socket = await openRawSocket(s.wsUrl);
        socket.send({ type: 'connection_init', payload: { authToken: ada.token } });
        await new Promise((resolve) => setTimeout(resolve, 20));
        socket.ws.close(1000);
        await socket.closed;
      });
      await gaugesAtZero(s);
      await expect.poll(() => lookups).toBe(WS_MAX_SOCKETS_PER_USER + 10);
      await new Promise((resolve) => setTimeout(resolve, 150)); // the last lookups finish
    } finally {
      spy.mockRestore();
    }
    const held = await inBatches(WS_MAX_SOCKETS_PER_USER, 5, async () => {
      const socket = await bareSocket(s.wsUrl);
      await initialised(socket, ada.token);
      return socket;
    });
    expect(held).toHaveLength(WS_MAX_SOCKETS_PER_USER);
    for (const socket of held) socket.ws.close(1000);
    await gaugesAtZero(s);
  });

  it('lifts the cap with the rate limits (RATE_LIMITS=off, for benchmarks)', async () => {
    const s = await server({ rateLimits: false });
    const ada = await signUp(s.url);
    const held = await inBatches(WS_MAX_SOCKETS_PER_USER + 5, 10, async () => {
      const socket = await bareSocket(s.wsUrl);
      await initialised(socket, ada.token);
      return socket;
    });
    expect((await gauges(s)).sockets).toBe(WS_MAX_SOCKETS_PER_USER + 5);
    for (const socket of held) socket.ws.close(1000);
    await gaugesAtZero(s);
  });
});
