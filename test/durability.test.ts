import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type Message, createRoom, gqlOk, history, sendMessage, signIn, signUp } from './helpers/http.js';
import { sqliteDatabase } from './helpers/backends.js';
import { duplicates } from './cluster/support.js';
import { type ServerProcess, startServerProcess, steadyWriter } from './faults/support.js';
import { startServer } from './helpers/server.js';
import { DELETE, EDIT, type Events, REACT, ROOM_EVENTS, RoomModel, change, send, snapshot } from './helpers/events.js';
import { openSocket } from './helpers/ws.js';

describe('durability', () => {
  it('keeps every acknowledged message, user, session and room across a restart', async () => {
    const first = await startServer();
    let second: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      const alice = await signUp(first.url);
      const bob = await signUp(first.url);
      const publicRoom = await createRoom(first.url, alice.token);
      const privateRoom = await createRoom(first.url, alice.token, true);
      const acknowledged: Message[] = [];
      // Over HTTP and over a socket, some in parallel: whatever was acknowledged must stay.
      const socket = openSocket(first.wsUrl, { token: bob.token });
      for (let i = 0; i < 10; i++)
        acknowledged.push(await sendMessage(first.url, alice.token, publicRoom, `http ${i}`));
      const parallel = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          socket
            .request<{ sendMessage: Message }>(
              'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id roomId text createdAt author { id name } } }',
              { r: publicRoom, t: `ws ${i}` },
            )
            .then((r) => r.data!.sendMessage),
        ),
      );
      acknowledged.push(...parallel);
      const secret = await sendMessage(first.url, alice.token, privateRoom, 'kept private');
      const before = await history(first.url, alice.token, publicRoom);
      await socket.close();
      await first.stop({ keepDatabase: true });

      second = await startServer({ databaseUrl: first.databaseUrl });
      const after = await history(second.url, alice.token, publicRoom);
      expect(after).toEqual(before);
      expect(new Set(after.map((m) => m.id))).toEqual(new Set(acknowledged.map((m) => m.id)));
      expect(after).toHaveLength(30);

      // The old token still works, the password still signs in, the private room is still private.
      const { me } = await gqlOk<{ me: { name: string } }>(second.url, '{ me { name } }', {}, { token: alice.token });
      expect(me.name).toBe(alice.user.name);
      expect((await signIn(second.url, bob.user.name)).user).toEqual(bob.user);
      expect(await history(second.url, alice.token, privateRoom)).toEqual([secret]);
      const hidden = await gqlOk<{ room: unknown }>(
        second.url,
        `{ room(id: "${privateRoom}") { id } }`,
        {},
        {
          token: bob.token,
        },
      );
      expect(hidden.room).toBeNull();

      // A client that was away across the restart resumes from the last id it saw.
      const resumer = openSocket(second.wsUrl, { token: bob.token });
      const resumed = resumer.subscribe<{ messageAdded: { id: string } }>(
        'subscription($r: ID!, $after: ID) { messageAdded(roomId: $r, after: $after) { id } }',
        { r: publicRoom, after: before[9]!.id },
      );
      await resumed.waitFor(20);
      expect(resumed.items.map((i) => i.messageAdded.id)).toEqual(before.slice(10).map((m) => m.id));
      await resumer.close();

      // And the room's order goes on from where it was.
      const next = await sendMessage(second.url, bob.token, publicRoom, 'after the restart');
      expect((await history(second.url, bob.token, publicRoom)).map((m) => m.id)).toEqual([
        ...before.map((m) => m.id),
        next.id,
      ]);
    } finally {
      await second?.stop();
      await first.stop();
      await first.removeDatabase();
    }
  });

  it('keeps every acknowledged edit, deletion and reaction, and the change feed resumes across a restart', async () => {
    const first = await startServer();
    let second: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      const alice = await signUp(first.url);
      const roomId = await createRoom(first.url, alice.token);
      const start = await snapshot(first.url, alice.token, roomId);
      const [a, b, c] = [
        await send(first.url, alice.token, roomId, 'a'),
        await send(first.url, alice.token, roomId, 'b'),
        await send(first.url, alice.token, roomId, 'c'),
      ];
      await change(first.url, alice.token, EDIT, { id: a!.id, text: 'a, edited' });
      await change(first.url, alice.token, DELETE, { id: b!.id });
      await change(first.url, alice.token, REACT, { id: c!.id, emoji: '🎉' });
      const before = await snapshot(first.url, alice.token, roomId);
      await first.stop({ keepDatabase: true });

      second = await startServer({ databaseUrl: first.databaseUrl });
      const after = await snapshot(second.url, alice.token, roomId);
      expect(after).toEqual(before);
      // A client that read the room before all of it catches up from its cursor.
      const socket = openSocket(second.wsUrl, { token: alice.token });
      const feed = socket.subscribe<Events>(ROOM_EVENTS, { roomId, after: start.eventCursor });
      await feed.waitFor((items) => items.at(-1)?.roomEvents.cursor === after.eventCursor);
      const model = new RoomModel(start.messages);
      for (const event of feed.items) model.apply(event.roomEvents);
      expect(model.messages).toEqual(after.messages);
      await socket.close();
    } finally {
      await second?.stop();
      await first.stop();
      await first.removeDatabase();
    }
  });

  it('keeps every acknowledged message in SQLite when the process is killed (SIGKILL) mid-write, and the file stays sound', async () => {
    // SQLite whatever DATABASE_URL says: the embedded store is what a crash could tear.
    const database = sqliteDatabase();
    const file = database.url.slice('file:'.length);
    let first: ServerProcess | undefined;
    let second: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      first = await startServerProcess(database.url);
      const alice = await signUp(first.url);
      const roomId = await createRoom(first.url, alice.token);
      // Four writers at once, so that several sends are in flight when the process dies.
      const node = { name: 'the node', url: first.url };
      const writers = [0, 1, 2, 3].map((w) => steadyWriter([node], alice, roomId, { intervalMs: 0, label: `w${w}` }));
      const acknowledged = () => writers.reduce((n, w) => n + w.acknowledged(), 0);
      while (acknowledged() < 200) await new Promise((resolve) => setTimeout(resolve, 10));
      await first.kill('SIGKILL');
      const sends = (await Promise.all(writers.map((w) => w.stop()))).flat();
      const lost = sends.filter((s) => !s.outcome.ok);
      expect(lost.length, 'sends in flight when the process died').toBeGreaterThan(0);

      // The file opens clean: WAL replayed, nothing torn.
      const check = new Database(file, { readonly: true });
      try {
        expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        check.close();
      }

      // Started again (here, in this process: what it reads is the file).
      second = await startServer({ databaseUrl: database.url }, { embedded: true });
      const stored = await history(second.url, alice.token, roomId);
      const byId = new Map(stored.map((m) => [m.id, m]));
      for (const { clientId, outcome } of sends) {
        if (outcome.ok) expect(byId.get(outcome.message.id), `${clientId}, acknowledged`).toEqual(outcome.message);
      }
      // A send cut off may or may not have committed; its retry with the same clientId
      // finds it, or stores it now: once either way.
      for (const { clientId, text } of lost) await sendMessage(second.url, alice.token, roomId, text, clientId);
      const after = (await history(second.url, alice.token, roomId)).map((m) => m.id);
      expect(duplicates(after)).toEqual([]);
      expect(after).toHaveLength(sends.length);
      console.info(
        `SQLite, SIGKILL mid-write: ${sends.length - lost.length} acknowledged, all kept; ` +
          `${lost.length} in flight (${stored.length - (sends.length - lost.length)} of them had committed)`,
      );
    } finally {
      await first?.kill();
      await second?.stop();
      await database.drop();
    }
  }, 90_000);
});
