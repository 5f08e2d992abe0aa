import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETE, type Events, ROOM_EVENTS, change, send } from './helpers/events.js';
import { type Session, codes, createRoom, gql, gqlOk, joinRoom, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { sseSubscribe } from './helpers/sse.js';
import { type SidebarRoom, VIEWER_ROOMS, sidebarLive } from './helpers/viewer-rooms.js';
import { waitOnline } from './helpers/wait.js';
import { errorsOf, useSockets } from './helpers/ws.js';

const SET_ROLE =
  'mutation($r: ID!, $u: String!, $role: RoomRole!) { setRole(roomId: $r, userName: $u, role: $role) { id } }';
const UPDATE = `mutation($r: ID!, $name: String, $topic: String, $slow: Int) {
  updateRoom(id: $r, name: $name, topic: $topic, slowModeSeconds: $slow) { id name topic slowModeSeconds }
}`;
const LEAVE = 'mutation($r: ID!) { leaveRoom(id: $r) }';
const REMOVE =
  'mutation($r: ID!, $u: String!, $ban: Boolean) { removeMember(roomId: $r, userName: $u, ban: $ban) { id } }';
const INVITE = 'mutation($r: ID!, $u: String!) { invite(roomId: $r, userName: $u) { id } }';
const ROOM = 'query($r: ID!) { room(id: $r) { id name topic slowModeSeconds viewerRole } }';
const TYPING = 'subscription($r: ID!) { userTyping(roomId: $r) { user { name } isTyping } }';
const EVENTS_WITH_ACTOR = /* GraphQL */ `
  subscription ($roomId: ID!, $after: String) {
    roomEvents(roomId: $roomId, after: $after) {
      kind
      user {
        name
      }
      actor {
        name
      }
      room {
        name
        topic
      }
    }
  }
`;
type ActorEvent = {
  roomEvents: {
    kind: string;
    user: { name: string } | null;
    actor: { name: string } | null;
    room: { name: string; topic: string | null };
  };
};

/** The contract's "Moderation", on one node (test/cluster/ covers two). */
describe('moderation', () => {
  let server: TestServer;
  let owner: Session;
  let mod: Session;
  let member: Session;
  let other: Session;
  const connect = useSockets();

  beforeAll(async () => {
    server = await startServer();
    [owner, mod, member, other] = await Promise.all([
      signUp(server.url),
      signUp(server.url),
      signUp(server.url),
      signUp(server.url),
    ]);
  });
  afterAll(() => server.stop());

  const run = (who: Session, query: string, variables: Record<string, unknown>) =>
    gql(server.url, query, variables, { token: who.token });

  /** A room of `owner`'s with `mod` as moderator and `member` in it. */
  async function moderatedRoom(isPrivate = false): Promise<string> {
    const roomId = await createRoom(server.url, owner.token, isPrivate);
    for (const who of [mod, member]) {
      if (isPrivate) await gqlOk(server.url, INVITE, { r: roomId, u: who.user.name }, { token: owner.token });
      else await joinRoom(server.url, who.token, roomId);
    }
    await gqlOk(server.url, SET_ROLE, { r: roomId, u: mod.user.name, role: 'MODERATOR' }, { token: owner.token });
    return roomId;
  }

  it('lets only owners give roles, and keeps a room with an owner', async () => {
    const roomId = await moderatedRoom();
    expect(codes(await run(mod, SET_ROLE, { r: roomId, u: member.user.name, role: 'MODERATOR' }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await run(member, SET_ROLE, { r: roomId, u: member.user.name, role: 'OWNER' }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await run(owner, SET_ROLE, { r: roomId, u: other.user.name, role: 'MEMBER' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await run(owner, SET_ROLE, { r: roomId, u: 'nobody_at_all', role: 'MEMBER' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    // The last owner cannot step down; with a second owner, either may.
    expect(codes(await run(owner, SET_ROLE, { r: roomId, u: owner.user.name, role: 'MEMBER' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    await gqlOk(server.url, SET_ROLE, { r: roomId, u: mod.user.name, role: 'OWNER' }, { token: owner.token });
    await gqlOk(server.url, SET_ROLE, { r: roomId, u: owner.user.name, role: 'MODERATOR' }, { token: owner.token });
    const room = await gqlOk<{ room: { viewerRole: string } }>(server.url, ROOM, { r: roomId }, { token: owner.token });
    expect(room.room.viewerRole).toBe('MODERATOR');
    // A direct room has no roles.
    const dm = await gqlOk<{ openDirect: { id: string } }>(
      server.url,
      'mutation($n: [String!]!) { openDirect(userNames: $n) { id } }',
      { n: [member.user.name] },
      { token: owner.token },
    );
    expect(codes(await run(owner, SET_ROLE, { r: dm.openDirect.id, u: member.user.name, role: 'OWNER' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('lets owners and moderators change the room, and tells the feed who did', async () => {
    const roomId = await moderatedRoom();
    const socket = await connect(server.wsUrl, member.token);
    const feed = socket.subscribe<ActorEvent>(EVENTS_WITH_ACTOR, { roomId });
    await waitOnline(server.url, member.token, roomId, member.user.name);
    expect(codes(await run(member, UPDATE, { r: roomId, topic: 'mine now' }))).toEqual(['FORBIDDEN']);
    const updated = await gqlOk<{ updateRoom: { name: string; topic: string } }>(
      server.url,
      UPDATE,
      { r: roomId, name: '  Renamed  ', topic: 'Ship it' },
      { token: mod.token },
    );
    expect(updated.updateRoom).toMatchObject({ id: roomId, name: 'Renamed', topic: 'Ship it', slowModeSeconds: 0 });
    // Read at once, though the room was just read (and remembered) before.
    const read = await gqlOk<{ room: { name: string } }>(server.url, ROOM, { r: roomId }, { token: member.token });
    expect(read.room.name).toBe('Renamed');
    const events = await feed.waitFor(1);
    expect(events[0]!.roomEvents).toMatchObject({
      kind: 'ROOM_UPDATED',
      user: null,
      actor: { name: mod.user.name },
      room: { name: 'Renamed', topic: 'Ship it' },
    });
    for (const bad of [
      { name: ' ' },
      { name: 'x'.repeat(65) },
      { topic: 'x'.repeat(251) },
      { slow: -1 },
      { slow: 21_601 },
    ])
      expect(codes(await run(owner, UPDATE, { r: roomId, ...bad })), JSON.stringify(bad)).toEqual(['BAD_USER_INPUT']);
    // An empty topic clears it.
    const cleared = await gqlOk<{ updateRoom: { topic: string | null } }>(
      server.url,
      UPDATE,
      { r: roomId, topic: '' },
      { token: owner.token },
    );
    expect(cleared.updateRoom.topic).toBeNull();
    feed.dispose();
  });

  it('holds members to slow mode, and not its moderators', async () => {
    const roomId = await moderatedRoom();
    await gqlOk(server.url, UPDATE, { r: roomId, slow: 30 }, { token: owner.token });
    await send(server.url, member.token, roomId, 'first');
    const second = await run(member, 'mutation($r: ID!) { sendMessage(roomId: $r, text: "again") { id } }', {
      r: roomId,
    });
    expect(codes(second)).toEqual(['RATE_LIMITED']);
    const wait = second.errors![0]!.extensions!.retryAfterMs as number;
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    await send(server.url, mod.token, roomId, 'moderators do not wait');
    await send(server.url, mod.token, roomId, 'at all');
    await gqlOk(server.url, UPDATE, { r: roomId, slow: 0 }, { token: owner.token });
    await send(server.url, member.token, roomId, 'free again');
  });

  it('lets a moderator remove a member, not a moderator or an owner; an owner removes a moderator', async () => {
    const roomId = await moderatedRoom();
    await joinRoom(server.url, other.token, roomId);
    expect(codes(await run(member, REMOVE, { r: roomId, u: other.user.name }))).toEqual(['FORBIDDEN']);
    expect(codes(await run(mod, REMOVE, { r: roomId, u: owner.user.name }))).toEqual(['FORBIDDEN']);
    expect(codes(await run(mod, REMOVE, { r: roomId, u: mod.user.name }))).toEqual(['BAD_USER_INPUT']);
    await gqlOk(server.url, SET_ROLE, { r: roomId, u: other.user.name, role: 'MODERATOR' }, { token: owner.token });
    expect(codes(await run(mod, REMOVE, { r: roomId, u: other.user.name }))).toEqual(['FORBIDDEN']);
    await gqlOk(server.url, REMOVE, { r: roomId, u: other.user.name }, { token: owner.token });
    await gqlOk(server.url, REMOVE, { r: roomId, u: member.user.name }, { token: mod.token });
    expect(codes(await run(mod, REMOVE, { r: roomId, u: member.user.name }))).toEqual(['BAD_USER_INPUT']);
    // Removed from a public room without a ban: they may come back.
    await joinRoom(server.url, member.token, roomId);
  });

  it('takes a private room away at once: its subscriptions end, it reads NOT_FOUND, nothing is accepted', async () => {
    const roomId = await moderatedRoom(true);
    const socket = await connect(server.wsUrl, member.token);
    // From the room's cursor: 'before' reaches both, however late they go live.
    const { room } = await gqlOk<{ room: { eventCursor: string } }>(
      server.url,
      'query($r: ID!) { room(id: $r) { eventCursor } }',
      { r: roomId },
      { token: member.token },
    );
    const after = room.eventCursor;
    const events = socket.subscribe<Events>(ROOM_EVENTS, { roomId, after });
    const typing = socket.subscribe(TYPING, { r: roomId });
    const sse = sseSubscribe(server.url, ROOM_EVENTS, { roomId, after }, { authorization: `Bearer ${member.token}` });
    const sidebar = socket.subscribe<{ viewerRoomsChanged: SidebarRoom }>(VIEWER_ROOMS);
    await sidebarLive(server, member.user.id);
    await send(server.url, owner.token, roomId, 'before');
    await events.waitFor(1);
    await sse.waitFor(1);

    const removedAt = Date.now();
    await gqlOk(server.url, REMOVE, { r: roomId, u: member.user.name }, { token: mod.token });
    // Each subscription gets a last error saying why, and ends.
    expect(errorsOf(await events.waitForError(1_000))[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'REMOVED',
      by: mod.user.name,
    });
    await events.waitForEnd(1_000);
    await typing.waitForEnd(1_000);
    await sse.waitForEnd(1_000);
    expect(Date.now() - removedAt).toBeLessThan(1_000);
    // The sidebar hears it, and shows nothing of the room.
    const last = await sidebar.waitFor((items) =>
      items.some((e) => e.viewerRoomsChanged.id === roomId && e.viewerRoomsChanged.viewerRole === null),
    );
    expect(last.findLast((e) => e.viewerRoomsChanged.id === roomId)!.viewerRoomsChanged).toMatchObject({
      isMember: false,
      lastMessage: null,
    });

    expect((await gqlOk<{ room: unknown }>(server.url, ROOM, { r: roomId }, { token: member.token })).room).toBeNull();
    expect(
      codes(await run(member, 'mutation($r: ID!) { sendMessage(roomId: $r, text: "hi") { id } }', { r: roomId })),
    ).toEqual(['NOT_FOUND']);
    const again = socket.subscribe<Events>(ROOM_EVENTS, { roomId });
    expect(errorsOf(await again.waitForError())[0]?.extensions?.code).toBe('NOT_FOUND');
    sidebar.dispose();
    sse.close();
  });

  it('keeps a banned user out of a public room: no joining, invitation, sending or reading', async () => {
    const roomId = await moderatedRoom();
    const watching = (await connect(server.wsUrl, member.token)).subscribe<Events>(ROOM_EVENTS, { roomId });
    await waitOnline(server.url, member.token, roomId, member.user.name);
    await gqlOk(server.url, REMOVE, { r: roomId, u: member.user.name, ban: true }, { token: mod.token });
    // Told why: a ban, not a mere removal.
    expect(errorsOf(await watching.waitForError(1_000))[0]?.extensions).toMatchObject({ reason: 'BANNED' });
    // Someone who was never in it can be banned too.
    await gqlOk(server.url, REMOVE, { r: roomId, u: other.user.name, ban: true }, { token: owner.token });
    for (const banned of [member, other]) {
      expect(codes(await run(banned, 'mutation($r: ID!) { joinRoom(id: $r) { id } }', { r: roomId }))).toEqual([
        'FORBIDDEN',
      ]);
      expect(
        codes(await run(banned, 'mutation($r: ID!) { sendMessage(roomId: $r, text: "hi") { id } }', { r: roomId })),
      ).toEqual(['FORBIDDEN']);
      expect(
        (await gqlOk<{ room: unknown }>(server.url, ROOM, { r: roomId }, { token: banned.token })).room,
      ).toBeNull();
      const socket = await connect(server.wsUrl, banned.token);
      const feed = socket.subscribe(ROOM_EVENTS, { roomId });
      expect(errorsOf(await feed.waitForError())[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const roomRef = await createRoom(server.url, owner.token, true);
    await gqlOk(server.url, REMOVE, { r: roomRef, u: member.user.name, ban: true }, { token: owner.token });
    expect(codes(await run(owner, INVITE, { r: roomRef, u: member.user.name }))).toEqual(['FORBIDDEN']);
  });

  it('lets members leave, but not a direct room', async () => {
    const roomId = await moderatedRoom(true);
    const watching = (await connect(server.wsUrl, member.token)).subscribe<Events>(ROOM_EVENTS, { roomId });
    await waitOnline(server.url, member.token, roomId, member.user.name);
    expect(
      (await gqlOk<{ leaveRoom: boolean }>(server.url, LEAVE, { r: roomId }, { token: member.token })).leaveRoom,
    ).toBe(true);
    expect(errorsOf(await watching.waitForError(1_000))[0]?.extensions).toMatchObject({ reason: 'LEFT' });
    expect((await gqlOk<{ room: unknown }>(server.url, ROOM, { r: roomId }, { token: member.token })).room).toBeNull();
    expect(codes(await run(member, LEAVE, { r: roomId }))).toEqual(['NOT_FOUND']);
    const open = await createRoom(server.url, owner.token);
    expect(
      (await gqlOk<{ leaveRoom: boolean }>(server.url, LEAVE, { r: open }, { token: member.token })).leaveRoom,
    ).toBe(false);
    const dm = await gqlOk<{ openDirect: { id: string } }>(
      server.url,
      'mutation($n: [String!]!) { openDirect(userNames: $n) { id } }',
      { n: [owner.user.name] },
      { token: member.token },
    );
    expect(codes(await run(member, LEAVE, { r: dm.openDirect.id }))).toEqual(['BAD_USER_INPUT']);
  });

  it("lets a moderator delete another's message, and not a member", async () => {
    const roomId = await moderatedRoom();
    const message = await send(server.url, owner.token, roomId, 'moderate me');
    expect(codes(await change(server.url, member.token, DELETE, { id: message.id }))).toEqual(['FORBIDDEN']);
    const DELETED_BY = 'mutation($id: ID!) { deleteMessage(id: $id) { deletedAt deletedBy { name } } }';
    const deleted = await gqlOk<{ deleteMessage: { deletedAt: string; deletedBy: { name: string } } }>(
      server.url,
      DELETED_BY,
      { id: message.id },
      { token: mod.token },
    );
    // The tombstone says who removed it: here a moderator, not its author.
    expect(deleted.deleteMessage.deletedAt).not.toBeNull();
    expect(deleted.deleteMessage.deletedBy).toEqual({ name: mod.user.name });
    const own = await send(server.url, member.token, roomId, 'my own');
    const mine = await gqlOk<{ deleteMessage: { deletedBy: { name: string } } }>(
      server.url,
      DELETED_BY,
      { id: own.id },
      { token: member.token },
    );
    expect(mine.deleteMessage.deletedBy).toEqual({ name: member.user.name });
    const live = await send(server.url, member.token, roomId, 'still here');
    const history = await gqlOk<{ room: { messages: { edges: { node: { id: string; deletedBy: unknown } }[] } } }>(
      server.url,
      'query($r: ID!) { room(id: $r) { messages(last: 5) { edges { node { id deletedBy { name } } } } } }',
      { r: roomId },
      { token: member.token },
    );
    const by = new Map(history.room.messages.edges.map((e) => [e.node.id, e.node.deletedBy]));
    expect(by.get(message.id)).toEqual({ name: mod.user.name });
    expect(by.get(live.id)).toBeNull();
  });
});
