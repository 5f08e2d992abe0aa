/**
 * Typing in a crowd: however many type, a subscriber gets a bounded number of frames
 * (at most TYPING_SHOWN_MAX typists shown, changes at most once per TYPING_BATCH_MS), a
 * refresh is never a frame, and nobody ever hears their own typing. Frames are counted,
 * never timed. Runs on SQLite, and on PostgreSQL + Redis when DATABASE_URL and REDIS_URL
 * are set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPING_BATCH_MS, TYPING_FRAMES_PER_SECOND_MAX, TYPING_SHOWN_MAX } from '../server/limits.js';
import { crowd, windowsIn } from './helpers/crowd.js';
import { type Session, type User, createRoom, gqlOk, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitOnline } from './helpers/wait.js';
import { type Subscription, type TestSocket, openSocket } from './helpers/ws.js';

const TYPISTS = 50;

type PerUser = { userTyping: { user: User; isTyping: boolean } };
type Batch = { roomTyping: { users: User[]; count: number } };
const ON_USER_TYPING = 'subscription($roomId: ID!) { userTyping(roomId: $roomId) { user { id name } isTyping } }';
const ON_ROOM_TYPING = 'subscription($roomId: ID!) { roomTyping(roomId: $roomId) { users { id name } count } }';
const SET_TYPING = 'mutation($roomId: ID!, $isTyping: Boolean!) { setTyping(roomId: $roomId, isTyping: $isTyping) }';

let server: TestServer;
let watcher: Session;
let typists: Session[];
const sockets: TestSocket[] = [];
beforeAll(async () => {
  server = await startServer();
  watcher = await signUp(server.url);
  typists = await crowd(server.app.services.store, TYPISTS, 't');
}, 60_000);
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await server?.stop();
});

interface Listening {
  user: Session;
  perUser: Subscription<PerUser>;
  batches: Subscription<Batch>;
}

/** `user` hearing the room's typing both ways, live before it resolves. */
async function listen(user: Session, roomId: string): Promise<Listening> {
  const socket = openSocket(server.wsUrl, { token: user.token });
  sockets.push(socket);
  const perUser = socket.subscribe<PerUser>(ON_USER_TYPING, { roomId });
  const batches = socket.subscribe<Batch>(ON_ROOM_TYPING, { roomId });
  await batches.waitFor(1); // the opening picture
  await waitOnline(server.url, watcher.token, roomId, user.user.name, 10_000);
  return { user, perUser, batches };
}

const setTyping = (user: Session, roomId: string, isTyping: boolean) =>
  gqlOk(server.url, SET_TYPING, { roomId, isTyping }, { token: user.token });

/** Who `listening` is told is typing now, from its userTyping frames. */
function shownTo(listening: Listening): string[] {
  const shown = new Set<string>();
  for (const { userTyping } of listening.perUser.items) {
    if (userTyping.isTyping) shown.add(userTyping.user.id);
    else shown.delete(userTyping.user.id);
  }
  return [...shown];
}

const lastBatch = (listening: Listening) => listening.batches.items.at(-1)!.roomTyping;

describe('typing in a crowd', () => {
  it(`bounds what each subscriber hears while ${TYPISTS} people type, and never tells anyone their own typing`, async () => {
    const roomId = await createRoom(server.url, watcher.token);
    const watching = await listen(watcher, roomId);
    // A few of the typists listen too: they hear the others, never themselves.
    const typistsListening = await Promise.all(typists.slice(0, 3).map((t) => listen(t, roomId)));

    const started = Date.now();
    await Promise.all(typists.map((t) => setTyping(t, roomId, true)));
    await watching.batches.waitFor(() => lastBatch(watching).count === TYPISTS, 10_000);
    for (const listening of typistsListening) {
      await listening.batches.waitFor(() => lastBatch(listening).count === TYPISTS - 1, 10_000);
    }
    const elapsed = Date.now() - started;

    // Per typist, this would be TYPISTS frames each way.
    const windows = windowsIn(elapsed, TYPING_BATCH_MS);
    expect(watching.batches.items.length - 1).toBeLessThanOrEqual(windows);
    expect(watching.perUser.items.length).toBeLessThanOrEqual(TYPING_SHOWN_MAX);
    expect(watching.perUser.items.every((i) => i.userTyping.isTyping)).toBe(true);
    expect(lastBatch(watching).users).toHaveLength(TYPING_SHOWN_MAX);
    expect(shownTo(watching).sort()).toEqual(
      lastBatch(watching)
        .users.map((u) => u.id)
        .sort(),
    );

    for (const listening of typistsListening) {
      const self = listening.user.user.id;
      await listening.perUser.waitFor(() => shownTo(listening).length === TYPING_SHOWN_MAX);
      expect(listening.perUser.items.map((i) => i.userTyping.user.id)).not.toContain(self);
      expect(listening.batches.items.flatMap((i) => i.roomTyping.users.map((u) => u.id))).not.toContain(self);
      expect(lastBatch(listening).users).toHaveLength(TYPING_SHOWN_MAX);
    }

    // Everyone refreshes: not news. Then one shown typist stops: one roomTyping frame (the
    // count) and two userTyping frames (they stop, the next in line starts), nothing more.
    await Promise.all(typists.map((t) => setTyping(t, roomId, true)));
    const [batchesBefore, perUserBefore] = [watching.batches.items.length, watching.perUser.items.length];
    const stopping = lastBatch(watching).users[0]!;
    await setTyping(
      typists.find((t) => t.user.id === stopping.id)!,
      roomId,
      false,
    );
    await watching.batches.waitFor(() => lastBatch(watching).count === TYPISTS - 1, 10_000);
    await watching.perUser.waitFor(perUserBefore + 2, 10_000);
    expect(watching.batches.items.length).toBe(batchesBefore + 1);
    const [stopped, started2] = watching.perUser.items.slice(perUserBefore).map((i) => i.userTyping);
    expect(stopped).toEqual({ user: stopping, isTyping: false });
    expect(started2!.isTyping).toBe(true);
    expect(shownTo(watching)).toHaveLength(TYPING_SHOWN_MAX);
    expect(shownTo(watching)).not.toContain(stopping.id);

    // Everyone stops at once: a few frames, whatever the crowd.
    const stoppingAt = Date.now();
    const perUserBeforeStop = watching.perUser.items.length;
    const batchesBeforeStop = watching.batches.items.length;
    await Promise.all(typists.map((t) => setTyping(t, roomId, false)));
    await watching.batches.waitFor(() => lastBatch(watching).count === 0, 10_000);
    await watching.perUser.waitFor(() => shownTo(watching).length === 0, 10_000);
    const stopWindows = windowsIn(Date.now() - stoppingAt, TYPING_BATCH_MS);
    expect(watching.batches.items.length - batchesBeforeStop).toBeLessThanOrEqual(stopWindows);
    expect(watching.perUser.items.length - perUserBeforeStop).toBeLessThanOrEqual(2 * TYPING_SHOWN_MAX * stopWindows);

    // The named bound holds over the whole run.
    const seconds = Math.ceil((Date.now() - started) / 1_000);
    expect(watching.perUser.items.length).toBeLessThanOrEqual(TYPING_FRAMES_PER_SECOND_MAX * seconds);
    expect(watching.batches.errors).toEqual([]);
    expect(watching.perUser.errors).toEqual([]);
  }, 90_000);

  it('executes a typing window once per distinct thing told, not once per subscriber', async () => {
    const roomId = await createRoom(server.url, watcher.token);
    // 30 bystanders, and one typist who listens alike: the same documents, so the same groups.
    const bystanders = await Promise.all(typists.slice(10, 40).map((t) => listen(t, roomId)));
    const [typist, other] = [typists[5]!, typists[6]!];
    const typistListening = await listen(typist, roomId);
    const everyone = [...bystanders, typistListening];
    const { fanout } = server.app.services;
    const before = fanout.executions;
    const framesBefore = everyone.map((l) => l.perUser.items.length + l.batches.items.length);

    // The listening typist starts: every bystander is told one start and one picture;
    // the typist is told nothing (nobody else types). One window, two executions.
    await setTyping(typist, roomId, true);
    for (const l of bystanders) await l.batches.waitFor(() => lastBatch(l).count === 1, 10_000);
    // Someone who does not listen starts too, in a later window: one start and one
    // picture for all 31, the typist's picture without the typist.
    await setTyping(other, roomId, true);
    for (const l of bystanders) await l.batches.waitFor(() => lastBatch(l).count === 2, 10_000);
    await typistListening.batches.waitFor(() => lastBatch(typistListening).count === 1, 10_000);
    // userTyping is a group of its own, with its own queue: its starts may come a little later.
    for (const l of bystanders) await l.perUser.waitFor(() => shownTo(l).length === 2, 10_000);
    await typistListening.perUser.waitFor(() => shownTo(typistListening).length === 1, 10_000);

    const frames = everyone.map((l, k) => l.perUser.items.length + l.batches.items.length - framesBefore[k]!);
    expect(frames.slice(0, -1)).toEqual(bystanders.map(() => 4));
    expect(frames.at(-1)).toBe(2);
    expect(shownTo(typistListening)).toEqual([other.user.id]);
    // Per subscriber, this would be one execution per frame: 4 × 30 + 2.
    expect(fanout.executions - before).toBe(2 + 3);
    for (const l of everyone) {
      expect(l.perUser.errors).toEqual([]);
      expect(l.batches.errors).toEqual([]);
    }
  }, 60_000);
});
