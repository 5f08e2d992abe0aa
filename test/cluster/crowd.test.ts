/**
 * Presence and typing of a crowd across two nodes: each node publishes a room's presence
 * once per window, so a subscriber gets a few batch frames however many join on either
 * node; every node agrees on the online count; typists on one node reach the other's
 * subscribers bounded. Frames are counted, never timed.
 * Skipped without PostgreSQL and Redis: the embedded default is one node by definition.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PRESENCE_BATCH_MS, TYPING_BATCH_MS, TYPING_SHOWN_MAX } from '../../server/limits.js';
import { windowsIn } from '../helpers/crowd.js';
import { type Session, type User, createRoom, gqlOk, signUp } from '../helpers/http.js';
import { waitOnline } from '../helpers/wait.js';
import { CLUSTER_BACKENDS, type NodeProcess } from './harness.js';
import { ON_MESSAGE, useTwoNodes } from './support.js';

const CROWD = 40;

type Batch = { roomPresence: { joinedCount: number; onlineCount: number } };
type PerUser = { presenceChanged: { user: User; online: boolean } };
type UserTyping = { userTyping: { user: User; isTyping: boolean } };
type RoomTyping = { roomTyping: { users: User[]; count: number } };
const ON_BATCH = 'subscription($roomId: ID!) { roomPresence(roomId: $roomId) { joinedCount onlineCount } }';
const ON_PER_USER = 'subscription($roomId: ID!) { presenceChanged(roomId: $roomId) { user { id name } online } }';
const ON_USER_TYPING = 'subscription($roomId: ID!) { userTyping(roomId: $roomId) { user { id name } isTyping } }';
const ON_ROOM_TYPING = 'subscription($roomId: ID!) { roomTyping(roomId: $roomId) { users { id name } count } }';

describe.runIf(CLUSTER_BACKENDS)('a crowd across nodes', () => {
  const { socketOn, A, B } = useTwoNodes();
  let watcher: Session;
  let people: Session[];
  beforeAll(async () => {
    watcher = await signUp(B().url);
    people = await Promise.all(Array.from({ length: CROWD }, (_, k) => signUp((k % 2 ? B() : A()).url)));
  }, 120_000);

  const onlineCount = async (node: NodeProcess, roomId: string) =>
    (
      await gqlOk<{ room: { onlineCount: number } }>(
        node.url,
        'query($id: ID!) { room(id: $id) { onlineCount } }',
        { id: roomId },
        { token: watcher.token },
      )
    ).room.onlineCount;

  it('batches a crowd joining on both nodes, and both nodes count it', async () => {
    const roomId = await createRoom(A().url, watcher.token);
    const socket = socketOn(B(), watcher);
    const batches = socket.subscribe<Batch>(ON_BATCH, { roomId });
    const perUser = socket.subscribe<PerUser>(ON_PER_USER, { roomId });
    await waitOnline(B().url, watcher.token, roomId, watcher.user.name, 10_000);
    await batches.waitFor((items) => items.some((i) => i.roomPresence.joinedCount > 0)); // the watcher's own arrival
    const before = batches.items.length;
    const joined = () => batches.items.slice(before).reduce((n, i) => n + i.roomPresence.joinedCount, 0);

    const started = Date.now();
    people.forEach((person, k) => socketOn(k % 2 ? B() : A(), person).subscribe(ON_MESSAGE, { roomId }));
    await batches.waitFor(
      () => joined() === CROWD && batches.items.at(-1)!.roomPresence.onlineCount === CROWD + 1,
      30_000,
    );
    expect(batches.items.length - before).toBeLessThanOrEqual(windowsIn(Date.now() - started, PRESENCE_BATCH_MS, 2));
    expect(batches.items.length - before).toBeLessThan(CROWD / 4);
    expect(await onlineCount(A(), roomId)).toBe(CROWD + 1);
    expect(await onlineCount(B(), roomId)).toBe(CROWD + 1);

    await perUser.waitFor(
      (items) => items.filter((i) => i.presenceChanged.user.id !== watcher.user.id).length >= CROWD,
    );
    const aboutCrowd = perUser.items.filter((i) => i.presenceChanged.user.id !== watcher.user.id);
    expect(aboutCrowd.every((i) => i.presenceChanged.online)).toBe(true);
    expect(aboutCrowd.map((i) => i.presenceChanged.user.id).sort()).toEqual(people.map((p) => p.user.id).sort());
    expect(batches.errors).toEqual([]);
  }, 60_000);

  it('tells a subscriber on one node of typists on the other, bounded', async () => {
    const roomId = await createRoom(A().url, watcher.token);
    const socket = socketOn(B(), watcher);
    const perUser = socket.subscribe<UserTyping>(ON_USER_TYPING, { roomId });
    const batches = socket.subscribe<RoomTyping>(ON_ROOM_TYPING, { roomId });
    await batches.waitFor(1);
    await waitOnline(B().url, watcher.token, roomId, watcher.user.name, 10_000);

    const typists = people.slice(0, 20);
    const started = Date.now();
    await Promise.all(
      typists.map((t) =>
        gqlOk(
          A().url,
          'mutation($roomId: ID!) { setTyping(roomId: $roomId, isTyping: true) }',
          { roomId },
          { token: t.token },
        ),
      ),
    );
    await batches.waitFor(() => batches.items.at(-1)!.roomTyping.count === typists.length, 10_000);
    expect(batches.items.length - 1).toBeLessThanOrEqual(windowsIn(Date.now() - started, TYPING_BATCH_MS));
    expect(perUser.items.length).toBeLessThanOrEqual(TYPING_SHOWN_MAX);
    expect(batches.items.at(-1)!.roomTyping.users).toHaveLength(TYPING_SHOWN_MAX);
    expect(perUser.items.map((i) => i.userTyping.user.id)).not.toContain(watcher.user.id);
  }, 60_000);
});
