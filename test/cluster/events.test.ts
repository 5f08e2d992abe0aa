/**
 * The room change feed across two nodes: changes made on either node reach watchers on
 * both in one order, and a watcher whose node is killed resumes on the other from its
 * last cursor and ends with what history shows.
 * Skipped without PostgreSQL and Redis: the embedded default is one node by definition.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EDIT, type Events, REACT, ROOM_EVENTS, RoomModel, change, send, snapshot } from '../helpers/events.js';
import { checkFeedProperty } from '../helpers/feed-property.js';
import { createRoom, gqlOk, joinRoom, type Session, signUp } from '../helpers/http.js';
import { waitOnline, waitUntil } from '../helpers/wait.js';
import { CLUSTER_BACKENDS } from './harness.js';
import { useTwoNodes } from './support.js';

describe.runIf(CLUSTER_BACKENDS)('the change feed on two nodes', () => {
  const { socketOn, A, B } = useTwoNodes();
  let users: Session[];
  beforeAll(async () => {
    users = await Promise.all(Array.from({ length: 4 }, (_, i) => signUp((i % 2 ? B() : A()).url)));
  }, 30_000);

  for (const seed of [101, 102]) {
    it(`rebuilds what history shows with changes and resumes on either node (seed ${seed})`, async () => {
      const target = { urls: () => [A().url, B().url], wsUrls: () => [A().wsUrl, B().wsUrl] };
      await checkFeedProperty(target, users, { seed, steps: 100 });
    }, 90_000);
  }

  it('resumes on the other node after its own is killed with kill -9, missing nothing', async () => {
    const [watcher, writer] = users as [Session, Session];
    const roomId = await createRoom(B().url, watcher.token);
    await joinRoom(B().url, writer.token, roomId);
    const start = await snapshot(B().url, watcher.token, roomId);
    const model = new RoomModel(start.messages, start.eventCursor);
    const feed = socketOn(A(), watcher).subscribe<Events>(ROOM_EVENTS, { roomId, after: model.cursor });
    await waitOnline(A().url, watcher.token, roomId, watcher.user.name, 10_000);

    const sent = [];
    for (let i = 0; i < 10; i++) sent.push(await send(B().url, writer.token, roomId, `before ${i}`));
    await feed.waitFor(10, 10_000);
    for (const event of feed.items) model.apply(event.roomEvents);

    await A().kill('SIGKILL');
    // While the watcher is away: changes to what it has and new messages, all on B.
    for (const [i, message] of sent.entries()) {
      if (i % 2) await change(B().url, writer.token, EDIT, { id: message.id, text: `edited ${i}` });
      else await change(B().url, writer.token, REACT, { id: message.id, emoji: '👍' });
    }
    const last = await send(B().url, writer.token, roomId, 'after the kill');

    const resumed = socketOn(B(), watcher).subscribe<Events>(ROOM_EVENTS, { roomId, after: model.cursor });
    await resumed.waitFor((items) => items.some((e) => e.roomEvents.message?.id === last.id), 10_000);
    for (const event of resumed.items) model.apply(event.roomEvents);
    const fresh = await snapshot(B().url, watcher.token, roomId);
    expect(model.cursor).toBe(fresh.eventCursor);
    expect(model.messages).toEqual(fresh.messages);

    await A().restart();
    // The restarted node serves the same feed from the same cursor.
    const again = socketOn(A(), watcher).subscribe<Events>(ROOM_EVENTS, { roomId, after: start.eventCursor });
    await waitUntil(() => again.items.at(-1)?.roomEvents.cursor === fresh.eventCursor, {
      timeoutMs: 10_000,
      what: 'the restarted node replaying the whole feed',
    });
    const rebuilt = new RoomModel(start.messages);
    for (const event of again.items) rebuilt.apply(event.roomEvents);
    expect(rebuilt.messages).toEqual(fresh.messages);
  }, 90_000);
});

describe.runIf(CLUSTER_BACKENDS)('direct rooms on two nodes', () => {
  const { A, B } = useTwoNodes();

  it('gives one room to the same people opening their conversation at the same moment on both nodes', async () => {
    const people = await Promise.all(Array.from({ length: 3 }, (_, i) => signUp((i % 2 ? B() : A()).url)));
    const names = people.map((p) => p.user.name);
    const opened = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const who = people[i % people.length]!;
        const node = i % 2 ? B() : A();
        return gqlOk<{ openDirect: { id: string; memberCount: number } }>(
          node.url,
          'mutation($n: [String!]!) { openDirect(userNames: $n) { id memberCount } }',
          { n: names.filter((n) => n !== who.user.name) },
          { token: who.token },
        );
      }),
    );
    expect(new Set(opened.map((o) => o.openDirect.id)).size).toBe(1);
    expect(opened.every((o) => o.openDirect.memberCount === 3)).toBe(true);
  }, 60_000);
});
