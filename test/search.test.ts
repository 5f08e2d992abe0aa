import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETE, EDIT, change, send } from './helpers/events.js';
import { type Session, codes, createRoom, gql, gqlOk, joinRoom, signUp } from './helpers/http.js';
import { SEARCH, type SearchResult } from './helpers/search.js';
import { type TestServer, startServer } from './helpers/server.js';

const HISTORY = /* GraphQL */ `
  query ($id: ID!, $around: ID, $first: Int, $after: String, $last: Int, $before: String) {
    room(id: $id) {
      messages(around: $around, first: $first, after: $after, last: $last, before: $before) {
        edges {
          node {
            text
          }
        }
        pageInfo {
          hasPreviousPage
          hasNextPage
          startCursor
          endCursor
        }
      }
    }
  }
`;
type History = {
  room: {
    messages: {
      edges: { node: { text: string } }[];
      pageInfo: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string; endCursor: string };
    };
  };
};

/** The contract's "Search", and `messages(around:)`. */
describe('search', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  let roomId: string;

  beforeAll(async () => {
    server = await startServer();
    [alice, bob, carol] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
    roomId = await createRoom(server.url, alice.token);
    await joinRoom(server.url, bob.token, roomId);
  });
  afterAll(() => server.stop());

  const search = async (who: Session, q: string, variables: Record<string, unknown> = {}) =>
    (await gqlOk<{ search: SearchResult }>(server.url, SEARCH, { q, ...variables }, { token: who.token })).search;
  const texts = (result: SearchResult) => result.edges.map((e) => e.node.text);
  /** The highlighted parts of each result's text. */
  const marked = (result: SearchResult) =>
    result.edges.map((e) => e.highlights.map((h) => e.node.text.slice(h.start, h.end)));

  it('matches whole words and their starts, all of them, newest first', async () => {
    await send(server.url, alice.token, roomId, 'We are deploying the zebra release tonight');
    await send(server.url, bob.token, roomId, 'zebra deploy went fine');
    await send(server.url, bob.token, roomId, 'nothing about animals here: redeploy');
    const found = await search(bob, 'zebra deploy');
    expect(texts(found)).toEqual(['zebra deploy went fine', 'We are deploying the zebra release tonight']);
    // "deploy" is not the start of "redeploy": whole words and prefixes only.
    expect(texts(await search(bob, 'redeploy'))).toEqual(['nothing about animals here: redeploy']);
    expect(texts(await search(bob, 'eploy'))).toEqual([]);
    // A one-letter word is that word: not every word that starts with it.
    await send(server.url, alice.token, roomId, 'x marks the spot');
    await send(server.url, alice.token, roomId, 'xylophone practice');
    expect(texts(await search(bob, 'x'))).toEqual(['x marks the spot']);
    expect(texts(await search(bob, 'xy'))).toEqual(['xylophone practice']);
    expect(marked(found)).toEqual([
      ['zebra', 'deploy'],
      ['deploying', 'zebra'],
    ]);
  });

  it('ignores case and accents, in Latin, Greek and Cyrillic', async () => {
    await send(server.url, alice.token, roomId, 'Meet at the CAFÉ Müller, naïve plan');
    await send(server.url, alice.token, roomId, 'Καλημέρα σε όλους, привет Ёжик');
    expect(texts(await search(bob, 'cafe muller'))).toEqual(['Meet at the CAFÉ Müller, naïve plan']);
    expect(texts(await search(bob, 'Café NAIVE'))).toEqual(['Meet at the CAFÉ Müller, naïve plan']);
    expect(texts(await search(bob, 'καλημερα'))).toEqual(['Καλημέρα σε όλους, привет Ёжик']);
    expect(texts(await search(bob, 'ПРИВ ежик'))).toEqual(['Καλημέρα σε όλους, привет Ёжик']);
  });

  it('matches a quoted phrase in order, and marks it whole in UTF-16 offsets', async () => {
    await send(server.url, alice.token, roomId, '🎉🎉 the quick brown fox 🦊 jumps');
    await send(server.url, alice.token, roomId, 'brown the quick, fox');
    const found = await search(bob, '"quick brown fox"');
    expect(texts(found)).toEqual(['🎉🎉 the quick brown fox 🦊 jumps']);
    // Each emoji is two UTF-16 code units: the range counts them so.
    expect(found.edges[0]!.highlights).toEqual([{ start: 9, end: 24 }]);
    expect(marked(found)).toEqual([['quick brown fox']]);
    // Unquoted, the words may be anywhere.
    expect(texts(await search(bob, 'fox brown quick'))).toHaveLength(2);
  });

  it('narrows to an author with from:name, and to one room', async () => {
    const other = await createRoom(server.url, bob.token);
    await send(server.url, bob.token, other, 'walrus in the other room');
    await send(server.url, alice.token, roomId, 'walrus by alice');
    await send(server.url, bob.token, roomId, 'walrus by bob');
    expect(texts(await search(bob, 'walrus'))).toEqual([
      'walrus by bob',
      'walrus by alice',
      'walrus in the other room',
    ]);
    expect(texts(await search(bob, `walrus from:${alice.user.name.toUpperCase()}`))).toEqual(['walrus by alice']);
    expect(texts(await search(bob, `from:@${bob.user.name} walrus`))).toEqual([
      'walrus by bob',
      'walrus in the other room',
    ]);
    expect(texts(await search(bob, 'walrus', { roomId: other }))).toEqual(['walrus in the other room']);
    expect(texts(await search(bob, 'walrus from:nobody_here'))).toEqual([]);
    // Only an author: their messages, newest first.
    const onlyAuthor = await search(bob, `from:${alice.user.name}`, { roomId });
    expect(onlyAuthor.edges.length).toBeGreaterThan(3);
    expect(onlyAuthor.edges.every((e) => e.node.author.name === alice.user.name)).toBe(true);
  });

  it('pages newest first with after', async () => {
    for (let i = 0; i < 7; i++) await send(server.url, alice.token, roomId, `pagination marmot ${i}`);
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const page: SearchResult = await search(bob, 'marmot', { first: 3, after });
      seen.push(...texts(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `pagination marmot ${i}`));
  });

  it('finds only what the viewer may read now', async () => {
    const secret = await createRoom(server.url, alice.token, true);
    await send(server.url, alice.token, secret, 'the narwhal plan is secret');
    await send(server.url, alice.token, roomId, 'a public narwhal');
    expect(texts(await search(alice, 'narwhal'))).toEqual(['a public narwhal', 'the narwhal plan is secret']);
    expect(texts(await search(bob, 'narwhal'))).toEqual(['a public narwhal']);
    expect(codes(await gql(server.url, SEARCH, { q: 'narwhal', roomId: secret }, { token: bob.token }))).toEqual([
      'NOT_FOUND',
    ]);
    // Carol is in no room but general: her search covers her rooms; a public room she
    // names, she may read.
    expect(texts(await search(carol, 'narwhal'))).toEqual([]);
    expect(texts(await search(carol, 'narwhal', { roomId }))).toEqual(['a public narwhal']);
    // Invited: found at once.
    await gqlOk(
      server.url,
      'mutation($r: ID!, $u: String!) { invite(roomId: $r, userName: $u) { id } }',
      { r: secret, u: bob.user.name },
      { token: alice.token },
    );
    expect(texts(await search(bob, 'narwhal'))).toEqual(['a public narwhal', 'the narwhal plan is secret']);
  });

  it('forgets a deleted message at once, and finds an edited one by its current text only', async () => {
    const gone = await send(server.url, alice.token, roomId, 'ocelot to be deleted');
    const edited = await send(server.url, alice.token, roomId, 'original capybara text');
    expect(texts(await search(bob, 'ocelot'))).toEqual(['ocelot to be deleted']);
    await change(server.url, alice.token, DELETE, { id: gone.id });
    expect(texts(await search(bob, 'ocelot'))).toEqual([]);
    await change(server.url, alice.token, EDIT, { id: edited.id, text: 'rewritten tapir text' });
    expect(texts(await search(bob, 'capybara'))).toEqual([]);
    expect(texts(await search(bob, 'tapir'))).toEqual(['rewritten tapir text']);
    // Editing it back finds it by the old words again, and not by the new.
    await change(server.url, alice.token, EDIT, { id: edited.id, text: 'original capybara text' });
    expect(texts(await search(bob, 'tapir'))).toEqual([]);
    expect(texts(await search(bob, 'capybara'))).toEqual(['original capybara text']);
  });

  it('refuses an empty, wordless or overlong query with BAD_USER_INPUT on query', async () => {
    for (const q of [
      '',
      '   ',
      '***',
      '"" ()',
      'x'.repeat(257),
      Array.from({ length: 17 }, (_, i) => `w${i}`).join(' '),
    ]) {
      const result = await gql(server.url, SEARCH, { q }, { token: bob.token });
      expect(codes(result), q.slice(0, 40)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.extensions?.field).toBe('query');
    }
    expect(codes(await gql(server.url, SEARCH, { q: 'x', first: 51 }, { token: bob.token }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await gql(server.url, SEARCH, { q: 'x', after: 'nope' }, { token: bob.token }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await gql(server.url, SEARCH, { q: 'x' }))).toEqual(['UNAUTHENTICATED']);
  });

  it('never hands the engine its own syntax: random queries answer results or BAD_USER_INPUT', async () => {
    await send(server.url, alice.token, roomId, 'NEAR AND OR NOT the fuzz target * ( ) "quoted"');
    const pieces = [
      '"',
      '*',
      '(',
      ')',
      'NEAR',
      'NEAR/2',
      'AND',
      'OR',
      'NOT',
      '-',
      '^',
      ':',
      'from:',
      "'",
      '\\',
      '&',
      '|',
      '!',
      '<->',
      ':*',
      'fuzz',
      'target',
      'é',
      'Ω',
      '🦊',
      '\u0000',
      '%',
      '_',
      '{',
      '}',
      'col:fuzz',
      '+',
      '~',
      ' ',
    ];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      const q = Array.from(
        { length: 1 + Math.floor(random() * 8) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join(random() < 0.5 ? ' ' : '');
      const result = await gql<{ search: SearchResult }>(server.url, SEARCH, { q }, { token: bob.token });
      if (result.errors) expect(codes(result), JSON.stringify(q)).toEqual(['BAD_USER_INPUT']);
      else expect(Array.isArray(result.data!.search.edges), JSON.stringify(q)).toBe(true);
    }
    expect(texts(await search(bob, 'NEAR fuzz*'))).toEqual(['NEAR AND OR NOT the fuzz target * ( ) "quoted"']);
    expect(texts(await search(bob, '"fuzz target" "quoted'))).toEqual([
      'NEAR AND OR NOT the fuzz target * ( ) "quoted"',
    ]);
  });
});

describe('messages(around:)', () => {
  let server: TestServer;
  let alice: Session;
  let roomId: string;
  let ids: string[];

  beforeAll(async () => {
    server = await startServer();
    alice = await signUp(server.url);
    roomId = await createRoom(server.url, alice.token);
    ids = [];
    for (let i = 1; i <= 30; i++) ids.push((await send(server.url, alice.token, roomId, `m${i}`)).id);
  });
  afterAll(() => server.stop());

  const history = async (variables: Record<string, unknown>) =>
    (await gqlOk<History>(server.url, HISTORY, { id: roomId, ...variables }, { token: alice.token })).room.messages;
  const texts = (page: History['room']['messages']) => page.edges.map((e) => e.node.text);

  it('centres a page on the message, and pages on from it both ways', async () => {
    const page = await history({ around: ids[14], first: 5 });
    expect(texts(page)).toEqual(['m13', 'm14', 'm15', 'm16', 'm17']);
    expect(page.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const older = await history({ last: 5, before: page.pageInfo.startCursor });
    expect(texts(older)).toEqual(['m8', 'm9', 'm10', 'm11', 'm12']);
    const newer = await history({ first: 5, after: page.pageInfo.endCursor });
    expect(texts(newer)).toEqual(['m18', 'm19', 'm20', 'm21', 'm22']);
    const rest = await history({ first: 50, after: newer.pageInfo.endCursor });
    expect(texts(rest)).toEqual(['m23', 'm24', 'm25', 'm26', 'm27', 'm28', 'm29', 'm30']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('stops at the ends, and takes last as the size without first', async () => {
    const start = await history({ around: ids[0], last: 4 });
    expect(texts(start)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(start.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const end = await history({ around: ids[29], first: 4 });
    expect(texts(end)).toEqual(['m27', 'm28', 'm29', 'm30']);
    expect(end.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const fromStart = await history({ first: 3 });
    expect(texts(fromStart)).toEqual(['m1', 'm2', 'm3']);
  });

  it('refuses a message of another room, and mixed directions', async () => {
    const other = await createRoom(server.url, alice.token);
    const elsewhere = await send(server.url, alice.token, other, 'elsewhere');
    const run = (variables: Record<string, unknown>) =>
      gql(server.url, HISTORY, { id: roomId, ...variables }, { token: alice.token });
    const wrongRoom = await run({ around: elsewhere.id });
    expect(codes(wrongRoom)).toEqual(['BAD_USER_INPUT']);
    expect(wrongRoom.errors![0]!.extensions?.field).toBe('around');
    const page = await history({ last: 2 });
    expect(codes(await run({ around: ids[3], before: page.pageInfo.startCursor }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run({ after: page.pageInfo.startCursor, before: page.pageInfo.startCursor }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await run({ first: 101 }))).toEqual(['BAD_USER_INPUT']);
  });
});
