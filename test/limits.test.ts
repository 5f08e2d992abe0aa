import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DELETE, EDIT, FULL_MESSAGE, REACT, UNREACT, change, send, snapshot } from './helpers/events.js';
import {
  HISTORY_PAGE_MAX,
  QUERY_MAX_ALIASES,
  QUERY_MAX_DEPTH,
  QUERY_MAX_DIRECTIVES,
  QUERY_MAX_TOKENS,
  RATE_CHANGE_MESSAGE,
  RATE_REACT,
  RATE_SEND_MESSAGE,
  RATE_SET_TYPING,
  RATE_SIGN_IN,
  RATE_SIGN_UP,
  WS_MAX_FRAME_BYTES,
} from '../server/limits.js';
import {
  PASSWORD,
  SIGN_IN,
  SIGN_UP,
  type GqlResult,
  type Session,
  codes,
  createRoom,
  gql,
  gqlResponse,
  signUp,
  uniqueName,
} from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { errorsOf, openRawSocket, openSocket } from './helpers/ws.js';

let server: TestServer;
let alice: Session;
let bob: Session;
beforeAll(async () => {
  server = await startServer({ rateLimits: true });
  [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
});
afterAll(() => server?.stop());

const SEND = 'mutation($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { id } }';
const TYPING = 'mutation($roomId: ID!) { setTyping(roomId: $roomId, isTyping: true) }';

function expectRateLimited(result: GqlResult, windowS: number) {
  expect(codes(result)).toEqual(['RATE_LIMITED']);
  const retryAfterMs = result.errors![0]!.extensions?.retryAfterMs;
  expect(typeof retryAfterMs).toBe('number');
  expect(retryAfterMs).toBeGreaterThan(0);
  expect(retryAfterMs).toBeLessThanOrEqual(windowS * 1000);
}

/**
 * The sign-up and sign-in limits are reached through 30 to 45 scrypt hashes (about 50 to
 * 100 ms each alone), which the suite's other files share the cores with: not a timing test.
 */
const SCRYPT_HEAVY_TIMEOUT_MS = 60_000;

describe('rate limits', () => {
  it('limits sendMessage per user and says when to retry', async () => {
    const roomId = await createRoom(server.url, alice.token);
    for (let i = 0; i < RATE_SEND_MESSAGE.points; i++) {
      const ok = await gql(server.url, SEND, { roomId, text: `m${i}` }, { token: alice.token });
      expect(ok.errors, `message ${i}`).toBeUndefined();
    }
    expectRateLimited(
      await gql(server.url, SEND, { roomId, text: 'one too many' }, { token: alice.token }),
      RATE_SEND_MESSAGE.durationS,
    );
    // Over the socket too: the limit is the user's, not the transport's.
    const socket = openSocket(server.wsUrl, { token: alice.token });
    expectRateLimited(await socket.request(SEND, { roomId, text: 'via ws' }), RATE_SEND_MESSAGE.durationS);
    await socket.close();
    // Another user is not affected.
    expect((await gql(server.url, SEND, { roomId, text: 'bob is fine' }, { token: bob.token })).errors).toBeUndefined();
  });

  it('limits setTyping per user', async () => {
    const roomId = await createRoom(server.url, bob.token);
    for (let i = 0; i < RATE_SET_TYPING.points; i++) {
      expect((await gql(server.url, TYPING, { roomId }, { token: bob.token })).errors, `call ${i}`).toBeUndefined();
    }
    expectRateLimited(await gql(server.url, TYPING, { roomId }, { token: bob.token }), RATE_SET_TYPING.durationS);
  });

  it('limits reactions, and edits with deletes, per user like sends; a refused one changes nothing', async () => {
    const carol = await signUp(server.url);
    const roomId = await createRoom(server.url, carol.token);
    const message = await send(server.url, carol.token, roomId, 'limit me');
    for (let i = 0; i < RATE_REACT.points; i++) {
      const result = await change(server.url, carol.token, i % 2 ? UNREACT : REACT, { id: message.id, emoji: '👍' });
      expect(result.errors, `toggle ${i}`).toBeUndefined();
    }
    const refused = await change(server.url, carol.token, REACT, { id: message.id, emoji: '🎉' });
    expectRateLimited(refused, RATE_REACT.durationS);
    for (let i = 0; i < RATE_CHANGE_MESSAGE.points; i++) {
      const result = await change(server.url, carol.token, EDIT, { id: message.id, text: `edit ${i}` });
      expect(result.errors, `edit ${i}`).toBeUndefined();
    }
    expectRateLimited(await change(server.url, carol.token, DELETE, { id: message.id }), RATE_CHANGE_MESSAGE.durationS);
    const { messages } = await snapshot(server.url, carol.token, roomId);
    expect(messages[0]).toMatchObject({
      text: `edit ${RATE_CHANGE_MESSAGE.points - 1}`,
      deletedAt: null,
      reactions: [],
    });
  });

  it(
    'limits signUp and signIn per address, wrong passwords included',
    async () => {
      const fresh = await startServer({ rateLimits: true });
      try {
        const names: string[] = [];
        for (let i = 0; i < RATE_SIGN_UP.points; i++) {
          names.push(uniqueName('rl'));
          const ok = await gql(fresh.url, SIGN_UP, { name: names[i], password: PASSWORD });
          expect(ok.errors, `sign-up ${i}`).toBeUndefined();
        }
        expectRateLimited(
          await gql(fresh.url, SIGN_UP, { name: uniqueName('rl'), password: PASSWORD }),
          RATE_SIGN_UP.durationS,
        );

        for (let i = 0; i < RATE_SIGN_IN.points; i++) {
          const wrong = await gql(fresh.url, SIGN_IN, { name: names[0], password: 'guessing wrong' });
          expect(codes(wrong), `guess ${i}`).toEqual(['UNAUTHENTICATED']);
        }
        expectRateLimited(
          await gql(fresh.url, SIGN_IN, { name: names[0], password: PASSWORD }),
          RATE_SIGN_IN.durationS,
        );
      } finally {
        await fresh.stop();
      }
    },
    SCRYPT_HEAVY_TIMEOUT_MS,
  );

  it(
    "counts the web UI's calls against each browser's address, and believes no one else who claims one",
    async () => {
      const fresh = await startServer({ rateLimits: true });
      try {
        // What server/app.ts puts on a request it hands to Next, which Next passes back.
        const vouched = (address: string) => {
          const req = { headers: {} } as IncomingMessage;
          fresh.app.services.internal.stamp(req, address);
          return req.headers as Record<string, string>;
        };
        const guess = (headers: Record<string, string>) =>
          gql(fresh.url, SIGN_IN, { name: 'nobody-here', password: 'guessing wrong' }, { headers });
        const first = vouched('203.0.113.1');
        for (let i = 0; i < RATE_SIGN_IN.points; i++) expect(codes(await guess(first))).toEqual(['UNAUTHENTICATED']);
        expectRateLimited(await guess(first), RATE_SIGN_IN.durationS);
        // Another browser behind the same web process is not held back by the first one.
        expect(codes(await guess(vouched('203.0.113.2')))).toEqual(['UNAUTHENTICATED']);
        // A client claiming an address without the key (or with a wrong one) is counted by
        // its own: these all land on 127.0.0.1, and run out together.
        const forged: Record<string, string>[] = [
          { 'x-parley-client': '198.51.100.1' },
          { 'x-parley-client': '198.51.100.2', 'x-parley-internal': 'AAAA' },
          {
            'x-parley-client': '198.51.100.3',
            'x-parley-internal': first['x-parley-internal']!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
          },
        ];
        for (let i = 0; i < RATE_SIGN_IN.points; i++) {
          expect(codes(await guess(forged[i % forged.length]!))).toEqual(['UNAUTHENTICATED']);
        }
        for (const headers of forged) expectRateLimited(await guess(headers), RATE_SIGN_IN.durationS);
      } finally {
        await fresh.stop();
      }
    },
    SCRYPT_HEAVY_TIMEOUT_MS,
  );

  it('has no limits when RATE_LIMITS is off', async () => {
    const open = await startServer({ rateLimits: false });
    try {
      const { token } = await signUp(open.url);
      const roomId = await createRoom(open.url, token);
      const results = await Promise.all(
        Array.from({ length: RATE_SEND_MESSAGE.points + 5 }, (_, i) =>
          gql(open.url, SEND, { roomId, text: `${i}` }, { token }),
        ),
      );
      expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
    } finally {
      await open.stop();
    }
  });
});

describe('document limits', () => {
  /** `{ rooms { ... on Room { … { id } } } }`, `depth` levels deep as graphql-armor counts. */
  const deep = (depth: number) => {
    const fragments = depth - 2;
    return `{ rooms { ${'... on Room { '.repeat(fragments)}id${' }'.repeat(fragments)} } }`;
  };
  // graphql-armor does not count `__typename` aliases, so these alias a real field.
  const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { name }`).join(' ')} }`;
  const directed = (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `t${i}: __typename @include(if: true)`).join(' ')} }`;
  /**
   * Exactly `n` lexer tokens within the other limits (QUERY_MAX_FIELDS and the cost
   * included): `{ me { … } }` (5) and `fragment F on User { __typename }` (7), then
   * k × `... on User { tK: __typename }` (8 each), s × `...F` (2 each) and j × `id`.
   */
  const tokens = (n: number) => {
    const k = Math.min(190, Math.floor((n - 12) / 8));
    const s = Math.floor((n - 12 - 8 * k) / 2);
    const j = n - 12 - 8 * k - 2 * s;
    const inline = Array.from({ length: k }, (_, i) => ` ... on User { t${i}: __typename }`).join('');
    return `{ me {${inline}${' ...F'.repeat(s)}${' id'.repeat(j)} } } fragment F on User { __typename }`;
  };

  async function rejected(query: string) {
    const result = await gqlResponse(server.url, query, {}, { token: alice.token });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.length).toBeGreaterThan(0);
    return result;
  }
  async function accepted(query: string) {
    const result = await gql(server.url, query, {}, { token: alice.token });
    expect(result.errors).toBeUndefined();
    // Every root field of the document was answered.
    const fields = Object.entries(result.data ?? {});
    expect(fields.length).toBeGreaterThan(0);
    for (const [, value] of fields) expect(value).not.toBeNull();
  }

  it(`rejects a query deeper than ${QUERY_MAX_DEPTH} levels and accepts one at the limit`, async () => {
    await accepted(deep(QUERY_MAX_DEPTH));
    const result = await rejected(deep(QUERY_MAX_DEPTH + 1));
    expect(result.errors![0]!.message).toMatch(/depth/i);
  });

  it(`rejects more than ${QUERY_MAX_ALIASES} aliases and accepts ${QUERY_MAX_ALIASES}`, async () => {
    await accepted(aliased(QUERY_MAX_ALIASES));
    expect((await rejected(aliased(QUERY_MAX_ALIASES + 1))).errors![0]!.message).toMatch(/alias/i);
  });

  it(`rejects more than ${QUERY_MAX_DIRECTIVES} directives`, async () => {
    await accepted(directed(QUERY_MAX_DIRECTIVES));
    expect((await rejected(directed(QUERY_MAX_DIRECTIVES + 1))).errors![0]!.message).toMatch(/directive/i);
  });

  it(`rejects a document of more than ${QUERY_MAX_TOKENS} tokens`, async () => {
    await accepted(tokens(QUERY_MAX_TOKENS));
    expect((await rejected(tokens(QUERY_MAX_TOKENS + 1))).errors![0]!.message).toMatch(/token/i);
  });

  it('prices a fragment spread like the same fields inline, so clients can share fragments', async () => {
    const page = (node: string) =>
      `{ room(id: "general") { id name messages(last: 50) { edges { cursor node { ${node} } } pageInfo { hasPreviousPage startCursor } } online { id name } } }`;
    const fields = 'id text createdAt author { id name }';
    await accepted(page(fields));
    await accepted(page(fields).replace('last: 50', `last: ${HISTORY_PAGE_MAX}`));
    await accepted(`${page('...M')} fragment M on Message { ${fields} }`);
    await accepted(
      `${page('...M')} fragment M on Message { ...N author { ...A } } fragment N on Message { id text createdAt } fragment A on User { id name }`,
    );
    await accepted(
      `${page('...M').replace('last: 50', `last: ${HISTORY_PAGE_MAX}`)} fragment M on Message { ...N author { ...A } } fragment N on Message { id text createdAt } fragment A on User { id name }`,
    );
    // The largest page a client legitimately asks for: everything a message shows.
    await accepted(`{ room(id: "general") { eventCursor messages(last: ${HISTORY_PAGE_MAX}) {
      edges { cursor node { ${FULL_MESSAGE} } } pageInfo { hasPreviousPage startCursor } } } }`);
    // The cost limit still holds, fragments or not: fifteen aliased pages of a hundred.
    const pages = (node: string) =>
      `{ room(id: "general") { ${Array.from({ length: 15 }, (_, i) => `p${i}: messages(last: 100) { edges { node { ${node} } } }`).join(' ')} } }`;
    expect((await rejected(pages(fields))).errors![0]!.message).toMatch(/cost/i);
    expect((await rejected(`${pages('...M')} fragment M on Message { ${fields} }`)).errors![0]!.message).toMatch(
      /cost/i,
    );
  });

  it('applies the same document limits over graphql-ws', async () => {
    const socket = openSocket(server.wsUrl, { token: alice.token });
    for (const query of [deep(QUERY_MAX_DEPTH + 1), aliased(QUERY_MAX_ALIASES + 1)]) {
      const result = await socket.request(query);
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.length).toBeGreaterThan(0);
    }
    const sub = socket.subscribe(
      `subscription { messageAdded(roomId: "general") { ${'... on Message { '.repeat(QUERY_MAX_DEPTH)}id${' }'.repeat(QUERY_MAX_DEPTH)} } }`,
    );
    expect(errorsOf(await sub.waitForError())[0]!.message).toMatch(/depth/i);
    expect(sub.items).toEqual([]);
    // The breach answers that one operation; the socket stays up for the others.
    const me = await socket.request<{ me: { name: string } }>('{ me { name } }');
    expect(me.data?.me.name).toBe(alice.user.name);
    await socket.close();
  });
});

describe('WebSocket frames', () => {
  it(`closes a socket that sends a frame over ${WS_MAX_FRAME_BYTES / 1024} KiB with 1009`, async () => {
    const socket = await openRawSocket(server.wsUrl);
    socket.send({ type: 'connection_init', payload: { authToken: alice.token } });
    await socket.messages.waitFor((m) => m.some((x) => x.type === 'connection_ack'));
    // Just under the limit is fine.
    const pad = WS_MAX_FRAME_BYTES - 100;
    socket.send({ type: 'ping', payload: { pad: 'x'.repeat(pad) } });
    await socket.messages.waitFor((m) => m.some((x) => x.type === 'pong'));
    socket.send({ type: 'ping', payload: { pad: 'x'.repeat(WS_MAX_FRAME_BYTES) } });
    expect((await socket.closed).code).toBe(1009);
  });
});

describe('unexpected errors', () => {
  it('masks them: no stack, no SQL, no internal message, over HTTP and graphql-ws', async () => {
    const store = server.app.services.store;
    const leak = 'SQLITE_ERROR: no such table: rooms_secret at /srv/parley/store.ts:42';
    const spy = vi.spyOn(store, 'roomsVisibleTo').mockRejectedValue(new Error(leak));
    try {
      const overHttp = await gqlResponse(server.url, '{ rooms { id } }', {}, { token: alice.token });
      const socket = openSocket(server.wsUrl, { token: alice.token });
      const overWs = await socket.request('{ rooms { id } }');
      await socket.close();
      expect(spy).toHaveBeenCalledTimes(2);
      for (const result of [overHttp, overWs]) {
        expect(result.errors).toHaveLength(1);
        const [error] = result.errors!;
        expect(error!.message).toBe('Unexpected error.');
        expect(error!.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
        const text = JSON.stringify(result);
        expect(text).not.toMatch(/SQLITE|rooms_secret|store\.ts|stack|\bat /);
      }
    } finally {
      spy.mockRestore();
    }
    // And the server is fine afterwards.
    expect((await gql(server.url, '{ rooms { id } }', {}, { token: alice.token })).errors).toBeUndefined();
  });

  it('masks a real failure of the store under a running app', async () => {
    const broken = await startServer();
    try {
      const { token } = await signUp(broken.url);
      await broken.app.services.store.close();
      const result = await gqlResponse(broken.url, '{ rooms { id } }', {}, { token });
      expect(result.errors?.map((e) => e.message)).toEqual(['Unexpected error.']);
      expect(JSON.stringify(result)).not.toMatch(/driver|destroy|kysely|sqlite|stack/i);
    } finally {
      await broken.stop();
    }
  });
});
