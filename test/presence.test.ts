import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, createRoom, onlineNames, sendMessage, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitOnline } from './helpers/wait.js';
import { type Subscription, type TestSocket, openSocket } from './helpers/ws.js';

let server: TestServer;
let watcher: Session;
let visitor: Session;
let other: Session;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  server = await startServer();
  [watcher, visitor, other] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await server?.stop();
});

type Presence = { presenceChanged: { user: { id: string; name: string }; online: boolean } };

function socketFor(user: Session): TestSocket {
  const socket = openSocket(server.wsUrl, { token: user.token });
  sockets.push(socket);
  return socket;
}

async function watch(roomId: string): Promise<Subscription<Presence>> {
  const sub = socketFor(watcher).subscribe<Presence>(
    'subscription($roomId: ID!) { presenceChanged(roomId: $roomId) { user { id name } online } }',
    { roomId },
  );
  await waitOnline(server.url, watcher.token, roomId, watcher.user.name);
  return sub;
}

/** A subscription of `user` to the room's messages: what makes them online there. */
function visit(
  user: Session,
  roomId: string,
  after?: string,
): TestSocket & { messages: Subscription<{ messageAdded: { id: string } }> } {
  const socket = socketFor(user);
  const messages = socket.subscribe<{ messageAdded: { id: string } }>(
    `subscription($roomId: ID!, $after: ID) { messageAdded(roomId: $roomId, after: $after) { id } }`,
    { roomId, after },
  );
  return Object.assign(socket, { messages });
}

/** Presence events about anyone but the watcher, as [name, online]. */
const about = (sub: Subscription<Presence> | Presence[]) =>
  (Array.isArray(sub) ? sub : sub.items)
    .map((i) => i.presenceChanged)
    .filter((e) => e.user.name !== watcher.user.name)
    .map((e) => [e.user.name, e.online]);

describe('presence', () => {
  it('announces a user online when they subscribe and offline when their socket closes', async () => {
    const roomId = await createRoom(server.url, watcher.token);
    const sub = await watch(roomId);
    expect(await onlineNames(server.url, watcher.token, roomId)).toEqual([watcher.user.name]);

    const socket = visit(visitor, roomId);
    const items = await sub.waitFor((received) => about(received).length >= 1);
    const event = items.find((i) => i.presenceChanged.user.name === visitor.user.name);
    expect(event?.presenceChanged).toEqual({ user: visitor.user, online: true });
    expect((await onlineNames(server.url, watcher.token, roomId)).sort()).toEqual(
      [watcher.user.name, visitor.user.name].sort(),
    );

    await socket.close();
    await sub.waitFor(() => about(sub).length >= 2);
    expect(about(sub)).toEqual([
      [visitor.user.name, true],
      [visitor.user.name, false],
    ]);
    expect(await onlineNames(server.url, watcher.token, roomId)).toEqual([watcher.user.name]);
  });

  it('keeps a user online while any of their subscriptions to the room lives', async () => {
    const roomId = await createRoom(server.url, watcher.token);
    const sub = await watch(roomId);
    const first = visit(visitor, roomId);
    await sub.waitFor(() => about(sub).length >= 1);
    // The second subscription counts its user online before it replays: once it has
    // replayed a message, it is live.
    const hello = await sendMessage(server.url, other.token, roomId, 'hello');
    await sendMessage(server.url, other.token, roomId, 'are you there?');
    const second = visit(visitor, roomId, hello.id);
    await second.messages.waitFor(1);
    await first.close();
    const fence = visit(other, roomId);
    await sub.waitFor(() => about(sub).some(([name]) => name === other.user.name));
    expect(about(sub)).toEqual([
      [visitor.user.name, true],
      [other.user.name, true],
    ]);
    expect(await onlineNames(server.url, watcher.token, roomId)).toContain(visitor.user.name);

    await second.close();
    await sub.waitFor(() => about(sub).length >= 3);
    expect(about(sub).at(-1)).toEqual([visitor.user.name, false]);
    expect(await onlineNames(server.url, watcher.token, roomId)).not.toContain(visitor.user.name);
    await fence.close();
  });

  it('counts a user online only in the rooms they subscribe to', async () => {
    const here = await createRoom(server.url, watcher.token);
    const elsewhere = await createRoom(server.url, watcher.token);
    visit(visitor, here);
    await waitOnline(server.url, watcher.token, here, visitor.user.name);
    expect(await onlineNames(server.url, watcher.token, elsewhere)).not.toContain(visitor.user.name);
  });
});
