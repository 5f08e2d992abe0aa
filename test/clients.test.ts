import { ApolloClient, HttpLink, InMemoryCache, gql as apolloGql, split } from '@apollo/client/core';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient as createWsClient } from 'graphql-ws';
import { createClient } from 'graphql-sse';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, createRoom, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitOnline, waitUntil } from './helpers/wait.js';

const ON_MESSAGE = 'subscription($r: ID!) { messageAdded(roomId: $r) { text author { name } } }';
const SEND = 'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id } }';
type Added = { messageAdded: { text: string; author: { name: string } } };

/**
 * Third-party clients, as their users would write them: the graphql-sse client in both
 * modes of the GraphQL over SSE protocol (the README's "Clients" shows the same code).
 */
describe('the graphql-sse client', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let roomId: string;

  beforeAll(async () => {
    server = await startServer();
    [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    roomId = await createRoom(server.url, alice.token);
  });
  afterAll(() => server.stop());

  for (const singleConnection of [false, true]) {
    it(`subscribes and sends in ${singleConnection ? 'single connection' : 'distinct connections'} mode`, async () => {
      const client = createClient({
        url: `${server.url}/graphql/stream`,
        singleConnection,
        headers: { authorization: `Bearer ${bob.token}` },
        retryAttempts: 0,
      });
      try {
        const received: Added[] = [];
        const stream = client.iterate<Added>({ query: ON_MESSAGE, variables: { r: roomId } });
        const reading = (async () => {
          for await (const result of stream) {
            expect(result.errors).toBeUndefined();
            received.push(result.data!);
            if (received.length === 2) break;
          }
        })();
        await waitOnline(server.url, alice.token, roomId, bob.user.name);
        // A mutation over the same client, then one over plain HTTP.
        const sent = await new Promise<unknown>((resolve, reject) => {
          let value: unknown;
          client.subscribe(
            { query: SEND, variables: { r: roomId, t: `from sse ${String(singleConnection)}` } },
            { next: (v) => (value = v), error: reject, complete: () => resolve(value) },
          );
        });
        expect(sent).toMatchObject({ data: { sendMessage: { id: expect.any(String) } } });
        await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
          body: JSON.stringify({ query: SEND, variables: { r: roomId, t: 'from http' } }),
        });
        await reading;
        expect(received).toEqual([
          { messageAdded: { text: `from sse ${String(singleConnection)}`, author: { name: bob.user.name } } },
          { messageAdded: { text: 'from http', author: { name: alice.user.name } } },
        ]);
      } finally {
        client.dispose();
      }
    });
  }

  it('refuses a client without credentials with the API’s own error', async () => {
    const client = createClient({ url: `${server.url}/graphql/stream`, retryAttempts: 0 });
    try {
      const failure = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: ON_MESSAGE, variables: { r: roomId } },
          { next: (v) => resolve(v), error: resolve, complete: () => resolve('complete') },
        );
      });
      expect(JSON.stringify(failure)).toContain('UNAUTHENTICATED');
    } finally {
      client.dispose();
    }
  });
});

/** Apollo Client, as its docs set it up: HTTP for queries and mutations, graphql-ws for subscriptions. */
describe('Apollo Client', () => {
  let server: TestServer;
  let alice: Session;

  beforeAll(async () => {
    server = await startServer();
    alice = await signUp(server.url);
  });
  afterAll(() => server.stop());

  it('queries, mutates and subscribes', async () => {
    const wsClient = createWsClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authToken: alice.token },
      retryAttempts: 0,
    });
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: split(
        ({ query }) => {
          const definition = getMainDefinition(query);
          return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
        },
        new GraphQLWsLink(wsClient),
        new HttpLink({ uri: `${server.url}/graphql`, headers: { authorization: `Bearer ${alice.token}` } }),
      ),
    });
    try {
      const me = await client.query<{ me: { name: string } }>({ query: apolloGql('query { me { id name } }') });
      expect(me.data.me.name).toBe(alice.user.name);

      const received: string[] = [];
      const subscription = client
        .subscribe<Added>({ query: apolloGql(ON_MESSAGE), variables: { r: 'general' } })
        .subscribe({ next: ({ data }) => data && received.push(data.messageAdded.text) });
      await waitOnline(server.url, alice.token, 'general', alice.user.name);
      await client.mutate({ mutation: apolloGql(SEND), variables: { r: 'general', t: 'hello from Apollo' } });
      await waitUntil(() => received.includes('hello from Apollo'), { what: 'the message over Apollo' });
      subscription.unsubscribe();
    } finally {
      client.stop();
      await wsClient.dispose();
    }
  });
});
