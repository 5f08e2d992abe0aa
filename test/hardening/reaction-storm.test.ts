import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Events,
  type FullMessage,
  REACT,
  ROOM_EVENTS,
  RoomModel,
  UNREACT,
  change,
  send,
  snapshot,
} from '../helpers/events.js';
import { createRoom, joinRoom, type Session, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { waitOnline, waitUntil } from '../helpers/wait.js';
import { useSockets } from '../helpers/ws.js';

const USERS = 24;
const TOGGLES_PER_USER = 40;
const EMOJI = ['👍', '🎉', '❤️', '😂'];
/** A probe of /healthz during the storm must answer within this: the server stays responsive. */
const HEALTHZ_BOUND_MS = 1_000;

/**
 * A reaction storm: many users toggling reactions on the same few messages at once.
 * Every toggle is answered, the server keeps answering others meanwhile, and each
 * watcher of the feed ends with exactly what history shows, its own viewerReacted
 * included.
 */
describe('a reaction storm', () => {
  let server: TestServer;
  let users: Session[];
  const connect = useSockets();

  beforeAll(async () => {
    server = await startServer();
    users = await Promise.all(Array.from({ length: USERS }, () => signUp(server.url)));
  });
  afterAll(() => server.stop());

  it('answers every toggle, stays responsive, and leaves every watcher with what history shows', async () => {
    const roomId = await createRoom(server.url, users[0]!.token);
    for (const user of users.slice(1)) await joinRoom(server.url, user.token, roomId);
    const messages: FullMessage[] = [];
    for (let i = 0; i < 5; i++) messages.push(await send(server.url, users[0]!.token, roomId, `storm ${i}`));

    const watchers = users.slice(0, 3);
    const models = [];
    for (const watcher of watchers) {
      const start = await snapshot(server.url, watcher.token, roomId);
      const socket = await connect(server.wsUrl, watcher.token);
      const feed = socket.subscribe<Events>(ROOM_EVENTS, { roomId, after: start.eventCursor });
      models.push({ watcher, feed, model: new RoomModel(start.messages) });
      await waitOnline(server.url, watcher.token, roomId, watcher.user.name);
    }

    let slowest = 0;
    let storming = true;
    const probe = (async () => {
      while (storming) {
        const started = performance.now();
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        slowest = Math.max(slowest, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const started = performance.now();
    const outcomes = await Promise.all(
      users.map(async (user, u) => {
        const errors: unknown[] = [];
        for (let i = 0; i < TOGGLES_PER_USER; i++) {
          const message = messages[(u + i) % messages.length]!;
          const emoji = EMOJI[(u * 7 + i) % EMOJI.length]!;
          const result = await change(server.url, user.token, i % 3 === 2 ? UNREACT : REACT, {
            id: message.id,
            emoji,
          });
          if (result.errors) errors.push(result.errors);
        }
        return errors;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    storming = false;
    await probe;
    console.info(
      `[reaction storm] ${USERS * TOGGLES_PER_USER} toggles by ${USERS} users in ${seconds.toFixed(1)} s ` +
        `(${Math.round((USERS * TOGGLES_PER_USER) / seconds)}/s); slowest /healthz meanwhile ${Math.round(slowest)} ms`,
    );
    expect(outcomes.flat()).toEqual([]);
    expect(slowest).toBeLessThan(HEALTHZ_BOUND_MS);

    for (const { watcher, feed, model } of models) {
      const fresh = await snapshot(server.url, watcher.token, roomId);
      await waitUntil(() => feed.items.at(-1)?.roomEvents.cursor === fresh.eventCursor, {
        timeoutMs: 10_000,
        what: `${watcher.user.name}'s feed reaching the room's last change`,
      });
      for (const event of feed.items) model.apply(event.roomEvents);
      expect(model.messages).toEqual(fresh.messages);
    }
  }, 60_000);
});
