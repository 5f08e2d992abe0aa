import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DELETE, EDIT, ROOM_EVENTS, change, send } from './helpers/events.js';
import { type Session, codes, createRoom, gql, gqlOk, joinRoom, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { errorsOf, openSocket } from './helpers/ws.js';

const OPEN_DIRECT =
  'mutation($names: [String!]!) { openDirect(userNames: $names) { id kind isPrivate name memberCount } }';
const MARK_READ = 'mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { id unreadCount mentionCount } }';
const COUNTS = 'query($id: ID!) { room(id: $id) { unreadCount mentionCount lastMessage { id text } } }';

type Direct = { id: string; kind: string; isPrivate: boolean; name: string; memberCount: number };
type Counts = { unreadCount: number; mentionCount: number; lastMessage: { id: string; text: string } | null };

/** The contract's "Direct messages, unread counts, mentions", on the read side. */
describe('direct rooms and unread counts', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let carol: Session;

  beforeAll(async () => {
    server = await startServer();
    [alice, bob, carol] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
  });
  afterAll(() => server.stop());

  const openDirect = async (who: Session, names: string[]) =>
    (await gqlOk<{ openDirect: Direct }>(server.url, OPEN_DIRECT, { names }, { token: who.token })).openDirect;
  const counts = async (who: Session, roomId: string) =>
    (await gqlOk<{ room: Counts }>(server.url, COUNTS, { id: roomId }, { token: who.token })).room;

  it('gives the same people the same direct room, whoever opens it, in any order, even at once', async () => {
    const [a, b, c] = [alice.user.name, bob.user.name, carol.user.name];
    const opened = await Promise.all([
      openDirect(alice, [b, c]),
      openDirect(bob, [c.toUpperCase(), a]),
      openDirect(carol, [b, a, b]),
      openDirect(alice, [c, b, a]), // naming oneself changes nothing
    ]);
    expect(new Set(opened.map((r) => r.id)).size).toBe(1);
    expect(opened[0]).toMatchObject({ kind: 'DIRECT', isPrivate: true, memberCount: 3 });
    // Another set of people is another room.
    expect((await openDirect(alice, [b])).id).not.toBe(opened[0]!.id);
  });

  it("lists a direct room's people with the names they chose, and a channel's as none", async () => {
    await gqlOk(server.url, 'mutation { updateProfile(displayName: "Bob B.") { id } }', {}, { token: bob.token });
    const room = await openDirect(carol, [alice.user.name, bob.user.name]);
    const PEOPLE = 'query($id: ID!) { room(id: $id) { people { id name displayName } } }';
    type People = { room: { people: { id: string; name: string; displayName: string | null }[] } };
    const { people } = (await gqlOk<People>(server.url, PEOPLE, { id: room.id }, { token: alice.token })).room;
    const everyone = [alice, bob, carol]
      .map((s) => ({ id: s.user.id, name: s.user.name, displayName: s === bob ? 'Bob B.' : null }))
      .sort((x, y) => x.name.toLowerCase().localeCompare(y.name.toLowerCase()));
    expect(people).toEqual(everyone);
    const channel = await createRoom(server.url, alice.token);
    expect((await gqlOk<People>(server.url, PEOPLE, { id: channel }, { token: alice.token })).room.people).toEqual([]);

    // A whole sidebar's direct rooms read their people in one go, not a read per room.
    await openDirect(alice, [bob.user.name]);
    await openDirect(alice, [carol.user.name]);
    const { store } = server.app.services;
    const membersOf = vi.spyOn(store, 'membersOf');
    try {
      type Rooms = { rooms: { kind: string; people: { name: string }[] }[] };
      const { rooms } = await gqlOk<Rooms>(
        server.url,
        '{ rooms { kind people { name } } }',
        {},
        { token: alice.token },
      );
      const direct = rooms.filter((r) => r.kind === 'DIRECT');
      expect(direct.length).toBeGreaterThanOrEqual(3);
      expect(direct.every((r) => r.people.some((p) => p.name === alice.user.name))).toBe(true);
      expect(rooms.filter((r) => r.kind !== 'DIRECT').every((r) => r.people.length === 0)).toBe(true);
      expect(membersOf.mock.calls.map(([roomIds]) => roomIds.length)).toEqual([direct.length]);
    } finally {
      membersOf.mockRestore();
    }
  });

  it('keeps a direct room NOT_FOUND to everyone else, on every path', async () => {
    const room = await openDirect(alice, [bob.user.name]);
    await send(server.url, alice.token, room.id, 'just us');
    const read = await gql<{ room: unknown }>(server.url, COUNTS, { id: room.id }, { token: carol.token });
    expect(read.data?.room).toBeNull();
    for (const mutation of [
      'mutation($r: ID!) { joinRoom(id: $r) { id } }',
      'mutation($r: ID!) { sendMessage(roomId: $r, text: "hi") { id } }',
    ])
      expect(codes(await gql(server.url, mutation, { r: room.id }, { token: carol.token }))).toEqual(['NOT_FOUND']);
    const socket = openSocket(server.wsUrl, { token: carol.token });
    const feed = socket.subscribe(ROOM_EVENTS, { roomId: room.id });
    expect(errorsOf(await feed.waitForError())[0]?.extensions?.code).toBe('NOT_FOUND');
    await socket.close();
    const rooms = await gqlOk<{ rooms: { id: string }[] }>(server.url, '{ rooms { id } }', {}, { token: carol.token });
    expect(rooms.rooms.map((r) => r.id)).not.toContain(room.id);
  });

  it('refuses unknown names, nobody but oneself, too many people, and invitations into a direct room', async () => {
    const bad = async (names: string[]) => {
      const result = await gql(server.url, OPEN_DIRECT, { names }, { token: alice.token });
      expect(result.errors?.[0]?.extensions, names.join(',')).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'userNames',
      });
    };
    await bad(['nobody-here']);
    await bad([bob.user.name, 'nobody-here']);
    await bad([alice.user.name]);
    await bad([]);
    const many = await Promise.all(Array.from({ length: 9 }, () => signUp(server.url)));
    await bad(many.map((m) => m.user.name));
    const room = await openDirect(alice, [bob.user.name]);
    const invite = await gql(
      server.url,
      'mutation($r: ID!, $u: String!) { invite(roomId: $r, userName: $u) { id } }',
      { r: room.id, u: carol.user.name },
      { token: alice.token },
    );
    expect(invite.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roomId' });
    // A channel cannot take a direct room's id, so none can stand in for a conversation.
    const squat = await gql(
      server.url,
      'mutation($n: String!) { createRoom(name: $n) { id } }',
      { n: 'dm-0123456789abcdef0123' },
      { token: carol.token },
    );
    expect(squat.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('counts messages by others after the read marker, which moves forward only and on sending', async () => {
    const roomId = await createRoom(server.url, alice.token);
    await joinRoom(server.url, bob.token, roomId);
    const sent = [];
    for (let i = 0; i < 4; i++) sent.push(await send(server.url, bob.token, roomId, `b${i}`));
    expect(await counts(alice, roomId)).toMatchObject({ unreadCount: 4, lastMessage: { id: sent[3]!.id } });
    expect((await counts(bob, roomId)).unreadCount).toBe(0); // their own
    const marked = await gqlOk<{ markRead: Counts }>(
      server.url,
      MARK_READ,
      { r: roomId, m: sent[1]!.id },
      { token: alice.token },
    );
    expect(marked.markRead.unreadCount).toBe(2);
    await gqlOk(server.url, MARK_READ, { r: roomId, m: sent[0]!.id }, { token: alice.token }); // never back
    expect((await counts(alice, roomId)).unreadCount).toBe(2);
    // Sending is reading: what came before one's own message is read.
    await send(server.url, alice.token, roomId, 'caught up');
    expect((await counts(alice, roomId)).unreadCount).toBe(0);
    expect((await counts(bob, roomId)).unreadCount).toBe(1);
    // Not a member: nothing to read.
    expect((await counts(carol, roomId)).unreadCount).toBe(0);
    const wrong = await gql(server.url, MARK_READ, { r: roomId, m: 'nope' }, { token: alice.token });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'messageId' });
  });

  it('counts mentions of the viewer after the marker, following edits and deletions; in a direct room, all', async () => {
    const roomId = await createRoom(server.url, alice.token);
    await joinRoom(server.url, bob.token, roomId);
    const mention = await send(server.url, bob.token, roomId, `hey @${alice.user.name}`);
    await send(server.url, bob.token, roomId, 'no mention');
    const second = await send(server.url, bob.token, roomId, `@${alice.user.name} again`);
    expect(await counts(alice, roomId)).toMatchObject({ unreadCount: 3, mentionCount: 2 });
    await change(server.url, bob.token, EDIT, { id: second.id, text: 'never mind' });
    expect((await counts(alice, roomId)).mentionCount).toBe(1);
    await change(server.url, bob.token, DELETE, { id: mention.id });
    expect((await counts(alice, roomId)).mentionCount).toBe(0);
    const late = await send(server.url, bob.token, roomId, `@${alice.user.name} last`);
    await gqlOk(server.url, MARK_READ, { r: roomId, m: late.id }, { token: alice.token });
    expect(await counts(alice, roomId)).toMatchObject({ unreadCount: 0, mentionCount: 0 });

    const direct = await openDirect(bob, [alice.user.name]);
    await send(server.url, bob.token, direct.id, 'one');
    await send(server.url, bob.token, direct.id, 'two');
    expect(await counts(alice, direct.id)).toMatchObject({ unreadCount: 2, mentionCount: 2 });
  });

  it('lists rooms, direct ones included, latest activity first, with counts and last messages in one go', async () => {
    const quiet = await createRoom(server.url, carol.token);
    const busy = await createRoom(server.url, carol.token);
    const direct = await openDirect(carol, [alice.user.name]);
    await send(server.url, alice.token, direct.id, 'dm first');
    await send(server.url, carol.token, busy, 'busy now');
    const { rooms } = await gqlOk<{ rooms: ({ id: string; kind: string } & Counts)[] }>(
      server.url,
      '{ rooms { id kind unreadCount mentionCount lastMessage { id text } } }',
      {},
      { token: carol.token },
    );
    const order = rooms.map((r) => r.id);
    expect(order.indexOf(busy)).toBeLessThan(order.indexOf(direct.id));
    expect(order.indexOf(direct.id)).toBeLessThan(order.indexOf(quiet));
    expect(rooms.find((r) => r.id === direct.id)).toMatchObject({
      kind: 'DIRECT',
      unreadCount: 1,
      mentionCount: 1,
      lastMessage: { text: 'dm first' },
    });
    expect(rooms.find((r) => r.id === quiet)).toMatchObject({ kind: 'CHANNEL', unreadCount: 0, lastMessage: null });
  });
});
