import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryPubSub } from '../../server/pubsub/memory.js';
import { type Session, createRoom, gqlOk, signIn, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { type BareSocket, bareSocket, gauges, gaugesAtZero, heapMiB, initialised, round } from './support.js';

/**
 * Churn at a steady rate (sockets opening and going away in every way a client can,
 * subscriptions to every kind, messages, typing, sign-outs) for a bounded time, then
 * nothing may be left behind: no socket or subscription counted, no room feed or fan-out
 * group, nobody online, no pub/sub listener, and the heap back to about where it was.
 */

/** How long the churn runs; `SOAK_SECONDS=10 npx vitest run test/hardening/soak` shortens it. */
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS || 120); // the two minutes
/** Clients connecting, subscribing and leaving at once, each in a loop. */
const CLIENTS = 16;
const MESSAGES_PER_SECOND = 20;
const USERS = 10;
/** A client's socket lives this long, at random between the two (ms). */
const LIFETIME_MS = [100, 1_500] as const;
/** Heap growth from the end of the warm-up to the end that still counts as flat. */
const HEAP_SLACK_MIB = 12;

let server: TestServer;
let users: Session[];
let rooms: { id: string; members: Set<string> }[];
beforeAll(async () => {
  // Without rate limits: the churn opens far more sockets per minute than one address may.
  server = await startServer();
  users = await Promise.all(Array.from({ length: USERS }, () => signUp(server.url)));
  const [owner] = users;
  const everyone = new Set(users.map((u) => u.user.id));
  const secret = await createRoom(server.url, owner!.token, true, 'secret');
  const members = users.slice(0, 4);
  for (const m of members.slice(1)) {
    await gqlOk(
      server.url,
      'mutation($r: ID!, $n: String!) { invite(roomId: $r, userName: $n) { id } }',
      {
        r: secret,
        n: m.user.name,
      },
      { token: owner!.token },
    );
  }
  rooms = [
    { id: 'general', members: everyone },
    { id: await createRoom(server.url, owner!.token), members: everyone },
    { id: await createRoom(server.url, owner!.token), members: everyone },
    { id: secret, members: new Set(members.map((u) => u.user.id)) },
  ];
});
afterAll(() => server?.stop());

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Tally {
  sessions: number;
  subscriptions: number;
  frames: number;
  messages: number;
  typing: number;
  signOuts: number;
  closeCodes: Map<number, number>;
  lastIds: Map<string, string>;
}

const MESSAGE_ADDED =
  'subscription($r: ID!, $a: ID) { messageAdded(roomId: $r, after: $a) { id text author { name } } }';
const USER_TYPING = 'subscription($r: ID!) { userTyping(roomId: $r) { isTyping user { name } } }';
const PRESENCE = 'subscription($r: ID!) { presenceChanged(roomId: $r) { online user { name } } }';
const SET_TYPING = 'mutation($r: ID!, $t: Boolean!) { setTyping(roomId: $r, isTyping: $t) }';
const SEND = 'mutation($r: ID!, $x: String!) { sendMessage(roomId: $r, text: $x) { id } }';

/** One socket's life: connect, subscribe, talk a little, leave in one of several ways. */
async function session(tally: Tally, user: Session, token = user.token): Promise<BareSocket> {
  const socket = await bareSocket(server.wsUrl);
  await initialised(socket, token);
  socket.stopRecording();
  socket.ws.on('message', () => (tally.frames += 1));
  tally.sessions += 1;
  const visible = rooms.filter((r) => r.members.has(user.user.id));
  let op = 0;
  const send = (query: string, variables: Record<string, unknown>) => {
    const id = `o${op++}`;
    socket.ws.send(JSON.stringify({ type: 'subscribe', id, payload: { query, variables } }));
    return id;
  };
  const subscribed: string[] = [];
  for (const room of [pick(visible), pick(visible)]) {
    const after = Math.random() < 0.3 ? tally.lastIds.get(room.id) : undefined;
    subscribed.push(send(MESSAGE_ADDED, { r: room.id, a: after }));
    if (Math.random() < 0.7) subscribed.push(send(USER_TYPING, { r: room.id }));
    if (Math.random() < 0.5) subscribed.push(send(PRESENCE, { r: room.id }));
  }
  tally.subscriptions += subscribed.length;
  const ending = Math.random();
  if (ending < 0.1) {
    // Gone while its subscriptions are still being set up (graphql-ws #532).
    socket.ws.terminate();
    return socket;
  }
  const lifetime = LIFETIME_MS[0] + Math.random() * (LIFETIME_MS[1] - LIFETIME_MS[0]);
  const until = Date.now() + lifetime;
  while (Date.now() < until && socket.ws.readyState === socket.ws.OPEN) {
    const room = pick(visible);
    if (Math.random() < 0.5) {
      send(SET_TYPING, { r: room.id, t: Math.random() < 0.7 });
      tally.typing += 1;
    }
    await sleep(50 + Math.random() * 150);
  }
  if (ending < 0.4) {
    for (const id of subscribed) socket.ws.send(JSON.stringify({ type: 'complete', id }));
    socket.ws.close(1000);
  } else if (ending < 0.8) {
    socket.ws.close(1000);
  } else {
    socket.ws.terminate(); // no close frame: a dropped connection
  }
  return socket;
}

async function churn(tally: Tally, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (Date.now() < deadline) {
      const socket = await session(tally, pick(users));
      const { code } = await socket.closed;
      tally.closeCodes.set(code, (tally.closeCodes.get(code) ?? 0) + 1);
    }
  });
  // A steady stream of messages over HTTP.
  const sender = (async () => {
    for (let i = 0; Date.now() < deadline; i++) {
      const author = pick(users);
      const room = pick(rooms.filter((r) => r.members.has(author.user.id)));
      const sent = await gqlOk<{ sendMessage: { id: string } }>(
        server.url,
        SEND,
        { r: room.id, x: `soak ${i}` },
        { token: author.token },
      );
      tally.lastIds.set(room.id, sent.sendMessage.id);
      tally.messages += 1;
      await sleep(1000 / MESSAGES_PER_SECOND);
    }
  })();
  // Now and then a fresh session whose token is signed out under its open socket.
  const revoker = (async () => {
    while (Date.now() + 3_000 < deadline) {
      await sleep(2_000);
      const user = pick(users);
      const fresh = await signIn(server.url, user.user.name);
      const socket = await bareSocket(server.wsUrl);
      await initialised(socket, fresh.token);
      socket.ws.send(
        JSON.stringify({ type: 'subscribe', id: 'm', payload: { query: MESSAGE_ADDED, variables: { r: 'general' } } }),
      );
      await sleep(200);
      await gqlOk(server.url, 'mutation { signOut }', {}, { token: fresh.token });
      const { code } = await socket.closed;
      tally.closeCodes.set(code, (tally.closeCodes.get(code) ?? 0) + 1);
      tally.signOuts += 1;
    }
  })();
  await Promise.all([...clients, sender, revoker]);
}

/** What must be gone once every client has: feeds, groups, presence, pub/sub listeners. */
async function leftovers() {
  const { hub, fanout, presence, pubsub } = server.app.services;
  const online = (await Promise.all(rooms.map((r) => presence.online(r.id)))).flat();
  // The in-process pub/sub shows its topics; only the sessions (signOut) and access
  // (access taken back) topics stay.
  const topics =
    pubsub instanceof MemoryPubSub ? [...(pubsub as unknown as { topics: Map<string, unknown> }).topics.keys()] : null;
  return { feeds: hub.feedCount, groups: fanout.groupCount, online: online.length, topics, ...(await gauges(server)) };
}

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('soak', () => {
  it(
    `churns for ${SOAK_SECONDS} s and leaves nothing behind`,
    async () => {
      const tally: Tally = {
        sessions: 0,
        subscriptions: 0,
        frames: 0,
        messages: 0,
        typing: 0,
        signOuts: 0,
        closeCodes: new Map(),
        lastIds: new Map(),
      };
      // Warm-up: a tenth of the time, so caches, JIT and the heap reach their working size.
      await churn(tally, Math.max(3, SOAK_SECONDS / 10));
      await gaugesAtZero(server);
      const heapStart = await heapMiB();
      const timersStart = timers();

      const samples: string[] = [];
      const started = Date.now();
      const sampler = setInterval(() => {
        void gauges(server).then((g) =>
          samples.push(
            `${Math.round((Date.now() - started) / 1000)}s: ${g.sockets} sockets, ${g.subscriptions} subscriptions, ` +
              `heap ${round(process.memoryUsage().heapUsed / 2 ** 20)} MiB`,
          ),
        );
      }, 15_000);
      try {
        await churn(tally, SOAK_SECONDS);
      } finally {
        clearInterval(sampler);
      }
      const elapsed = (Date.now() - started) / 1000;

      await gaugesAtZero(server);
      await expect.poll(leftovers, { timeout: 10_000 }).toEqual({
        feeds: 0,
        groups: 0,
        online: 0,
        topics: server.app.services.pubsub instanceof MemoryPubSub ? ['sessions', 'access'] : null,
        sockets: 0,
        subscriptions: 0,
      });
      const heapEnd = await heapMiB();
      const timersEnd = timers();
      console.info(
        `[soak] ${round(elapsed)} s of churn (after a ${round(Math.max(3, SOAK_SECONDS / 10))} s warm-up): ` +
          `${tally.sessions} sockets, ${tally.subscriptions} subscriptions, ${tally.messages} messages, ` +
          `${tally.typing} typing updates, ${tally.signOuts} sign-outs under open sockets, ${tally.frames} frames received; ` +
          `close codes ${JSON.stringify(Object.fromEntries(tally.closeCodes))}\n  ${samples.join('\n  ')}\n` +
          `  end: ${JSON.stringify(await leftovers())}; heap ${round(heapStart)} → ${round(heapEnd)} MiB; ` +
          `ref'd timers ${timersStart} → ${timersEnd}`,
      );
      expect(tally.sessions).toBeGreaterThan(SOAK_SECONDS * 5);
      expect(tally.frames).toBeGreaterThan(tally.messages);
      // Sockets end normally (1000), are dropped by the client (1006), or signed out (4403).
      expect([...tally.closeCodes.keys()].filter((code) => ![1000, 1005, 1006, 4403].includes(code))).toEqual([]);
      expect(tally.closeCodes.get(4403) ?? 0).toBe(tally.signOuts);
      expect(heapEnd - heapStart).toBeLessThan(HEAP_SLACK_MIB);
      expect(timersEnd).toBeLessThanOrEqual(timersStart + 2);
    },
    (SOAK_SECONDS * 1.1 + 60) * 1000,
  );
});
