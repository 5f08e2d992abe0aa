import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HistoryPage,
  MESSAGE_FIELDS,
  type Message,
  type Session,
  codes,
  createRoom,
  gql,
  history,
  sendMessage,
  signUp,
} from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitOnline } from './helpers/wait.js';
import { type Subscription, type TestSocket, openSocket } from './helpers/ws.js';

let server: TestServer;
let users: Session[];
const sockets: TestSocket[] = [];
beforeAll(async () => {
  server = await startServer();
  users = await Promise.all(Array.from({ length: 5 }, () => signUp(server.url)));
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await server?.stop();
});

type Added = { messageAdded: Message };
const ON_MESSAGE = `subscription($roomId: ID!) { messageAdded(roomId: $roomId) { ${MESSAGE_FIELDS} } }`;

/** Opens a socket for `user`, subscribes to the room and waits until it is live. */
async function subscriber(user: Session, roomId: string): Promise<Subscription<Added>> {
  const socket = openSocket(server.wsUrl, { token: user.token });
  sockets.push(socket);
  const sub = socket.subscribe<Added>(ON_MESSAGE, { roomId });
  await waitOnline(server.url, user.token, roomId, user.user.name);
  return sub;
}

const ids = (sub: Subscription<Added>) => sub.items.map((i) => i.messageAdded.id);

async function historyPage(token: string, roomId: string, last?: number, before?: string | null) {
  return gql<{ room: { messages: HistoryPage } }>(
    server.url,
    `query($id: ID!, $last: Int, $before: String) {
      room(id: $id) {
        messages(last: $last, before: $before) {
          edges { cursor node { id text } }
          pageInfo { hasPreviousPage startCursor }
        }
      }
    }`,
    { id: roomId, ...(last === undefined ? {} : { last }), before },
    { token },
  );
}

describe('sending messages', () => {
  it('delivers a message once to every subscriber, with its author and time', async () => {
    const roomId = await createRoom(server.url, users[0]!.token);
    const subs = await Promise.all(users.map((u) => subscriber(u, roomId)));
    const before = Date.now();
    const sent = await sendMessage(server.url, users[1]!.token, roomId, 'hello, everyone');
    expect(sent).toMatchObject({ roomId, text: 'hello, everyone', author: users[1]!.user });
    expect(new Date(sent.createdAt).toISOString()).toBe(sent.createdAt);
    expect(Math.abs(Date.parse(sent.createdAt) - before)).toBeLessThan(5_000);

    const fence = await sendMessage(server.url, users[2]!.token, roomId, 'second');
    for (const sub of subs) {
      const items = await sub.waitFor(2);
      expect(items.map((i) => i.messageAdded)).toEqual([sent, fence]);
    }
  });

  it('sends over the same graphql-ws socket that subscribes (the benchmark’s operations)', async () => {
    const roomId = await createRoom(server.url, users[0]!.token);
    const socket = openSocket(server.wsUrl, { token: users[3]!.token });
    sockets.push(socket);
    const sub = socket.subscribe<{ messageAdded: { id: string; text: string; author: { name: string } } }>(
      'subscription OnMessage($roomId: ID!) { messageAdded(roomId: $roomId) { id text createdAt author { id name } } }',
      { roomId },
    );
    await waitOnline(server.url, users[3]!.token, roomId, users[3]!.user.name);
    const result = await socket.request<{ sendMessage: { id: string } }>(
      'mutation Send($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { id } }',
      { roomId, text: 'over the socket' },
    );
    const [received] = await sub.waitFor(1);
    expect(received!.messageAdded).toMatchObject({
      id: result.data!.sendMessage.id,
      text: 'over the socket',
      author: { name: users[3]!.user.name },
    });
  });

  it('keeps a room’s order for subscribers and in history', async () => {
    const roomId = await createRoom(server.url, users[0]!.token);
    const sub = await subscriber(users[4]!, roomId);
    const sent: Message[] = [];
    for (let i = 0; i < 20; i++) sent.push(await sendMessage(server.url, users[i % 5]!.token, roomId, `m${i}`));
    await sub.waitFor(20);
    expect(ids(sub)).toEqual(sent.map((m) => m.id));
    expect((await history(server.url, users[0]!.token, roomId)).map((m) => m.id)).toEqual(sent.map((m) => m.id));
  });

  it.each([
    ['empty text', ''],
    ['only whitespace', ' \n\t  '],
    ['4001 characters', 'x'.repeat(4001)],
    ['4001 characters inside spaces', `  ${'y'.repeat(4001)}  `],
    ['4001 emoji', '😀'.repeat(4001)],
  ])('refuses %s with BAD_USER_INPUT on field "text"', async (_what, text) => {
    const roomId = await createRoom(server.url, users[0]!.token);
    const result = await gql(
      server.url,
      'mutation($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { id } }',
      { roomId, text },
      { token: users[0]!.token },
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'text' });
    expect(await history(server.url, users[0]!.token, roomId)).toEqual([]);
  });

  it('accepts 4000 characters, counted after trimming', async () => {
    const roomId = await createRoom(server.url, users[0]!.token);
    const exact = await sendMessage(server.url, users[0]!.token, roomId, 'z'.repeat(4000));
    expect(exact.text).toHaveLength(4000);
    const padded = await sendMessage(server.url, users[0]!.token, roomId, `   ${'w'.repeat(4000)}\n`);
    expect(padded.text).toBe('w'.repeat(4000));
    expect(await history(server.url, users[0]!.token, roomId)).toHaveLength(2);
  });

  it('counts characters, not UTF-16 units: 4000 emoji or supplementary CJK characters fit', async () => {
    const roomId = await createRoom(server.url, users[0]!.token);
    for (const text of ['😀'.repeat(4000), '𠀀'.repeat(3999) + 'a', '👍🏽'.repeat(2000)]) {
      const sent = await sendMessage(server.url, users[0]!.token, roomId, text);
      expect(sent.text).toBe(text);
    }
    expect(await history(server.url, users[0]!.token, roomId)).toHaveLength(3);
  });

  it('returns the first message for a repeated clientId, and nobody sees a duplicate', async () => {
    const roomId = await createRoom(server.url, users[0]!.token);
    const sub = await subscriber(users[1]!, roomId);
    const first = await sendMessage(server.url, users[0]!.token, roomId, 'once', 'client-1');
    const again = await sendMessage(server.url, users[0]!.token, roomId, 'once', 'client-1');
    const changed = await sendMessage(server.url, users[0]!.token, roomId, 'once, edited', 'client-1');
    expect(again).toEqual(first);
    expect(changed).toEqual(first);
    // Concurrent retries of one clientId also collapse into one message.
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => sendMessage(server.url, users[0]!.token, roomId, 'race', 'client-2')),
    );
    expect(new Set(racing.map((m) => m.id)).size).toBe(1);
    // The same clientId from another user is another message.
    const other = await sendMessage(server.url, users[1]!.token, roomId, 'mine', 'client-1');
    expect(other.id).not.toBe(first.id);

    // Anything published twice would arrive before this fence.
    const fence = await sendMessage(server.url, users[0]!.token, roomId, 'fence');
    await sub.waitFor((items) => items.some((i) => i.messageAdded.id === fence.id));
    expect(ids(sub)).toEqual([first.id, racing[0]!.id, other.id, fence.id]);
    expect((await history(server.url, users[0]!.token, roomId)).map((m) => m.id)).toEqual(ids(sub));
  });

  it('delivers 50 concurrent sends from 5 users in one gap-free order every subscriber shares', async () => {
    const roomId = await createRoom(server.url, users[0]!.token);
    const subs = await Promise.all(users.map((u) => subscriber(u, roomId)));
    const senders = users.map((u) => {
      const socket = openSocket(server.wsUrl, { token: u.token });
      sockets.push(socket);
      return socket;
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const text = `burst ${i}`;
        // Half over HTTP, half over each user's graphql-ws socket.
        if (i % 2 === 0) return sendMessage(server.url, users[i % 5]!.token, roomId, text);
        return senders[i % 5]!.request<{ sendMessage: Message }>(
          'mutation($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { id text } }',
          { roomId, text },
        ).then((r) => r.data!.sendMessage);
      }),
    );
    const sentIds = new Set(results.map((m) => m.id));
    expect(sentIds.size).toBe(50);

    const stored = await history(server.url, users[0]!.token, roomId);
    expect(stored).toHaveLength(50);
    expect(new Set(stored.map((m) => m.id))).toEqual(sentIds);
    for (const sub of subs) {
      await sub.waitFor(50);
      expect(ids(sub)).toEqual(stored.map((m) => m.id));
    }
  });
});

describe('history', () => {
  let roomId: string;
  let sent: Message[];
  beforeAll(async () => {
    roomId = await createRoom(server.url, users[0]!.token);
    sent = [];
    for (let i = 0; i < 25; i++) sent.push(await sendMessage(server.url, users[i % 2]!.token, roomId, `h${i}`));
  });

  it('pages back from the newest message, each page oldest to newest', async () => {
    const texts = (page: HistoryPage) => page.edges.map((e) => e.node.text);
    const first = (await historyPage(users[2]!.token, roomId, 10)).data!.room.messages;
    expect(texts(first)).toEqual(sent.slice(15).map((m) => m.text));
    expect(first.pageInfo).toEqual({ hasPreviousPage: true, startCursor: first.edges[0]!.cursor });

    const second = (await historyPage(users[2]!.token, roomId, 10, first.pageInfo.startCursor)).data!.room.messages;
    expect(texts(second)).toEqual(sent.slice(5, 15).map((m) => m.text));
    expect(second.pageInfo.hasPreviousPage).toBe(true);

    const third = (await historyPage(users[2]!.token, roomId, 10, second.pageInfo.startCursor)).data!.room.messages;
    expect(texts(third)).toEqual(sent.slice(0, 5).map((m) => m.text));
    expect(third.pageInfo.hasPreviousPage).toBe(false);

    const cursors = [...first.edges, ...second.edges, ...third.edges].map((e) => e.cursor);
    expect(new Set(cursors).size).toBe(25);
  });

  it('gives the newest 50 by default and pages that end exactly at the start', async () => {
    const all = (await historyPage(users[2]!.token, roomId)).data!.room.messages;
    expect(all.edges.map((e) => e.node.id)).toEqual(sent.map((m) => m.id));
    expect(all.pageInfo.hasPreviousPage).toBe(false);
    const exact = (await historyPage(users[2]!.token, roomId, 25)).data!.room.messages;
    expect(exact.edges).toHaveLength(25);
    expect(exact.pageInfo.hasPreviousPage).toBe(false);
  });

  it('answers an empty room with no edges', async () => {
    const empty = await createRoom(server.url, users[0]!.token);
    const page = (await historyPage(users[0]!.token, empty, 10)).data!.room.messages;
    expect(page).toEqual({ edges: [], pageInfo: { hasPreviousPage: false, startCursor: null } });
  });

  it('serves at most 100 a page: last above 100 or below 1 is BAD_USER_INPUT', async () => {
    expect((await historyPage(users[0]!.token, roomId, 100)).errors).toBeUndefined();
    for (const last of [101, 1000, 0, -1]) {
      const result = await historyPage(users[0]!.token, roomId, last);
      expect(codes(result), String(last)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.extensions?.field).toBe('last');
    }
  });

  it('refuses a cursor it did not make as BAD_USER_INPUT', async () => {
    for (const before of ['garbage', Buffer.from('seq:abc').toString('base64url')]) {
      expect(codes(await historyPage(users[0]!.token, roomId, 10, before)), before).toEqual(['BAD_USER_INPUT']);
    }
  });
});
