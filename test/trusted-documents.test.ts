import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, codes, gql, sendMessage, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { gqlPersisted, persistedQuery, trustedHash } from './helpers/trusted.js';
import { openSocket, useSockets } from './helpers/ws.js';
import { waitUntil } from './helpers/wait.js';

let server: TestServer;
let alice: Session;
let ownOrigin: string;
beforeAll(async () => {
  server = await startServer();
  alice = await signUp(server.url);
  ownOrigin = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server?.stop());
const sockets = useSockets();

const cookie = (token: string) => `parley_session=${encodeURIComponent(token)}`;
const browser = () => ({ cookie: cookie(alice.token), origin: ownOrigin });
/** What a script in our origin would run with the cookie: not one of the web UI's operations. */
const STEAL = '{ me { id name } sessions { id device } accessTokens { id name } }';

describe('trusted documents: the cookie acts only in the web UI’s own operations', () => {
  it('runs a web UI operation sent as its hash alone, as the signed-in user', async () => {
    const result = await gqlPersisted(server.url, 'Viewer', {}, browser());
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      me: { __typename: 'User', id: alice.user.id, name: alice.user.name },
    });
  });

  it('answers a document sent as a hash with __typename on every object, as urql asks', async () => {
    const sent = await gqlPersisted<{ sendMessage: { __typename: string; id: string } }>(
      server.url,
      'SendMessage',
      { roomId: 'general', text: 'by hash' },
      browser(),
    );
    expect(sent.errors).toBeUndefined();
    expect(sent.data?.sendMessage.__typename).toBe('Message');
  });

  it('runs any other operation with the cookie as if signed out, and says why', async () => {
    const read = await gql(server.url, STEAL, {}, { headers: browser() });
    expect(codes(read)).toContain('UNAUTHENTICATED');
    const me = await gql<{ me: unknown }>(server.url, '{ me { id } }', {}, { headers: browser() });
    expect(me.data).toEqual({ me: null });
    const send = await gql(
      server.url,
      'mutation { sendMessage(roomId: "general", text: "from a script") { id } }',
      {},
      { headers: browser() },
    );
    expect(codes(send)).toEqual(['UNAUTHENTICATED']);
    expect(send.errors?.[0]?.message).toMatch(/cookie acts only in the web UI's own operations/);
    // Nothing was posted in alice's name.
    const texts = (
      await gql<{ room: { messages: { edges: { node: { text: string } }[] } } }>(
        server.url,
        '{ room(id: "general") { messages(last: 20) { edges { node { text } } } } }',
        {},
        { token: alice.token },
      )
    ).data!.room.messages.edges.map((e) => e.node.text);
    expect(texts).toContain('by hash');
    expect(texts).not.toContain('from a script');
  });

  it('runs any operation for a Bearer token, and for GraphiQL’s headers beside the cookie', async () => {
    const bearer = await gql(server.url, STEAL, {}, { token: alice.token });
    expect(bearer.errors).toBeUndefined();
    const graphiql = await gql(
      server.url,
      STEAL,
      {},
      {
        headers: browser(),
        extensions: { headers: { Authorization: `Bearer ${alice.token}` } },
      },
    );
    expect(graphiql.errors).toBeUndefined();
    expect((graphiql.data as { me: { id: string } }).me.id).toBe(alice.user.id);
  });

  it('lets anyone without credentials run any operation (signing up, reading the public schema)', async () => {
    const result = await gql<{ __schema: { queryType: { name: string } } }>(
      server.url,
      '{ __schema { queryType { name } } }',
    );
    expect(result.data?.__schema.queryType.name).toBe('Query');
  });

  it('refuses an unknown hash with NOT_FOUND and a reason', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...browser() },
      body: JSON.stringify({ extensions: persistedQuery('0'.repeat(64)) }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('NOT_FOUND');
    expect(body.errors[0]!.message).toMatch(/reload/);
  });

  it('applies the same rule on a WebSocket opened with the cookie', async () => {
    const socket = openSocket(server.wsUrl, { headers: { Origin: ownOrigin, Cookie: cookie(alice.token) } });
    try {
      await socket.connected;
      // A web UI subscription by hash: live as alice (her own typing is filtered out, so
      // bob types).
      type Typing = { roomTyping: { count: number; users: { name: string }[] } };
      const typing = socket.subscribe<Typing>('', { roomId: 'general' }, persistedQuery(trustedHash('RoomTyping')));
      const bob = await signUp(server.url);
      const bobSocket = await sockets(server.wsUrl, bob.token);
      await waitUntil(
        async () => {
          await bobSocket.request('mutation { setTyping(roomId: "general", isTyping: true) }');
          return typing.items.some((i) => i.roomTyping.count > 0);
        },
        { what: 'bob typing, seen on the cookie socket' },
      );
      expect(typing.items.find((i) => i.roomTyping.count > 0)).toMatchObject({
        roomTyping: { count: 1, users: [{ name: bob.user.name }] },
      });
      typing.dispose();
      // Anything else on that socket runs signed out.
      expect((await socket.request('{ me { id } }')).data).toEqual({ me: null });
      const send = await socket.request('mutation { sendMessage(roomId: "general", text: "ws script") { id } }');
      expect(codes(send)).toEqual(['UNAUTHENTICATED']);
    } finally {
      await socket.close();
    }
  });

  it('runs any operation on a socket signed in by connection_init', async () => {
    const socket = await sockets(server.wsUrl, alice.token);
    const result = await socket.request(STEAL);
    expect(result.errors).toBeUndefined();
    await sendMessage(server.url, alice.token, 'general', 'still works');
  });
});
