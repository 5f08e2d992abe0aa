import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, gqlResponse, sendMessage, signIn, signUp, uniqueName } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitUntil } from './helpers/wait.js';
import { openSocket, upgradeStatus } from './helpers/ws.js';

/** Every line the server logs, parsed; at debug level, the most it ever says. */
const lines: Record<string, unknown>[] = [];
const raw: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ logLevel: 'debug' }, { log: pino({ level: 'debug' }, sink) });
});
afterAll(() => server?.stop());

describe('logs', () => {
  it('never hold a token or a password, whatever the transport, at debug level', async () => {
    const name = uniqueName('logged');
    const password = `${PASSWORD}-never-logged`;
    const alice = await signUp(server.url, name, password);
    const again = await signIn(server.url, name, password);
    // A wrong password and a bad token are logged (or not) without what was tried.
    const wrong = await gqlResponse(
      server.url,
      'mutation { signIn(name: "x1", password: "wrong-password-42") { token } }',
    );
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await gqlResponse(server.url, '{ me { id } }', {}, { token: 'not-a-real-token-0123456789' });
    // Cookie, extensions.headers, connection_init and an upgrade refused for its origin.
    await gqlResponse(server.url, '{ me { id } }', {}, { headers: { cookie: `parley_session=${alice.token}` } });
    await gqlResponse(
      server.url,
      '{ me { id } }',
      {},
      { extensions: { headers: { Authorization: `Bearer ${again.token}` } } },
    );
    const socket = openSocket(server.wsUrl, { token: alice.token });
    await socket.connected;
    await socket.request('mutation { sendMessage(roomId: "general", text: "hello logs") { id } }');
    expect(
      await upgradeStatus(server.wsUrl, { origin: 'https://evil.example', cookie: `parley_session=${alice.token}` }),
    ).toBe(403);
    await sendMessage(server.url, again.token, 'general', 'over HTTP');
    await gqlResponse(server.url, 'mutation { signOut }', {}, { token: again.token });
    await socket.close();
    await waitUntil(() => lines.some((l) => l.msg === 'socket closed'), { what: 'the socket close logged' });

    const text = raw.join('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of [alice.token, again.token, password, 'wrong-password-42', 'not-a-real-token-0123456789']) {
      expect(text.includes(secret), `a log line holds ${secret.slice(0, 6)}…`).toBe(false);
    }
  });

  it('tie each request to its log lines with an id, the proxy’s own when it sent one', async () => {
    const mine = await gqlResponse(server.url, '{ __typename }');
    expect(mine.status).toBe(200);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'edge-4f2a9c' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('edge-4f2a9c');
    // An id that does not look like one is replaced, not copied into the logs.
    const odd = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': '<script>alert(1)</script>' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const replaced = odd.headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    await waitUntil(() => lines.some((l) => l.reqId === replaced), { what: 'the replaced id logged' });
    const logged = lines.filter((l) => l.msg === 'request' && l.path === '/graphql');
    expect(logged.some((l) => l.reqId === 'edge-4f2a9c' && l.status === 200 && l.method === 'POST')).toBe(true);
    expect(raw.join('\n')).not.toContain('<script>');
  });

  it('tie each socket to its log lines with a connection id', async () => {
    const user = await signUp(server.url);
    const socket = openSocket(server.wsUrl, { token: user.token });
    await socket.connected;
    await socket.close();
    await waitUntil(() => lines.filter((l) => l.msg === 'socket closed').length >= 2, {
      what: 'a second close logged',
    });
    const opened = lines.filter((l) => l.msg === 'socket opened');
    const closed = lines.filter((l) => l.msg === 'socket closed');
    const last = closed.at(-1)!;
    expect(last.connId).toMatch(/^[0-9a-f-]{36}$/);
    expect(last.code).toBe(1000);
    // Opened with the id of the upgrade request that made it.
    const open = opened.find((l) => l.connId === last.connId);
    expect(open?.reqId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
