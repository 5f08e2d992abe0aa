import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, createRoom, sendMessage, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitOnline } from './helpers/wait.js';
import { type TestSocket, useSockets } from './helpers/ws.js';

/**
 * The shared fan-out path must keep every GraphQL promise: each subscriber gets exactly
 * the fields it selected, and an event is executed once per distinct selection group,
 * never once per subscriber (the cost that makes naive subscriptions 4-6x Socket.IO).
 */
describe('messageAdded fan-out', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  const connect = useSockets();

  beforeAll(async () => {
    server = await startServer();
    alice = await signUp(server.url);
    bob = await signUp(server.url);
  });
  afterAll(() => server.stop());

  const socketFor = (session: Session): Promise<TestSocket> => connect(server.wsUrl, session.token);

  it('executes each message once per selection group and gives each subscriber its own fields', async () => {
    const roomId = 'general';
    const plain =
      'subscription Plain($roomId: ID!, $after: ID) { messageAdded(roomId: $roomId, after: $after) { id text } }';
    const fancy = /* GraphQL */ `
      subscription Fancy($roomId: ID!, $withAuthor: Boolean!) {
        m: messageAdded(roomId: $roomId) {
          ...Parts
          who: author @include(if: $withAuthor) {
            name
          }
        }
      }
      fragment Parts on Message {
        body: text
        roomId
      }
    `;
    const seed = await sendMessage(server.url, bob.token, roomId, 'seed');

    const same = [];
    for (let i = 0; i < 6; i++) {
      const socket = await socketFor(i % 2 ? alice : bob);
      // Half resume from the seed: a different `after` must not split the group.
      same.push(socket.subscribe(plain, i % 2 ? { roomId } : { roomId, after: seed.id }));
    }
    const fancyWith = (await socketFor(alice)).subscribe(fancy, { roomId, withAuthor: true });
    const fancyWithout = (await socketFor(bob)).subscribe(fancy, { roomId, withAuthor: false });
    await waitOnline(server.url, alice.token, roomId, alice.user.name);
    await waitOnline(server.url, alice.token, roomId, bob.user.name);
    // Subscriptions without `after` are live once online; those with it replay nothing.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const { fanout } = server.app.services;
    const before = fanout.executions;
    const sent = await sendMessage(server.url, alice.token, roomId, 'hello <world>');

    for (const feed of same) {
      const items = await feed.waitFor(1);
      expect(items.at(-1)).toEqual({ messageAdded: { id: sent.id, text: 'hello <world>' } });
    }
    expect((await fancyWith.waitFor(1)).at(-1)).toEqual({
      m: { body: 'hello <world>', roomId, who: { name: alice.user.name } },
    });
    expect((await fancyWithout.waitFor(1)).at(-1)).toEqual({ m: { body: 'hello <world>', roomId } });
    // Three groups: Plain, Fancy with the author, Fancy without. Eight subscribers.
    expect(fanout.executions - before).toBe(3);
  });

  it('executes a replayed message once for all the subscribers that resume from the same place', async () => {
    // A node that comes back sees its clients resume together from about the same message.
    const roomId = await createRoom(server.url, alice.token);
    const seen = await sendMessage(server.url, alice.token, roomId, 'seen by all');
    const missed: string[] = [];
    for (let i = 0; i < 5; i++) missed.push((await sendMessage(server.url, bob.token, roomId, `missed ${i}`)).id);
    const query = 'subscription($r: ID!, $after: ID) { messageAdded(roomId: $r, after: $after) { id text } }';
    const before = server.app.services.fanout.executions;
    const feeds = [];
    for (let i = 0; i < 12; i++) {
      const socket = await socketFor(i % 2 ? alice : bob);
      feeds.push(socket.subscribe<{ messageAdded: { id: string } }>(query, { r: roomId, after: seen.id }));
    }
    for (const feed of feeds) expect((await feed.waitFor(5)).map((m) => m.messageAdded.id)).toEqual(missed);
    expect(server.app.services.fanout.executions - before).toBe(5);
  });

  it('delivers to every socket exactly once when many share one group', async () => {
    const roomId = 'general';
    const query = 'subscription { messageAdded(roomId: "general") { id } }';
    const feeds = [];
    for (let i = 0; i < 20; i++)
      feeds.push((await socketFor(i % 2 ? alice : bob)).subscribe<{ messageAdded: { id: string } }>(query));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = server.app.services.fanout.executions;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await sendMessage(server.url, bob.token, roomId, `n${i}`)).id);
    for (const feed of feeds) {
      await feed.waitFor((items) => items.some((m) => m.messageAdded.id === ids.at(-1)));
      const seen = feed.items.map((m) => m.messageAdded.id).filter((id) => ids.includes(id));
      expect(seen).toEqual(ids);
    }
    expect(server.app.services.fanout.executions - before).toBeLessThanOrEqual(5 * 3 + 5);
  });
});
