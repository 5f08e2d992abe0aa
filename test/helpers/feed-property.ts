import { expect } from 'vitest';
import { DELETE, EDIT, type Events, REACT, ROOM_EVENTS, RoomModel, UNREACT, change, send, snapshot } from './events.js';
import { createRoom, joinRoom, type Session } from './http.js';
import { waitUntil } from './wait.js';
import { type Subscription, type TestSocket, openSocket } from './ws.js';

/** Where the property runs: the nodes operations go to and the nodes the watcher uses. */
export interface FeedPropertyTarget {
  /** HTTP base URLs; each operation picks one at random. */
  readonly urls: () => readonly string[];
  /** graphql-ws URLs; each (re)connection of the watcher picks one at random. */
  readonly wsUrls: () => readonly string[];
}

const EMOJI = ['👍', '🎉', '❤️', '👀', '🚀'];

/** A small seeded generator (mulberry32), so a failing run can be repeated with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Random operations by several users (send, reply, edit, delete, react, unreact), with
 * one watcher that drops its connection at random and resumes from the cursor of the
 * last event it received. After every step at which it is connected, what it rebuilt
 * from the events equals a fresh read of history by the same user.
 */
export async function checkFeedProperty(
  target: FeedPropertyTarget,
  users: readonly Session[],
  { seed, steps }: { seed: number; steps: number },
): Promise<void> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const [watcher, ...others] = users as [Session, ...Session[]];
  const roomId = await createRoom(pick(target.urls()), watcher.token);
  for (const user of others) await joinRoom(pick(target.urls()), user.token, roomId);
  const start = await snapshot(pick(target.urls()), watcher.token, roomId);
  const model = new RoomModel(start.messages, start.eventCursor);
  const ids: { id: string; author: Session }[] = [];

  let socket: TestSocket | undefined;
  let feed: Subscription<Events> | undefined;
  let applied = 0;
  const connect = async () => {
    socket = openSocket(pick(target.wsUrls()), { token: watcher.token });
    await socket.connected;
    feed = socket.subscribe<Events>(ROOM_EVENTS, { roomId, after: model.cursor });
    applied = 0;
  };
  const disconnect = async () => {
    await socket!.close();
    socket = feed = undefined;
  };
  await connect();

  const operation = async () => {
    const actor = pick(users);
    const url = pick(target.urls());
    const mine = ids.filter((m) => m.author === actor);
    const roll = next();
    if (ids.length === 0 || roll < 0.3) {
      const replyTo = ids.length > 0 && next() < 0.3 ? pick(ids).id : undefined;
      const mention = next() < 0.3 ? ` @${pick(users).user.name}` : '';
      const message = await send(url, actor.token, roomId, `m${ids.length}${mention}`, replyTo);
      ids.push({ id: message.id, author: actor });
      return `${actor.user.name} sends`;
    }
    // Refusals (a deleted message, someone else's) are part of the property: they change nothing.
    if (roll < 0.45 && mine.length > 0) {
      await change(url, actor.token, EDIT, { id: pick(mine).id, text: `edited ${Math.floor(next() * 1e6)}` });
      return `${actor.user.name} edits`;
    }
    if (roll < 0.55) {
      await change(url, actor.token, DELETE, { id: pick(mine.length > 0 ? mine : ids).id });
      return `${actor.user.name} deletes`;
    }
    const mutation = next() < 0.65 ? REACT : UNREACT;
    await change(url, actor.token, mutation, { id: pick(ids).id, emoji: pick(EMOJI) });
    return `${actor.user.name} ${mutation === REACT ? 'reacts' : 'unreacts'}`;
  };

  const done: string[] = [];
  for (let step = 0; step < steps; step++) {
    const roll = next();
    if (feed && roll < 0.1) {
      // Take what arrived, then drop the connection: a cursor from the middle of the feed.
      for (const event of feed.items.slice(applied)) model.apply(event.roomEvents);
      await disconnect();
      done.push('disconnect');
      continue;
    }
    if (!feed && roll < 0.25) {
      await connect();
      done.push('reconnect');
      if (next() < 0.4) {
        // The connection drops again in the middle of the replay: the client keeps
        // what it received (a prefix) and resumes from the last cursor of it.
        const replaying = feed!;
        await replaying.waitFor(1, 300).catch(() => undefined);
        const kept = Math.floor(next() * (replaying.items.length + 1));
        for (const event of replaying.items.slice(0, kept)) model.apply(event.roomEvents);
        await disconnect();
        done.push(`drop after ${kept} of ${replaying.items.length}`);
        continue;
      }
    } else done.push(await operation());
    if (!feed) continue;
    const fresh = await snapshot(pick(target.urls()), watcher.token, roomId);
    const current = feed;
    await waitUntil(
      () => {
        for (const event of current.items.slice(applied)) model.apply(event.roomEvents);
        applied = current.items.length;
        if (current.errors.length > 0) throw new Error(`feed failed: ${JSON.stringify(current.errors)}`);
        return model.cursor === fresh.eventCursor;
      },
      { timeoutMs: 10_000, what: `the watcher catching up (seed ${seed}, step ${step})` },
    );
    expect(model.messages, `seed ${seed}, after: ${done.slice(-5).join(', ')}`).toEqual(fresh.messages);
  }
  if (socket) await socket.close();
}
