import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, createRoom, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { crowd } from '../helpers/crowd.js';
import { waitUntil } from '../helpers/wait.js';
import { bareSocket, gauges, gaugesAtZero, initialised, pauseReading, rejected, resumeReading } from './support.js';

/**
 * graphql-ws takes a subscription's next event only once the last frame was written, so
 * for a socket that never reads, `presenceChanged` events queue up on the server rather
 * than in its send buffer. The queue is bounded too, and one such
 * subscriber must not keep the room's events from anyone else.
 * (`messageAdded`, on the shared fan-out path: slow-consumer.timed.test.ts.)
 */

let server: TestServer;
let sender: Session;
let reader: Session;
beforeAll(async () => {
  server = await startServer();
  [sender, reader] = await Promise.all([signUp(server.url), signUp(server.url)]);
});
afterAll(() => server?.stop());

describe('slow consumers', () => {
  it('drops a presenceChanged subscriber that never reads, and every other subscriber still gets every event', async () => {
    // Typing is bounded per subscriber (TYPING_FRAMES_PER_SECOND_MAX), so it can no longer
    // fill a queue; presenceChanged still tells each of a crowd's comings and goings.
    const { presence, store } = server.app.services;
    const people = await crowd(store, 300, 'slow');
    const rows = await store.usersByIds(people.map((p) => p.user.id));
    const roomId = await createRoom(server.url, sender.token);
    const selection = Array.from({ length: 15 }, (_, i) => `u${i}: user { id name }`).join(' ');
    const perUser = `subscription($r: ID!) { presenceChanged(roomId: $r) { online ${selection} } }`;

    // The slow one subscribes first: it sits ahead of the others in the room's listeners.
    const slow = await bareSocket(server.wsUrl);
    await initialised(slow, reader.token);
    for (let i = 0; i < 60; i++) {
      slow.ws.send(
        JSON.stringify({ type: 'subscribe', id: `p${i}`, payload: { query: perUser, variables: { r: roomId } } }),
      );
    }
    const watcher = await bareSocket(server.wsUrl);
    await initialised(watcher, sender.token);
    watcher.ws.send(
      JSON.stringify({
        type: 'subscribe',
        id: 'w',
        payload: {
          query: 'subscription($r: ID!) { presenceChanged(roomId: $r) { online user { id } } }',
          variables: { r: roomId },
        },
      }),
    );
    await waitUntil(async () => (await gauges(server)).subscriptions === 61, {
      timeoutMs: 15_000,
      what: '61 live subscriptions',
    });
    const crowdIds = new Set(rows.map((r) => r.id));
    const events = (m: string) =>
      m.includes('"id":"w"') && m.includes('"next"') && crowdIds.has(/"user":\{"id":"([^"]+)"/.exec(m)?.[1] ?? '');
    pauseReading(slow.ws);

    const drops = await rejected(server, 'slow_consumer');
    // The crowd comes and goes, a window at a time: each time an event per person for
    // every subscriber.
    let told = 0;
    let dropped = false;
    let exits: (() => void)[] = [];
    for (let round = 0; round < 30 && !dropped; round++) {
      if (round % 2 === 0) exits = await Promise.all(rows.map((row) => presence.enter(roomId, row)));
      else for (const exit of exits) exit();
      told += rows.length;
      await waitUntil(() => watcher.received.filter(events).length >= told, {
        timeoutMs: 10_000,
        what: `the watcher to have all ${told} presence events`,
      }).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; it has ${watcher.received.filter(events).length}`);
      });
      dropped = (await rejected(server, 'slow_consumer')) > drops;
    }
    for (const exit of exits) exit();
    expect(watcher.received.filter(events).length).toBe(told);
    console.info(
      `[slow consumer, presenceChanged] 60 subscriptions on the socket that never reads; dropped after ${told} presence events; ` +
        `the watcher had all ${watcher.received.filter(events).length}`,
    );
    expect(dropped).toBe(true);
    resumeReading(slow.ws);
    expect((await slow.closed).code).toBe(1006);
    watcher.ws.close(1000);
    await gaugesAtZero(server);
  }, 90_000);
});
