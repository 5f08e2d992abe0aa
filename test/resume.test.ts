import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MESSAGE_FIELDS,
  type Message,
  type Session,
  createRoom,
  history,
  sendMessage,
  signUp,
} from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitOnline } from './helpers/wait.js';
import { type TestSocket, errorsOf, openSocket } from './helpers/ws.js';

let server: TestServer;
let alice: Session;
let bob: Session;
const sockets: TestSocket[] = [];
beforeAll(async () => {
  server = await startServer();
  [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await server?.stop();
});

type Added = { messageAdded: Message };
const ON_MESSAGE = `subscription($roomId: ID!, $after: ID) {
  messageAdded(roomId: $roomId, after: $after) { ${MESSAGE_FIELDS} }
}`;

function socketFor(user: Session): TestSocket {
  const socket = openSocket(server.wsUrl, { token: user.token });
  sockets.push(socket);
  return socket;
}

/** Sends `count` messages, `parallel` at a time, as alternating users. */
async function seed(roomId: string, count: number, prefix: string, parallel = 10): Promise<void> {
  for (let start = 0; start < count; start += parallel) {
    await Promise.all(
      Array.from({ length: Math.min(parallel, count - start) }, (_, j) =>
        sendMessage(server.url, (start + j) % 2 ? alice.token : bob.token, roomId, `${prefix} ${start + j}`),
      ),
    );
  }
}

describe('resuming messageAdded with after', () => {
  it('replays exactly the messages missed while away, in order, then continues live', async () => {
    const roomId = await createRoom(server.url, alice.token);
    const first = socketFor(bob);
    const before = first.subscribe<Added>(ON_MESSAGE, { roomId });
    await waitOnline(server.url, alice.token, roomId, bob.user.name);
    for (let i = 0; i < 5; i++) await sendMessage(server.url, alice.token, roomId, `seen ${i}`);
    const seen = await before.waitFor(5);
    const lastSeen = seen.at(-1)!.messageAdded.id;
    await first.close();

    const missed: Message[] = [];
    for (let i = 0; i < 7; i++) missed.push(await sendMessage(server.url, alice.token, roomId, `missed ${i}`));

    const resumed = socketFor(bob).subscribe<Added>(ON_MESSAGE, { roomId, after: lastSeen });
    const replayed = await resumed.waitFor(7);
    expect(replayed.map((i) => i.messageAdded)).toEqual(missed);

    const live: Message[] = [];
    for (let i = 0; i < 3; i++) live.push(await sendMessage(server.url, alice.token, roomId, `live ${i}`));
    await resumed.waitFor(10);
    expect(resumed.items.map((i) => i.messageAdded.id)).toEqual([...missed, ...live].map((m) => m.id));
  });

  it('replays nothing after the newest message and then delivers live ones', async () => {
    const roomId = await createRoom(server.url, alice.token);
    const newest = await sendMessage(server.url, alice.token, roomId, 'newest');
    const sub = socketFor(bob).subscribe<Added>(ON_MESSAGE, { roomId, after: newest.id });
    await waitOnline(server.url, alice.token, roomId, bob.user.name);
    const next = await sendMessage(server.url, alice.token, roomId, 'next');
    await sub.waitFor(1);
    const fence = await sendMessage(server.url, alice.token, roomId, 'fence');
    await sub.waitFor(2);
    expect(sub.items.map((i) => i.messageAdded.id)).toEqual([next.id, fence.id]);
  });

  it('has no gap and no duplicate at the seam of a 350-message replay while others keep sending', async () => {
    const roomId = await createRoom(server.url, alice.token);
    await seed(roomId, 351, 'backlog');
    const backlog = await history(server.url, alice.token, roomId);
    expect(backlog).toHaveLength(351);

    const socket = socketFor(bob);
    await socket.connected;
    const sub = socket.subscribe<Added>(ON_MESSAGE, { roomId, after: backlog[0]!.id });
    // Four senders start with the subscription, so their messages race its replay
    // (the next test places sends at the seam's exact edges).
    const live = (
      await Promise.all(
        [alice, bob, alice, bob].map(async (user, lane) => {
          const sent: Message[] = [];
          for (let i = 0; i < 10; i++) {
            sent.push(await sendMessage(server.url, user.token, roomId, `during ${lane}.${i}`));
          }
          return sent;
        }),
      )
    ).flat();
    const everything = await history(server.url, alice.token, roomId);
    expect(everything).toHaveLength(391);
    const expected = everything.slice(1).map((m) => m.id);
    await sub.waitFor(expected.length, 15_000);
    const fence = await sendMessage(server.url, alice.token, roomId, 'fence');
    await sub.waitFor(expected.length + 1);
    expect(sub.items.map((i) => i.messageAdded.id)).toEqual([...expected, fence.id]);
    expect(new Set(live.map((m) => m.id)).size).toBe(40);
  });

  it('has no gap and no duplicate when messages are sent just before and just after the replay reads', async () => {
    const roomId = await createRoom(server.url, alice.token);
    await seed(roomId, 351, 'backlog');
    const [oldest] = await history(server.url, alice.token, roomId);
    // Sends exactly at the two edges of the seam, from inside the replay's store reads:
    // one committed after the subscription listens but before the first read (it is
    // both replayed and heard live), one committed after the last read (heard live only).
    const store = server.app.services.store;
    const read = store.messagesAfter.bind(store);
    let reads = 0;
    const injected: Message[] = [];
    const spy = vi.spyOn(store, 'messagesAfter').mockImplementation(async (room, afterSeq, limit) => {
      if (room !== roomId) return read(room, afterSeq, limit);
      reads += 1;
      if (reads === 1) injected.push(await sendMessage(server.url, alice.token, roomId, 'before the first read'));
      const rows = await read(room, afterSeq, limit);
      if (reads === 2) injected.push(await sendMessage(server.url, alice.token, roomId, 'after the last read'));
      return rows;
    });
    try {
      const sub = socketFor(bob).subscribe<Added>(ON_MESSAGE, { roomId, after: oldest!.id });
      await sub.waitFor(352, 15_000);
      expect(reads).toBe(2); // 351 after the oldest: a batch of 200, then the rest
      expect(injected).toHaveLength(2);
      const fence = await sendMessage(server.url, alice.token, roomId, 'fence');
      await sub.waitFor((items) => items.some((i) => i.messageAdded.id === fence.id));
      const everything = await history(server.url, alice.token, roomId);
      expect(sub.items.map((i) => i.messageAdded.id)).toEqual(everything.slice(1).map((m) => m.id));
      expect(everything.slice(-3).map((m) => m.text)).toEqual([
        'before the first read',
        'after the last read',
        'fence',
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses as BAD_USER_INPUT an after that is not a message of the room', async () => {
    const roomId = await createRoom(server.url, alice.token);
    const elsewhere = await createRoom(server.url, alice.token);
    const foreign = await sendMessage(server.url, alice.token, elsewhere, 'another room');
    const socket = socketFor(bob);
    for (const after of [foreign.id, '999999999', 'not-an-id']) {
      const sub = socket.subscribe<Added>(ON_MESSAGE, { roomId, after });
      const errors = errorsOf(await sub.waitForError());
      expect(
        errors.map((e) => e.extensions?.code),
        after,
      ).toEqual(['BAD_USER_INPUT']);
      expect(errors[0]!.extensions?.field).toBe('after');
    }
  });
});
