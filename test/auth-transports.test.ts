import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, codes, gql, gqlResponse, onlineNames, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { gqlPersisted, persistedQuery, trustedHash } from './helpers/trusted.js';
import { waitOnline } from './helpers/wait.js';
import { openRawSocket, openSocket, upgradeStatus } from './helpers/ws.js';

let server: TestServer;
let alice: Session;
let ownOrigin: string;
beforeAll(async () => {
  server = await startServer();
  alice = await signUp(server.url);
  ownOrigin = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server?.stop());

const ME = '{ me { name } }';
const EVIL = 'https://evil.example';
const cookie = (token: string) => `parley_session=${encodeURIComponent(token)}`;

describe('credentials over HTTP', () => {
  it('knows the user by an Authorization: Bearer header', async () => {
    const result = await gql(server.url, ME, {}, { headers: { Authorization: `Bearer ${alice.token}` } });
    expect(result.data).toEqual({ me: { name: alice.user.name } });
  });

  it('knows the user by the session cookie from the server’s own origin or without Origin', async () => {
    // In the web UI's own operations (trusted-documents.test.ts has the rule).
    const variants: Record<string, string>[] = [
      { cookie: cookie(alice.token), origin: ownOrigin },
      { cookie: cookie(alice.token) },
    ];
    for (const headers of variants) {
      const result = await gqlPersisted<{ me: { name: string } }>(server.url, 'Viewer', {}, headers);
      expect(result.data?.me.name, JSON.stringify(headers)).toBe(alice.user.name);
    }
  });

  it('ignores the session cookie on a request from a foreign origin', async () => {
    const headers = { cookie: cookie(alice.token), origin: EVIL };
    expect((await gql(server.url, ME, {}, { headers })).data).toEqual({ me: null });
    const send = await gql(
      server.url,
      'mutation { sendMessage(roomId: "general", text: "csrf") { id } }',
      {},
      { headers },
    );
    expect(codes(send)).toEqual(['UNAUTHENTICATED']);
  });

  it('knows the user by extensions.headers.Authorization in the request body (GraphiQL)', async () => {
    const result = await gqlResponse(
      server.url,
      ME,
      {},
      {
        extensions: { headers: { Authorization: `Bearer ${alice.token}` } },
      },
    );
    expect(result.data).toEqual({ me: { name: alice.user.name } });
  });
});

describe('credentials over graphql-ws', () => {
  it('knows the user by connection_init { authToken }', async () => {
    const socket = openSocket(server.wsUrl, { connectionParams: { authToken: alice.token } });
    expect((await socket.request(ME)).data).toEqual({ me: { name: alice.user.name } });
    await socket.close();
  });

  it('knows the user by connection_init { Authorization: "Bearer …" }', async () => {
    const socket = openSocket(server.wsUrl, { connectionParams: { Authorization: `Bearer ${alice.token}` } });
    expect((await socket.request(ME)).data).toEqual({ me: { name: alice.user.name } });
    await socket.close();
  });

  it('closes with 4403 a socket whose connection_init names an unknown token', async () => {
    for (const connectionParams of [{ authToken: 'nope' }, { Authorization: 'Bearer nope' }]) {
      const socket = openSocket(server.wsUrl, { connectionParams });
      await expect(socket.connected).rejects.toThrow(/4403/);
      expect((await socket.closed).code).toBe(4403);
    }
  });

  it('lets a socket opened without credentials run operations that carry extensions.headers', async () => {
    const socket = await openRawSocket(server.wsUrl);
    socket.send({ type: 'connection_init', payload: {} });
    await socket.messages.waitFor((m) => m.some((x) => x.type === 'connection_ack'));
    socket.send({
      id: 'with-header',
      type: 'subscribe',
      payload: { query: ME, extensions: { headers: { Authorization: `Bearer ${alice.token}` } } },
    });
    socket.send({ id: 'without', type: 'subscribe', payload: { query: ME } });
    const done = await socket.messages.waitFor(
      (m) => m.filter((x) => x.type === 'complete' && (x.id === 'with-header' || x.id === 'without')).length === 2,
    );
    const next = (id: string) => done.find((x) => x.type === 'next' && x.id === id)?.payload;
    expect(next('with-header')).toEqual({ data: { me: { name: alice.user.name } } });
    expect(next('without')).toEqual({ data: { me: null } });

    // A subscription authenticated the same way counts the user online, so it is live as them.
    const bob = await signUp(server.url);
    expect(await onlineNames(server.url, bob.token, 'general')).not.toContain(alice.user.name);
    socket.send({
      id: 'sub',
      type: 'subscribe',
      payload: {
        query: 'subscription { presenceChanged(roomId: "general") { online } }',
        extensions: { headers: { Authorization: `Bearer ${alice.token}` } },
      },
    });
    await waitOnline(server.url, bob.token, 'general', alice.user.name);
    expect(socket.messages.items.filter((x) => x.type === 'error')).toEqual([]);
    socket.ws.close();
    await socket.closed;
  });

  it('refuses an upgrade from a foreign origin with 403 and accepts its own origin or none', async () => {
    expect(await upgradeStatus(server.wsUrl, { Origin: EVIL })).toBe(403);
    expect(await upgradeStatus(server.wsUrl, { Origin: ownOrigin })).toBe(101);
    expect(await upgradeStatus(server.wsUrl)).toBe(101);
  });

  it('refuses a foreign origin even when it carries a valid session cookie', async () => {
    expect(await upgradeStatus(server.wsUrl, { Origin: EVIL, Cookie: cookie(alice.token) })).toBe(403);
  });

  it('accepts an origin listed in ALLOWED_ORIGINS', async () => {
    const other = await startServer({ allowedOrigins: ['https://chat.example'] });
    try {
      expect(await upgradeStatus(other.wsUrl, { Origin: 'https://chat.example' })).toBe(101);
      expect(await upgradeStatus(other.wsUrl, { Origin: EVIL })).toBe(403);
    } finally {
      await other.stop();
    }
  });

  it('knows the user by the session cookie of an upgrade from an allowed origin', async () => {
    const socket = openSocket(server.wsUrl, { headers: { Origin: ownOrigin, Cookie: cookie(alice.token) } });
    const viewer = await new Promise<unknown>((resolve, reject) => {
      let data: unknown;
      socket.client.subscribe(
        { query: '', extensions: persistedQuery(trustedHash('Viewer')) },
        { next: (result) => (data = result.data), error: reject, complete: () => resolve(data) },
      );
    });
    expect(viewer).toMatchObject({ me: { name: alice.user.name } });
    await socket.close();
  });

  it('prefers connection_init credentials over the cookie', async () => {
    const bob = await signUp(server.url);
    const socket = openSocket(server.wsUrl, {
      token: bob.token,
      headers: { Origin: ownOrigin, Cookie: cookie(alice.token) },
    });
    expect((await socket.request(ME)).data).toEqual({ me: { name: bob.user.name } });
    await socket.close();
  });

  it('treats a socket without any credentials as signed out', async () => {
    const socket = openSocket(server.wsUrl);
    expect((await socket.request(ME)).data).toEqual({ me: null });
    const send = await socket.request('mutation { sendMessage(roomId: "general", text: "anon") { id } }');
    expect(codes(send)).toEqual(['UNAUTHENTICATED']);
    await socket.close();
  });
});

describe('impersonation', () => {
  it('lets nobody send, type or appear online as someone else', async () => {
    const bob = await signUp(server.url);
    const roomId = 'general';
    // No operation takes a user: naming one is a validation error, not a way in.
    const named = await gqlResponse(
      server.url,
      'mutation { sendMessage(roomId: "general", text: "as bob", author: "x") { id } }',
      {},
      { token: alice.token },
    );
    expect(codes(named)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    // Two identities on one request: the Bearer token decides, never the cookie beside it.
    const sent = await gql<{ sendMessage: { author: { name: string } } }>(
      server.url,
      'mutation($r: ID!) { sendMessage(roomId: $r, text: "who am I") { author { name } } }',
      { r: roomId },
      { token: alice.token, headers: { cookie: cookie(bob.token), origin: ownOrigin } },
    );
    expect(sent.data?.sendMessage.author.name).toBe(alice.user.name);
    // Over sockets, who types and who is online is the socket's own user.
    const watcher = openSocket(server.wsUrl, { token: bob.token });
    const typing = watcher.subscribe<{ userTyping: { user: { name: string } } }>(
      'subscription($r: ID!) { userTyping(roomId: $r) { user { name } } }',
      { r: roomId },
    );
    await waitOnline(server.url, bob.token, roomId, bob.user.name);
    const socket = openSocket(server.wsUrl, { token: alice.token });
    const presence = socket.subscribe('subscription($r: ID!) { presenceChanged(roomId: $r) { online } }', {
      r: roomId,
    });
    await waitOnline(server.url, bob.token, roomId, alice.user.name);
    await socket.request('mutation($r: ID!) { setTyping(roomId: $r, isTyping: true) }', { r: roomId });
    const [event] = await typing.waitFor(1);
    expect(event?.userTyping.user.name).toBe(alice.user.name);
    expect(await onlineNames(server.url, bob.token, roomId)).toEqual(
      [alice.user.name, bob.user.name].sort((a, b) => a.localeCompare(b)),
    );
    presence.dispose();
    await Promise.all([socket.close(), watcher.close()]);
  });
});
