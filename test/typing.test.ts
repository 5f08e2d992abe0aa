import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS } from '../server/config.js';
import { TYPING_EXPIRY_MS } from '../server/limits.js';
import { type Session, createRoom, gqlOk, sendMessage, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitOnline } from './helpers/wait.js';
import { sseSubscribe } from './helpers/sse.js';
import { type Subscription, type TestSocket, openSocket } from './helpers/ws.js';

let server: TestServer;
let typist: Session;
let watcher: Session;
let third: Session;
const sockets: TestSocket[] = [];
/**
 * The typing expiry this file's server runs with: the 6 s default (TYPING_EXPIRY_MS),
 * shortened so the expiry test does not wait in real time. Long enough that the
 * refresh half-way through cannot land late on a busy machine.
 */
const EXPIRY_MS = 1_500;
/** How late past the expiry the stop may be reported (timer and delivery on a busy CI machine). */
const EXPIRY_SLACK_MS = 1_000;

beforeAll(async () => {
  server = await startServer({ timings: { ...DEFAULT_TIMINGS, typingExpiryMs: EXPIRY_MS } });
  [typist, watcher, third] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await server?.stop();
});

type Typing = { userTyping: { user: { name: string }; isTyping: boolean } };
const ON_TYPING = 'subscription($roomId: ID!) { userTyping(roomId: $roomId) { user { name } isTyping } }';

function socketFor(user: Session): TestSocket {
  const socket = openSocket(server.wsUrl, { token: user.token });
  sockets.push(socket);
  return socket;
}

/** A userTyping subscription of `user`, live before it resolves. */
async function watch(user: Session, roomId: string): Promise<Subscription<Typing>> {
  const sub = socketFor(user).subscribe<Typing>(ON_TYPING, { roomId });
  await waitOnline(server.url, user.token, roomId, user.user.name);
  return sub;
}

const setTyping = (user: Session, roomId: string, isTyping: boolean) =>
  gqlOk(
    server.url,
    'mutation($roomId: ID!, $t: Boolean!) { setTyping(roomId: $roomId, isTyping: $t) }',
    { roomId, t: isTyping },
    {
      token: user.token,
    },
  );

type Batch = { roomTyping: { users: { name: string }[]; count: number } };
const ON_ROOM_TYPING = 'subscription($roomId: ID!) { roomTyping(roomId: $roomId) { users { name } count } }';

const events = (sub: { items: Typing[] }) => sub.items.map((i) => [i.userTyping.user.name, i.userTyping.isTyping]);
const has = (name: string, isTyping: boolean) => (items: Typing[]) =>
  items.some((i) => i.userTyping.user.name === name && i.userTyping.isTyping === isTyping);

describe('typing', () => {
  it("hides a user's own typing events from all their sockets while others see them", async () => {
    const roomId = await createRoom(server.url, typist.token);
    const other = await watch(watcher, roomId);
    // A new subscription begins with who is typing, so each of the typist's two sockets
    // hears the watcher typing once it is live.
    await setTyping(watcher, roomId, true);
    const typistSockets = [socketFor(typist), socketFor(typist)];
    const own = typistSockets.map((s) => s.subscribe<Typing>(ON_TYPING, { roomId }));
    await Promise.all(own.map((sub) => sub.waitFor(has(watcher.user.name, true))));

    await setTyping(typist, roomId, true);
    await other.waitFor(has(typist.user.name, true));
    // From one of the typist's own sockets, too.
    const viaSocket = await typistSockets[1]!.request('mutation($r: ID!) { setTyping(roomId: $r, isTyping: true) }', {
      r: roomId,
    });
    expect(viaSocket.data).toEqual({ setTyping: true });

    // Anything meant for the typist about themself would arrive before this.
    await setTyping(watcher, roomId, false);
    for (const sub of own) {
      await sub.waitFor(has(watcher.user.name, false));
      expect(events(sub)).toEqual([
        [watcher.user.name, true],
        [watcher.user.name, false],
      ]);
    }
    expect(events(other)).toEqual([[typist.user.name, true]]);
  });

  it('reports a typist as stopped once the expiry passes after their last setTyping(true), not before', async () => {
    expect(DEFAULT_TIMINGS.typingExpiryMs).toBe(TYPING_EXPIRY_MS); // what a deployment runs with
    expect(TYPING_EXPIRY_MS).toBe(6_000); // the contract's figure
    const roomId = await createRoom(server.url, typist.token);
    const sub = await watch(watcher, roomId);
    const start = Date.now();
    await Promise.all([setTyping(typist, roomId, true), setTyping(third, roomId, true)]);
    await sub.waitFor(2);
    // The third user refreshes half-way and so stays typing half an expiry longer.
    await new Promise((resolve) => setTimeout(resolve, EXPIRY_MS / 2));
    await setTyping(third, roomId, true);
    const refreshed = Date.now();

    await sub.waitFor(has(typist.user.name, false), EXPIRY_MS + 3 * EXPIRY_SLACK_MS);
    const typistStopped = Date.now() - start;
    expect(has(third.user.name, false)(sub.items)).toBe(false);
    await sub.waitFor(has(third.user.name, false), EXPIRY_MS + 3 * EXPIRY_SLACK_MS);
    const thirdStopped = Date.now() - refreshed;

    expect(typistStopped).toBeGreaterThanOrEqual(EXPIRY_MS - 100);
    expect(typistStopped).toBeLessThan(EXPIRY_MS + EXPIRY_SLACK_MS);
    expect(thirdStopped).toBeGreaterThanOrEqual(EXPIRY_MS - 100);
    expect(thirdStopped).toBeLessThan(EXPIRY_MS + EXPIRY_SLACK_MS);
    expect(events(sub).filter(([, t]) => t === false)).toEqual([
      [typist.user.name, false],
      [third.user.name, false],
    ]);
    // A refresh of someone already typing is not news.
    expect(events(sub).filter(([name]) => name === third.user.name)).toEqual([
      [third.user.name, true],
      [third.user.name, false],
    ]);
  });

  it('reports a typist as stopped at once when they send a message', async () => {
    const roomId = await createRoom(server.url, typist.token);
    const sub = await watch(watcher, roomId);
    await setTyping(typist, roomId, true);
    await sub.waitFor(has(typist.user.name, true));
    const sent = Date.now();
    await sendMessage(server.url, typist.token, roomId, 'done typing');
    await sub.waitFor(has(typist.user.name, false), 2_000);
    expect(Date.now() - sent).toBeLessThan(1_500);
  });

  it('reports a typist as stopped at once when they say so', async () => {
    const roomId = await createRoom(server.url, typist.token);
    const sub = await watch(watcher, roomId);
    await setTyping(typist, roomId, true);
    await sub.waitFor(has(typist.user.name, true));
    await setTyping(typist, roomId, false);
    await sub.waitFor(has(typist.user.name, false), 1_500);
  });

  it('reports a typist as stopped at once when their only subscription socket closes', async () => {
    const roomId = await createRoom(server.url, typist.token);
    const sub = await watch(watcher, roomId);
    const typistSocket = socketFor(typist);
    typistSocket.subscribe(`subscription($roomId: ID!) { messageAdded(roomId: $roomId) { id } }`, { roomId });
    await waitOnline(server.url, watcher.token, roomId, typist.user.name);
    await typistSocket.request('mutation($r: ID!) { setTyping(roomId: $r, isTyping: true) }', { r: roomId });
    await sub.waitFor(has(typist.user.name, true));

    const closed = Date.now();
    await typistSocket.close();
    await sub.waitFor(has(typist.user.name, false), 2_000);
    expect(Date.now() - closed).toBeLessThan(1_500);
  });

  it('begins a subscription with everyone typing right now, but never the subscriber', async () => {
    const roomId = await createRoom(server.url, typist.token);
    const first = await watch(watcher, roomId);
    await Promise.all([setTyping(typist, roomId, true), setTyping(third, roomId, true)]);
    await first.waitFor(2);
    const late = socketFor(third).subscribe<Typing>(ON_TYPING, { roomId });
    await late.waitFor(1);
    await setTyping(watcher, roomId, true); // a fence: the replay of who types came before
    await late.waitFor(has(watcher.user.name, true));
    expect(events(late)).toEqual([
      [typist.user.name, true],
      [watcher.user.name, true],
    ]);
  });

  it("tells a stream over SSE what it tells a socket: the room's typists, never the subscriber", async () => {
    const roomId = await createRoom(server.url, typist.token);
    const overWs = await watch(watcher, roomId);
    const auth = (user: Session) => ({ authorization: `Bearer ${user.token}` });
    const overSse = sseSubscribe<Typing>(server.url, ON_TYPING, { roomId }, auth(watcher));
    const ownSse = sseSubscribe<Typing>(server.url, ON_TYPING, { roomId }, auth(typist));
    const batches = sseSubscribe<Batch>(server.url, ON_ROOM_TYPING, { roomId }, auth(watcher));
    try {
      await batches.waitFor(1); // the opening picture: nobody
      await waitOnline(server.url, watcher.token, roomId, typist.user.name);
      await setTyping(typist, roomId, true);
      await setTyping(third, roomId, true);
      await overWs.waitFor(2);
      await overSse.waitFor(2);
      await batches.waitFor((items) => items.at(-1)!.roomTyping.count === 2);
      await setTyping(third, roomId, false);
      await overWs.waitFor(3);
      await overSse.waitFor(3);
      await ownSse.waitFor(has(third.user.name, false));
      await batches.waitFor((items) => items.at(-1)!.roomTyping.count === 1);

      expect(overSse.items).toEqual(overWs.items);
      expect(events(overSse)).toEqual([
        [typist.user.name, true],
        [third.user.name, true],
        [third.user.name, false],
      ]);
      expect(events(ownSse)).toEqual([
        [third.user.name, true],
        [third.user.name, false],
      ]);
      expect(batches.items[0]!.roomTyping).toEqual({ users: [], count: 0 });
      expect(batches.items.at(-1)!.roomTyping).toEqual({ users: [{ name: typist.user.name }], count: 1 });
    } finally {
      for (const stream of [overSse, ownSse, batches]) stream.close();
    }
  });
});
