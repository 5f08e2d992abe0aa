/**
 * `viewerRoomsChanged` across two nodes: a person's tabs on different nodes hear the same
 * changes to their rooms, reading on one node clears the count on the other, and a new
 * direct room reaches its people wherever they are, and nobody else.
 * Skipped without PostgreSQL and Redis: the embedded default is one node by definition.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { send } from '../helpers/events.js';
import { type Session, createRoom, gqlOk, joinRoom, signUp } from '../helpers/http.js';
import type { Subscription } from '../helpers/ws.js';
import { type SidebarRoom, VIEWER_ROOMS } from '../helpers/viewer-rooms.js';
import { CLUSTER_BACKENDS } from './harness.js';
import { useTwoNodes } from './support.js';

type Event = { viewerRoomsChanged: SidebarRoom };
const about = (feed: Subscription<Event>, roomId: string) =>
  feed.items.map((e) => e.viewerRoomsChanged).filter((room) => room.id === roomId);

describe.runIf(CLUSTER_BACKENDS)('viewerRoomsChanged on two nodes', () => {
  const { socketOn, A, B } = useTwoNodes();
  let alice: Session;
  let bob: Session;
  let carol: Session;
  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all([signUp(A().url), signUp(B().url), signUp(A().url)]);
  }, 30_000);

  /**
   * Sidebars live before it resolves: there is no event that says so, so bob posts in a
   * room of theirs until every one of them has heard.
   */
  async function live(feeds: Subscription<Event>[], roomId: string) {
    const deadline = Date.now() + 10_000;
    while (!feeds.every((f) => about(f, roomId).length > 0)) {
      if (Date.now() > deadline) throw new Error('sidebars never went live');
      await send(B().url, bob.token, roomId, 'anyone there?');
      await Promise.all(feeds.map((f) => f.waitFor((items) => items.length > 0, 500).catch(() => {})));
    }
  }

  it('counts on both nodes, and clears on both when one tab reads on the other node', async () => {
    const roomId = await createRoom(B().url, bob.token);
    await joinRoom(A().url, alice.token, roomId);
    const tabs = [
      socketOn(A(), alice).subscribe<Event>(VIEWER_ROOMS),
      socketOn(B(), alice).subscribe<Event>(VIEWER_ROOMS),
    ];
    await live(tabs, roomId);
    const mention = await send(B().url, bob.token, roomId, `@${alice.user.name} over here`);
    for (const tab of tabs) {
      await tab.waitFor(() => about(tab, roomId).at(-1)?.lastMessage?.id === mention.id, 10_000);
      expect(about(tab, roomId).at(-1)).toMatchObject({ mentionCount: 1 });
      expect(about(tab, roomId).at(-1)!.unreadCount).toBeGreaterThanOrEqual(1);
    }

    // Read on node B: the tab on node A hears it through the person's topic.
    await gqlOk(
      B().url,
      'mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { id } }',
      { r: roomId, m: mention.id },
      { token: alice.token },
    );
    for (const tab of tabs) {
      await tab.waitFor(() => about(tab, roomId).at(-1)?.unreadCount === 0, 10_000);
      expect(about(tab, roomId).at(-1)).toMatchObject({ unreadCount: 0, mentionCount: 0 });
    }
    for (const tab of tabs) tab.dispose();
  }, 60_000);

  it('brings a direct room opened on one node to its people on the other, and nobody else', async () => {
    const aliceOnA = socketOn(A(), alice).subscribe<Event>(VIEWER_ROOMS);
    const carolOnA = socketOn(A(), carol).subscribe<Event>(VIEWER_ROOMS);
    await live([aliceOnA, carolOnA], 'general');
    const { openDirect } = await gqlOk<{ openDirect: { id: string } }>(
      B().url,
      'mutation($n: [String!]!) { openDirect(userNames: $n) { id } }',
      { n: [alice.user.name] },
      { token: bob.token },
    );
    await aliceOnA.waitFor(() => about(aliceOnA, openDirect.id).length > 0, 10_000);
    expect(about(aliceOnA, openDirect.id)[0]).toMatchObject({ kind: 'DIRECT', isMember: true });
    const message = await send(B().url, bob.token, openDirect.id, 'just you');
    await aliceOnA.waitFor(() => about(aliceOnA, openDirect.id).at(-1)?.lastMessage?.id === message.id, 10_000);
    expect(about(aliceOnA, openDirect.id).at(-1)).toMatchObject({ unreadCount: 1, mentionCount: 1 });

    // Carol's sidebar heard general meanwhile, and never the direct room.
    const last = await send(B().url, bob.token, 'general', 'all done');
    await carolOnA.waitFor(() => about(carolOnA, 'general').at(-1)?.lastMessage?.id === last.id, 10_000);
    expect(about(carolOnA, openDirect.id)).toEqual([]);
  }, 60_000);

  it('tells of an invitation made on the other node', async () => {
    const sidebar = socketOn(A(), carol).subscribe<Event>(VIEWER_ROOMS);
    await live([sidebar], 'general');
    const roomId = await createRoom(B().url, bob.token, true);
    await gqlOk(
      B().url,
      'mutation($r: ID!, $u: String!) { invite(roomId: $r, userName: $u) { id } }',
      { r: roomId, u: carol.user.name },
      { token: bob.token },
    );
    await sidebar.waitFor(() => about(sidebar, roomId).length > 0, 10_000);
    expect(about(sidebar, roomId)[0]).toMatchObject({ isMember: true, viewerRole: 'MEMBER' });
    // And, being a member now, hears the room's messages.
    const message = await send(B().url, bob.token, roomId, 'welcome');
    await sidebar.waitFor(() => about(sidebar, roomId).at(-1)?.lastMessage?.id === message.id, 10_000);
    expect(about(sidebar, roomId).at(-1)).toMatchObject({ unreadCount: 1 });
  }, 60_000);
});
