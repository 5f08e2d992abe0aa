/**
 * Presence in a crowd: a room that fills at once costs each subscriber a few batch frames
 * (`roomPresence`), not one per person, and reading who is online reads a page. Frames
 * are counted, never timed: the bound grows with however long the run took.
 * Runs on SQLite, and on PostgreSQL + Redis when DATABASE_URL and REDIS_URL are set.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ONLINE_AMONG_MAX, PRESENCE_BATCH_MS, PRESENCE_BATCH_NAMED_MAX } from '../server/limits.js';
import { crowd, windowsIn } from './helpers/crowd.js';
import { type Session, type User, createRoom, gql, gqlOk, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitOnline } from './helpers/wait.js';
import { type Subscription, type TestSocket, openSocket } from './helpers/ws.js';

const CROWD = 200;

type Batch = {
  roomPresence: { joined: User[]; joinedCount: number; left: User[]; leftCount: number; onlineCount: number };
};
type PerUser = { presenceChanged: { user: User; online: boolean } };
const ON_BATCH =
  'subscription($roomId: ID!) { roomPresence(roomId: $roomId) { joined { id name } joinedCount left { id name } leftCount onlineCount } }';
const ON_PER_USER = 'subscription($roomId: ID!) { presenceChanged(roomId: $roomId) { user { id name } online } }';
const ON_MESSAGE = 'subscription($roomId: ID!) { messageAdded(roomId: $roomId) { id } }';

let server: TestServer;
let watcher: Session;
let people: Session[];
const sockets: TestSocket[] = [];
beforeAll(async () => {
  server = await startServer();
  watcher = await signUp(server.url);
  people = await crowd(server.app.services.store, CROWD);
}, 60_000);
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await server?.stop();
});

function socketFor(user: Session): TestSocket {
  const socket = openSocket(server.wsUrl, { token: user.token });
  sockets.push(socket);
  return socket;
}

/** The watcher's batches and per-user events for the room, both live (the watcher is counted online) before it resolves. */
async function watch(roomId: string): Promise<{ batches: Subscription<Batch>; perUser: Subscription<PerUser> }> {
  const socket = socketFor(watcher);
  const batches = socket.subscribe<Batch>(ON_BATCH, { roomId });
  const perUser = socket.subscribe<PerUser>(ON_PER_USER, { roomId });
  await waitOnline(server.url, watcher.token, roomId, watcher.user.name);
  // The watcher's own arrival, in its batch: whatever comes after is about others.
  await batches.waitFor((items) => items.some((i) => i.roomPresence.joined.some((u) => u.id === watcher.user.id)));
  return { batches, perUser };
}

const joinedIn = (batches: Subscription<Batch>) =>
  batches.items.flatMap((i) => i.roomPresence.joined.map((u) => u.id)).filter((id) => id !== watcher.user.id);
const leftIn = (batches: Subscription<Batch>) => batches.items.flatMap((i) => i.roomPresence.left.map((u) => u.id));
/** How many came (or went) in the frames from `from` on, by the frames' counts. */
const joinedSince = (batches: Subscription<Batch>, from: number) =>
  batches.items.slice(from).reduce((n, i) => n + i.roomPresence.joinedCount, 0);
const leftSince = (batches: Subscription<Batch>, from: number) =>
  batches.items.slice(from).reduce((n, i) => n + i.roomPresence.leftCount, 0);
/** Each frame names the first PRESENCE_BATCH_NAMED_MAX of those it counts. */
const namesBounded = (batches: Subscription<Batch>) =>
  batches.items.every(
    ({ roomPresence: b }) =>
      b.joined.length === Math.min(b.joinedCount, PRESENCE_BATCH_NAMED_MAX) &&
      b.left.length === Math.min(b.leftCount, PRESENCE_BATCH_NAMED_MAX),
  );
const latestCount = (batches: Subscription<Batch>) => batches.items.at(-1)?.roomPresence.onlineCount;

async function roomOnline(token: string, roomId: string, first: number) {
  const data = await gqlOk<{ room: { onlineCount: number; online: User[] } }>(
    server.url,
    'query($id: ID!, $first: Int) { room(id: $id) { onlineCount online(first: $first) { id name } } }',
    { id: roomId, first },
    { token },
  );
  return data.room;
}

describe('presence in a crowd', () => {
  it(`tells ${CROWD} people entering at once in a few batch frames, and presenceChanged still one event each`, async () => {
    const roomId = await createRoom(server.url, watcher.token);
    const { batches, perUser } = await watch(roomId);
    const before = batches.items.length;

    const started = Date.now();
    const visitors = people.map((person) => {
      const socket = socketFor(person);
      socket.subscribe(ON_MESSAGE, { roomId });
      return socket;
    });
    await batches.waitFor(() => joinedSince(batches, before) >= CROWD && latestCount(batches) === CROWD + 1, 30_000);
    const frames = batches.items.length - before;
    // Per person, this would be CROWD frames.
    expect(frames).toBeLessThanOrEqual(windowsIn(Date.now() - started, PRESENCE_BATCH_MS));
    expect(frames).toBeLessThan(CROWD / 10);
    expect(joinedSince(batches, before)).toBe(CROWD);
    expect(namesBounded(batches)).toBe(true);
    const crowdIds = new Set(people.map((p) => p.user.id));
    expect(new Set(joinedIn(batches)).size).toBe(joinedIn(batches).length);
    expect(joinedIn(batches).every((id) => crowdIds.has(id))).toBe(true);
    expect(leftSince(batches, before)).toBe(0);

    // The per-user contract, expanded from the batches: each of them online, once.
    await perUser.waitFor(
      (items) => items.filter((i) => i.presenceChanged.user.id !== watcher.user.id).length >= CROWD,
    );
    const aboutCrowd = perUser.items.filter((i) => i.presenceChanged.user.id !== watcher.user.id);
    expect(aboutCrowd.every((i) => i.presenceChanged.online)).toBe(true);
    expect(aboutCrowd.map((i) => i.presenceChanged.user.id).sort()).toEqual(people.map((p) => p.user.id).sort());

    // The count and a page of the list, without the whole list.
    const room = await roomOnline(watcher.token, roomId, 20);
    expect(room.onlineCount).toBe(CROWD + 1);
    expect(room.online).toHaveLength(20);
    expect(room.online.map((u) => u.name)).toEqual(room.online.map((u) => u.name).sort((a, b) => a.localeCompare(b)));
    const everyone = new Set([watcher.user.id, ...people.map((p) => p.user.id)]);
    expect(room.online.every((u) => everyone.has(u.id))).toBe(true);

    // Half of them leave at once: again a few frames, and the count follows.
    const leaving = visitors.slice(0, CROWD / 2);
    const framesBefore = batches.items.length;
    const leftAt = Date.now();
    await Promise.all(leaving.map((s) => s.close()));
    await batches.waitFor(
      () => leftSince(batches, framesBefore) >= CROWD / 2 && latestCount(batches) === CROWD / 2 + 1,
      30_000,
    );
    expect(batches.items.length - framesBefore).toBeLessThanOrEqual(windowsIn(Date.now() - leftAt, PRESENCE_BATCH_MS));
    expect(leftSince(batches, framesBefore)).toBe(CROWD / 2);
    expect(namesBounded(batches)).toBe(true);
    const leftIds = new Set(people.slice(0, CROWD / 2).map((p) => p.user.id));
    expect(leftIn(batches).every((id) => leftIds.has(id))).toBe(true);
    expect((await roomOnline(watcher.token, roomId, 5)).onlineCount).toBe(CROWD / 2 + 1);
    expect(batches.errors).toEqual([]);
  }, 90_000);

  it('tells nothing of someone who came and went within one window', async () => {
    const roomId = await createRoom(server.url, watcher.token);
    const { batches, perUser } = await watch(roomId);
    const before = batches.items.length;
    const [flicker, sentinel] = [people[0]!, people[1]!];
    const { presence, store } = server.app.services;
    const [row] = await store.usersByIds([flicker.user.id]);

    // In and out in the same turn of the event loop: one window holds both.
    const exit = await presence.enter(roomId, row!);
    exit();
    // Someone who stays: their batch comes after any the flicker could have caused.
    socketFor(sentinel).subscribe(ON_MESSAGE, { roomId });
    await batches.waitFor(() => joinedIn(batches).includes(sentinel.user.id), 10_000);
    await perUser.waitFor((items) => items.some((i) => i.presenceChanged.user.id === sentinel.user.id));

    expect(joinedIn(batches)).not.toContain(flicker.user.id);
    expect(leftIn(batches)).not.toContain(flicker.user.id);
    expect(perUser.items.map((i) => i.presenceChanged.user.id)).not.toContain(flicker.user.id);
    expect(joinedSince(batches, before) + leftSince(batches, before)).toBe(1); // the sentinel alone
    expect(latestCount(batches)).toBe(2);
  }, 30_000);

  it('executes a batch once for everyone who watches the room alike, not once per watcher', async () => {
    const roomId = await createRoom(server.url, watcher.token);
    const watchers = people.slice(100, 130).map((person) => socketFor(person).subscribe<Batch>(ON_BATCH, { roomId }));
    await expect
      .poll(async () => (await roomOnline(watcher.token, roomId, 1)).onlineCount, { timeout: 20_000 })
      .toBe(watchers.length);
    // Every watcher has heard the last of them arrive: the room is quiet.
    await Promise.all(watchers.map((w) => w.waitFor(() => latestCount(w) === watchers.length, 10_000)));
    const { fanout } = server.app.services;
    const before = fanout.executions;
    const framesBefore = watchers.map((w) => w.items.length);

    const sentinel = people[140]!;
    socketFor(sentinel).subscribe(ON_MESSAGE, { roomId });
    await Promise.all(watchers.map((w) => w.waitFor(() => joinedIn(w).includes(sentinel.user.id), 10_000)));
    const frames = Math.max(...watchers.map((w, k) => w.items.length - framesBefore[k]!));
    expect(frames).toBeGreaterThanOrEqual(1);
    // One execution per batch for the 30 of them (per watcher, it would be 30 each).
    expect(fanout.executions - before).toBe(frames);
    for (const w of watchers) expect(w.errors).toEqual([]);
  }, 60_000);

  it('reads a page of who is online without reading the whole room', async () => {
    const roomId = await createRoom(server.url, watcher.token);
    await watch(roomId);
    for (const person of people.slice(0, 50)) socketFor(person).subscribe(ON_MESSAGE, { roomId });
    const { store } = server.app.services;
    await expect
      .poll(async () => (await roomOnline(watcher.token, roomId, 1)).onlineCount, { timeout: 20_000 })
      .toBe(51);

    // Whatever the presence store keeps, a page of 10 reads at most 10 users from the store.
    const usersByIds = vi.spyOn(store, 'usersByIds');
    try {
      const room = await roomOnline(watcher.token, roomId, 10);
      expect(room.online).toHaveLength(10);
      expect(room.onlineCount).toBe(51);
      expect(usersByIds.mock.calls.every(([ids]) => ids.length <= 10)).toBe(true);
    } finally {
      usersByIds.mockRestore();
    }
  }, 60_000);

  it('says which of a page of people are online, in a room with more online than a page', async () => {
    const roomId = await createRoom(server.url, watcher.token);
    const present = people.slice(150, 190);
    for (const person of present) socketFor(person).subscribe(ON_MESSAGE, { roomId });
    await expect
      .poll(async () => (await roomOnline(watcher.token, roomId, 1)).onlineCount, { timeout: 20_000 })
      .toBe(present.length);

    // Ten of them online, ten who are not, one who does not exist, one named twice.
    const asked = [...present.slice(0, 10), ...people.slice(0, 10)].map((p) => p.user.id);
    const among = async (ids: string[], first?: number) =>
      gql<{ room: { online: User[] } }>(
        server.url,
        'query($id: ID!, $among: [ID!], $first: Int) { room(id: $id) { online(among: $among, first: $first) { id name } } }',
        { id: roomId, among: ids, first },
        { token: watcher.token },
      );
    const answer = await among([...asked, 'nobody', asked[0]!]);
    expect(answer.errors).toBeUndefined();
    const expected = present
      .slice(0, 10)
      .map((p) => p.user)
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(answer.data!.room.online).toEqual(expected.map(({ id, name }) => ({ id, name })));
    expect((await among(asked, 3)).data!.room.online).toEqual(
      expected.slice(0, 3).map(({ id, name }) => ({ id, name })),
    );

    // A page of members at most, and a clear error past it.
    const tooMany = await among(Array.from({ length: ONLINE_AMONG_MAX + 1 }, (_, k) => `u${k}`));
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.message).toContain(String(ONLINE_AMONG_MAX));
  }, 60_000);
});
