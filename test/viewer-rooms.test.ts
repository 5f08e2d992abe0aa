import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EDIT, change, send } from './helpers/events.js';
import { type Session, codes, createRoom, gql, gqlOk, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { sseSubscribe } from './helpers/sse.js';
import { type SidebarRoom, VIEWER_ROOMS, sidebarLive, sidebarsClosed } from './helpers/viewer-rooms.js';
import { type TestSocket, useSockets } from './helpers/ws.js';

type Event = { viewerRoomsChanged: SidebarRoom };

const MARK_READ = 'mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { id unreadCount } }';
const OPEN_DIRECT = 'mutation($names: [String!]!) { openDirect(userNames: $names) { id } }';
const SET_LEVEL =
  'mutation($r: ID!, $l: NotificationLevel!) { setNotificationLevel(roomId: $r, level: $l) { id notificationLevel } }';
const INVITE = 'mutation($r: ID!, $u: String!) { invite(roomId: $r, userName: $u) { id } }';

/** The events about `roomId` so far. */
const about = (items: Event[], roomId: string) =>
  items.map((e) => e.viewerRoomsChanged).filter((room) => room.id === roomId);

/** The contract's `viewerRoomsChanged`, on one node (test/cluster/ covers two). */
describe('viewerRoomsChanged', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  const connect = useSockets();
  let aliceTabs: TestSocket[];

  beforeAll(async () => {
    server = await startServer();
    [alice, bob, carol] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
    aliceTabs = [await connect(server.wsUrl, alice.token), await connect(server.wsUrl, alice.token)];
  });
  afterAll(() => server.stop());

  /** Live before it resolves: `who`'s sidebars so far are `open`, this one makes one more. */
  async function sidebar(socket: TestSocket, who: Session, open = 0) {
    const feed = socket.subscribe<Event>(VIEWER_ROOMS);
    await sidebarLive(server, who.user.id, open + 1);
    return feed;
  }

  // Every test starts with nobody's sidebar open, so "live" means this test's.
  afterEach(() =>
    sidebarsClosed(
      server,
      [alice, bob, carol].map((s) => s.user.id),
    ),
  );

  it('counts new messages and mentions, and clears them in every tab when one reads', async () => {
    const roomId = await createRoom(server.url, alice.token);
    await gqlOk(server.url, 'mutation($r: ID!) { joinRoom(id: $r) { id } }', { r: roomId }, { token: bob.token });
    const tabs = [await sidebar(aliceTabs[0]!, alice), await sidebar(aliceTabs[1]!, alice, 1)];

    await send(server.url, bob.token, roomId, 'hello');
    const mention = await send(server.url, bob.token, roomId, `@${alice.user.name} look`);
    for (const tab of tabs) {
      const events = about(await tab.waitFor((items) => about(items, roomId).length >= 2), roomId);
      expect(events.at(-1)).toMatchObject({
        unreadCount: 2,
        mentionCount: 1,
        isMember: true,
        viewerRole: 'OWNER',
        notificationLevel: 'MENTIONS',
        lastMessage: { id: mention.id },
      });
    }

    await gqlOk(server.url, MARK_READ, { r: roomId, m: mention.id }, { token: alice.token });
    for (const tab of tabs) {
      const events = about(await tab.waitFor((items) => about(items, roomId).length >= 3), roomId);
      expect(events.at(-1)).toMatchObject({ unreadCount: 0, mentionCount: 0 });
    }
    // Her own message moves her marker: never unread, and it still makes an event.
    await send(server.url, alice.token, roomId, 'thanks');
    const own = about(await tabs[0]!.waitFor((items) => about(items, roomId).length >= 4), roomId);
    expect(own.at(-1)).toMatchObject({ unreadCount: 0, lastMessage: { text: 'thanks' } });
    for (const tab of tabs) tab.dispose();
  });

  it('brings a new direct room to all its people, and nobody else', async () => {
    const [aliceFeed, carolFeed] = [
      await sidebar(aliceTabs[0]!, alice),
      await sidebar(await connect(server.wsUrl, carol.token), carol),
    ];
    const { openDirect } = await gqlOk<{ openDirect: { id: string } }>(
      server.url,
      OPEN_DIRECT,
      { names: [alice.user.name] },
      { token: bob.token },
    );
    const opened = await aliceFeed.waitFor((items) => about(items, openDirect.id).length >= 1);
    expect(about(opened, openDirect.id)[0]).toMatchObject({ kind: 'DIRECT', isMember: true, unreadCount: 0 });

    const psst = await send(server.url, bob.token, openDirect.id, 'psst');
    // (Other events of the room may come between: its people's presence.)
    const dm = about(
      await aliceFeed.waitFor((items) => about(items, openDirect.id).at(-1)?.lastMessage?.id === psst.id),
      openDirect.id,
    );
    // In a direct room every unread message counts as a mention; the default level is ALL.
    expect(dm.at(-1)).toMatchObject({ unreadCount: 1, mentionCount: 1, notificationLevel: 'ALL' });

    // Carol hears of general (bob writes there after) but never of the direct room.
    await send(server.url, bob.token, 'general', 'everyone');
    await carolFeed.waitFor((items) => about(items, 'general').length >= 1);
    expect(about(carolFeed.items, openDirect.id)).toEqual([]);
    aliceFeed.dispose();
    carolFeed.dispose();
  });

  it('tells of an invitation and of a level change, only to that person', async () => {
    const feed = await sidebar(aliceTabs[1]!, alice);
    const roomId = await createRoom(server.url, bob.token, true);
    await gqlOk(server.url, INVITE, { r: roomId, u: alice.user.name }, { token: bob.token });
    const invited = await feed.waitFor((items) => about(items, roomId).length >= 1);
    expect(about(invited, roomId)[0]).toMatchObject({ isMember: true, viewerRole: 'MEMBER', unreadCount: 0 });

    const set = await gqlOk<{ setNotificationLevel: { notificationLevel: string } }>(
      server.url,
      SET_LEVEL,
      { r: roomId, l: 'NOTHING' },
      { token: alice.token },
    );
    expect(set.setNotificationLevel.notificationLevel).toBe('NOTHING');
    const muted = about(await feed.waitFor((items) => about(items, roomId).length >= 2), roomId);
    expect(muted.at(-1)).toMatchObject({ notificationLevel: 'NOTHING' });
    // Back to the default.
    await gqlOk(server.url, SET_LEVEL, { r: roomId, l: 'MENTIONS' }, { token: alice.token });
    expect(about(await feed.waitFor((items) => about(items, roomId).length >= 3), roomId).at(-1)).toMatchObject({
      notificationLevel: 'MENTIONS',
    });
    feed.dispose();
  });

  it('answers a removed member once more, as a non-member who no longer reads the room', async () => {
    const feed = await sidebar(aliceTabs[1]!, alice);
    const roomId = await createRoom(server.url, bob.token, true);
    await gqlOk(server.url, INVITE, { r: roomId, u: alice.user.name }, { token: bob.token });
    await send(server.url, bob.token, roomId, 'secret plans');
    await feed.waitFor((items) => about(items, roomId).at(-1)?.lastMessage?.text === 'secret plans');
    // What removing someone from a room tells their node (the store has no removal yet).
    server.app.services.viewerRooms.offer(alice.user.id, { kind: 'membership', roomId, member: false });
    const removed = about(await feed.waitFor((items) => about(items, roomId).at(-1)?.isMember === false), roomId);
    expect(removed.at(-1)).toMatchObject({ isMember: false, viewerRole: null, unreadCount: 0, lastMessage: null });
    // Nothing more of that room reaches them.
    const count = about(feed.items, roomId).length;
    await send(server.url, bob.token, roomId, 'more secrets');
    await send(server.url, bob.token, 'general', 'and in general');
    await feed.waitFor((items) => about(items, 'general').at(-1)?.lastMessage?.text === 'and in general');
    expect(about(feed.items, roomId)).toHaveLength(count);
    feed.dispose();
  });

  it('refuses a level for a room the viewer is not in, and hides private rooms', async () => {
    const open = await createRoom(server.url, bob.token);
    const result = await gql(server.url, SET_LEVEL, { r: open, l: 'ALL' }, { token: carol.token });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    const hidden = await createRoom(server.url, bob.token, true);
    expect(codes(await gql(server.url, SET_LEVEL, { r: hidden, l: 'ALL' }, { token: carol.token }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('tells only the people whose mention count an edit changes, unless it edits the newest message', async () => {
    const roomId = await createRoom(server.url, bob.token);
    for (const who of [alice, carol])
      await gqlOk(server.url, 'mutation($r: ID!) { joinRoom(id: $r) { id } }', { r: roomId }, { token: who.token });
    const aliceFeed = await sidebar(aliceTabs[0]!, alice);
    const carolFeed = await sidebar(await connect(server.wsUrl, carol.token), carol);
    const first = await send(server.url, bob.token, roomId, 'hi all');
    await send(server.url, bob.token, roomId, 'second');
    for (const feed of [aliceFeed, carolFeed]) await feed.waitFor((items) => about(items, roomId).length >= 2);

    await change(server.url, bob.token, EDIT, { id: first.id, text: `hi @${alice.user.name}` });
    const edited = about(await aliceFeed.waitFor((items) => about(items, roomId).length >= 3), roomId);
    expect(edited.at(-1)).toMatchObject({ unreadCount: 2, mentionCount: 1 });
    // Carol's sidebar did not change: her next event is bob's next message, not the edit.
    await send(server.url, bob.token, roomId, 'third');
    const carols = about(await carolFeed.waitFor((items) => about(items, roomId).length >= 3), roomId);
    expect(carols.map((r) => r.lastMessage?.text)).toEqual(['hi all', 'second', 'third']);
    aliceFeed.dispose();
    carolFeed.dispose();
  });

  it('shows who of a direct room has the app open, live', async () => {
    const dm = await gqlOk<{ openDirect: { id: string } }>(
      server.url,
      OPEN_DIRECT,
      { names: [carol.user.name] },
      { token: alice.token },
    );
    const roomId = dm.openDirect.id;
    const ONLINE = 'subscription { viewerRoomsChanged { id online { name } } }';
    type Online = { viewerRoomsChanged: { id: string; online: { name: string }[] } };
    const mine = aliceTabs[0]!.subscribe<Online>(ONLINE);
    await sidebarLive(server, alice.user.id);
    const onlineNow = () =>
      mine.items
        .filter((e) => e.viewerRoomsChanged.id === roomId)
        .at(-1)
        ?.viewerRoomsChanged.online.map((u) => u.name);
    // Carol opens Parley (her sidebar): alice's direct room with her shows her online.
    const carolSocket = await connect(server.wsUrl, carol.token);
    const hers = carolSocket.subscribe<Event>(VIEWER_ROOMS);
    await mine.waitFor(() => onlineNow()?.includes(carol.user.name) === true);
    // And closes it: offline again.
    hers.dispose();
    await mine.waitFor(() => onlineNow() !== undefined && !onlineNow()!.includes(carol.user.name));
    mine.dispose();
  });

  it('executes a room change once for all the people who sent the same selection', async () => {
    const roomId = await createRoom(server.url, carol.token);
    const people = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
    const feeds = [];
    for (const who of people) {
      await gqlOk(server.url, 'mutation($r: ID!) { joinRoom(id: $r) { id } }', { r: roomId }, { token: who.token });
      feeds.push(await sidebar(await connect(server.wsUrl, who.token), who));
    }
    const { viewerRooms } = server.app.services;
    const before = viewerRooms.executions;
    await send(server.url, people[0]!.token, roomId, `@${people[1]!.user.name} hi`);
    const seen = [];
    for (const feed of feeds)
      seen.push(about(await feed.waitFor((items) => about(items, roomId).length >= 1), roomId)[0]);
    expect(viewerRooms.executions - before).toBe(1);
    // Each their own: the author read it, the one named has a mention.
    expect(seen.map((r) => [r!.unreadCount, r!.mentionCount])).toEqual([
      [0, 0],
      [1, 1],
      [1, 0],
    ]);
  });

  it('works over SSE as over graphql-ws', async () => {
    const dave = await signUp(server.url);
    const sse = sseSubscribe<Event>(server.url, VIEWER_ROOMS, {}, { authorization: `Bearer ${dave.token}` });
    await sidebarLive(server, dave.user.id);
    const message = await send(server.url, bob.token, 'general', `@${dave.user.name} welcome`);
    const events = about(await sse.waitFor((items) => about(items, 'general').length >= 1), 'general');
    expect(events[0]).toMatchObject({ mentionCount: 1, lastMessage: { id: message.id } });
    sse.close();
  });

  it('needs a signed-in viewer', async () => {
    const result = await gql(server.url, 'query { users(prefix: "a") { id } }');
    expect(codes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('suggests people by the start of their name', async () => {
    const prefix = alice.user.name.slice(0, 5).toUpperCase();
    const { users } = await gqlOk<{ users: { name: string }[] }>(
      server.url,
      'query($p: String!) { users(prefix: $p, first: 20) { name } }',
      { p: prefix },
      { token: bob.token },
    );
    expect(users.map((u) => u.name)).toContain(alice.user.name);
    expect(users.every((u) => u.name.toLowerCase().startsWith(prefix.toLowerCase()))).toBe(true);
    const wild = await gqlOk<{ users: unknown[] }>(
      server.url,
      'query { users(prefix: "%") { id } }',
      {},
      { token: bob.token },
    );
    expect(wild.users).toEqual([]);
    expect(
      codes(await gql(server.url, 'query { users(prefix: "a", first: 21) { id } }', {}, { token: bob.token })),
    ).toEqual(['BAD_USER_INPUT']);
  });
});
