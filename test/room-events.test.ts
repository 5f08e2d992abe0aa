import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DELETE,
  EDIT,
  type Events,
  REACT,
  ROOM_EVENTS,
  RoomModel,
  UNREACT,
  change,
  send,
  snapshot,
} from './helpers/events.js';
import type { Feed } from './helpers/feed.js';
import { createRoom, joinRoom, type Session, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { sseSubscribe } from './helpers/sse.js';
import { waitOnline } from './helpers/wait.js';
import { errorsOf, type TestSocket, useSockets } from './helpers/ws.js';

/**
 * The room's change feed, as a client uses it: read history and eventCursor together,
 * subscribe after that cursor, apply every event in order, and end with exactly what a
 * fresh read of history shows; resume from the last cursor after a disconnect.
 */
describe('roomEvents', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  const connect = useSockets();

  beforeAll(async () => {
    server = await startServer();
    [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
  });
  afterAll(() => server.stop());

  const socketFor = (session: Session): Promise<TestSocket> => connect(server.wsUrl, session.token);

  /** A room both are in, with a few messages, and the mutations a client makes. */
  async function busyRoom() {
    const roomId = await createRoom(server.url, alice.token);
    await joinRoom(server.url, bob.token, roomId);
    const first = await send(server.url, alice.token, roomId, 'first');
    return { roomId, first };
  }

  async function churn(roomId: string, firstId: string) {
    const url = server.url;
    const reply = await send(url, bob.token, roomId, `re @${alice.user.name}`, firstId);
    await change(url, alice.token, EDIT, { id: firstId, text: 'first, edited' });
    await change(url, bob.token, REACT, { id: firstId, emoji: '👍' });
    await change(url, alice.token, REACT, { id: firstId, emoji: '👍' });
    await change(url, alice.token, REACT, { id: reply.id, emoji: '🎉' });
    await change(url, bob.token, UNREACT, { id: firstId, emoji: '👍' });
    const doomed = await send(url, alice.token, roomId, 'doomed');
    await change(url, alice.token, DELETE, { id: doomed.id });
    return send(url, bob.token, roomId, 'last');
  }

  const lastIs = (id: string) => (items: Events[]) =>
    items.some((e) => e.roomEvents.kind === 'MESSAGE_ADDED' && e.roomEvents.message?.id === id);

  async function expectConverges(feed: Feed<Events>, model: RoomModel, roomId: string, viewer: Session) {
    for (const event of feed.items) model.apply(event.roomEvents);
    expect(model.messages).toEqual((await snapshot(server.url, viewer.token, roomId)).messages);
  }

  it('carries every kind of change live over graphql-ws, each with the room and a cursor', async () => {
    const { roomId, first } = await busyRoom();
    const { messages, eventCursor } = await snapshot(server.url, bob.token, roomId);
    const feed = (await socketFor(bob)).subscribe<Events>(ROOM_EVENTS, { roomId, after: eventCursor });
    await waitOnline(server.url, bob.token, roomId, bob.user.name);
    const carol = await signUp(server.url);
    await joinRoom(server.url, carol.token, roomId);
    const last = await churn(roomId, first.id);
    await feed.waitFor(lastIs(last.id));

    const kinds = feed.items.map((e) => e.roomEvents.kind);
    expect(kinds).toEqual([
      'MEMBER_JOINED',
      'MESSAGE_ADDED',
      'MESSAGE_EDITED',
      'REACTIONS_CHANGED',
      'REACTIONS_CHANGED',
      'REACTIONS_CHANGED',
      'REACTIONS_CHANGED',
      'MESSAGE_ADDED',
      'MESSAGE_DELETED',
      'MESSAGE_ADDED',
    ]);
    expect(feed.items[0]!.roomEvents).toMatchObject({ user: { name: carol.user.name }, message: null });
    expect(feed.items.every((e) => e.roomEvents.room.id === roomId)).toBe(true);
    expect(new Set(feed.items.map((e) => e.roomEvents.cursor)).size).toBe(feed.items.length);
    // Each event's message is as it was after that change, seen by the subscriber.
    expect(feed.items[3]!.roomEvents.message!.reactions).toEqual([
      { emoji: '👍', count: 1, viewerReacted: true, users: [{ name: bob.user.name }] },
    ]);
    expect(feed.items[4]!.roomEvents.message!.reactions[0]).toMatchObject({ count: 2, viewerReacted: true });
    await expectConverges(feed, new RoomModel(messages), roomId, bob);
  });

  it('resumes after a disconnect from the last cursor and ends with what history shows', async () => {
    const { roomId, first } = await busyRoom();
    const start = await snapshot(server.url, alice.token, roomId);
    const model = new RoomModel(start.messages, start.eventCursor);
    const socket = await socketFor(alice);
    const before = socket.subscribe<Events>(ROOM_EVENTS, { roomId, after: model.cursor });
    await waitOnline(server.url, alice.token, roomId, alice.user.name);
    const opening = await send(server.url, bob.token, roomId, 'while connected');
    await before.waitFor(lastIs(opening.id));
    for (const event of before.items) model.apply(event.roomEvents);
    await socket.close();

    // Away: everything changes, the message seen while connected included.
    await change(server.url, bob.token, EDIT, { id: opening.id, text: 'edited while away' });
    const last = await churn(roomId, first.id);

    const after = (await socketFor(alice)).subscribe<Events>(ROOM_EVENTS, { roomId, after: model.cursor });
    await after.waitFor(lastIs(last.id));
    await expectConverges(after, model, roomId, alice);
    // Replay may fold a message's changes into one, never lose the latest state.
    expect(after.items.length).toBeLessThanOrEqual(9);
  });

  it('is the same feed over SSE, with each viewer’s own viewerReacted', async () => {
    const { roomId, first } = await busyRoom();
    const { messages, eventCursor } = await snapshot(server.url, alice.token, roomId);
    const feed = sseSubscribe<Events>(
      server.url,
      ROOM_EVENTS,
      { roomId, after: eventCursor },
      {
        authorization: `Bearer ${alice.token}`,
      },
    );
    try {
      await waitOnline(server.url, alice.token, roomId, alice.user.name);
      const last = await churn(roomId, first.id);
      await feed.waitFor(lastIs(last.id));
      await expectConverges(feed, new RoomModel(messages), roomId, alice);
    } finally {
      feed.close();
    }
  });

  it('replays from eventCursor what happened between reading history and subscribing', async () => {
    const { roomId, first } = await busyRoom();
    const { messages, eventCursor } = await snapshot(server.url, bob.token, roomId);
    const last = await churn(roomId, first.id);
    const feed = (await socketFor(bob)).subscribe<Events>(ROOM_EVENTS, { roomId, after: eventCursor });
    await feed.waitFor(lastIs(last.id));
    await expectConverges(feed, new RoomModel(messages), roomId, bob);
  });

  it('refuses a cursor of another room, a malformed one and one from the future', async () => {
    const { roomId } = await busyRoom();
    const other = await createRoom(server.url, alice.token);
    const otherCursor = (await snapshot(server.url, alice.token, other)).eventCursor;
    const future = Buffer.from(`ev:${roomId}:999999`).toString('base64url');
    const socket = await socketFor(alice);
    for (const after of [otherCursor, 'garbage', '', future]) {
      const feed = socket.subscribe<Events>(ROOM_EVENTS, { roomId, after });
      const [error] = errorsOf(await feed.waitForError());
      expect(error?.extensions, after).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  it('keeps messageAdded to new messages only', async () => {
    const { roomId, first } = await busyRoom();
    const added = (await socketFor(bob)).subscribe<{ messageAdded: { id: string; text: string } }>(
      'subscription($roomId: ID!) { messageAdded(roomId: $roomId) { id text } }',
      { roomId },
    );
    await waitOnline(server.url, bob.token, roomId, bob.user.name);
    const last = await churn(roomId, first.id);
    await added.waitFor((items) => items.some((m) => m.messageAdded.id === last.id));
    expect(added.items.map((m) => m.messageAdded.text)).toEqual([`re @${alice.user.name}`, 'doomed', 'last']);
  });
});
