import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, createRoom, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { bareSocket, gauges, gaugesAtZero, initialised, pauseReading, rejected, resumeReading } from './support.js';

/**
 * graphql-ws takes a subscription's next event only once the last frame was written, so
 * for a socket that never reads, `userTyping` and `presenceChanged` events queue up on
 * the server rather than in its send buffer. The queue is bounded too, and one such
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
  it('drops a userTyping subscriber that never reads, and every other subscriber still gets every event', async () => {
    const typists = await Promise.all([signUp(server.url), signUp(server.url)]);
    const roomId = await createRoom(server.url, sender.token);
    const selection = Array.from({ length: 15 }, (_, i) => `u${i}: user { id name }`).join(' ');
    const typing = `subscription($r: ID!) { userTyping(roomId: $r) { isTyping ${selection} } }`;

    // The slow one subscribes first: it sits ahead of the others in the room's listeners.
    const slow = await bareSocket(server.wsUrl);
    await initialised(slow, reader.token);
    for (let i = 0; i < 60; i++) {
      slow.ws.send(
        JSON.stringify({ type: 'subscribe', id: `t${i}`, payload: { query: typing, variables: { r: roomId } } }),
      );
    }
    const watcher = await bareSocket(server.wsUrl);
    await initialised(watcher, sender.token);
    watcher.ws.send(
      JSON.stringify({
        type: 'subscribe',
        id: 'w',
        payload: { query: 'subscription($r: ID!) { userTyping(roomId: $r) { isTyping } }', variables: { r: roomId } },
      }),
    );
    await waitUntil(async () => (await gauges(server)).subscriptions === 61, {
      timeoutMs: 15_000,
      what: '61 live subscriptions',
    });
    pauseReading(slow.ws);

    const writers = await Promise.all(
      typists.map(async (typist) => {
        const socket = await bareSocket(server.wsUrl);
        await initialised(socket, typist.token);
        return socket;
      }),
    );
    const drops = await rejected(server, 'slow_consumer');
    // Each toggle is an event for everyone but the typist: on, off, on, off… A writer
    // waits for its last toggle before the next (run concurrently, they could be
    // published out of order and coalesce); the two writers go side by side.
    let answered = 0;
    for (const writer of writers) {
      writer.stopRecording();
      writer.ws.on('message', (data) => {
        if (String(data).includes('"complete"')) answered += 1;
      });
    }
    let toggles = 0;
    let dropped = false;
    for (let round = 0; round < 1_500 && !dropped; round++) {
      for (const writer of writers) {
        writer.ws.send(
          JSON.stringify({
            type: 'subscribe',
            id: `x${toggles++}`,
            payload: {
              query: 'mutation($r: ID!, $on: Boolean!) { setTyping(roomId: $r, isTyping: $on) }',
              variables: { r: roomId, on: round % 2 === 0 },
            },
          }),
        );
      }
      await waitUntil(() => answered === toggles, { intervalMs: 1, what: `toggle ${toggles} answered` });
      if (round % 25 === 24) dropped = (await rejected(server, 'slow_consumer')) > drops;
    }
    const events = (m: string) => m.includes('"id":"w"') && m.includes('"next"');
    await waitUntil(() => watcher.received.filter(events).length === toggles, {
      timeoutMs: 10_000,
      what: `the watcher to have all ${toggles} typing events`,
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; it has ${watcher.received.filter(events).length}`);
    });
    console.info(
      `[slow consumer, userTyping] 60 subscriptions on the socket that never reads; dropped after ${toggles} typing events; ` +
        `the watcher had all ${watcher.received.filter(events).length}`,
    );
    expect(dropped).toBe(true);
    resumeReading(slow.ws);
    expect((await slow.closed).code).toBe(1006);
    for (const socket of [watcher, ...writers]) socket.ws.close(1000);
    await gaugesAtZero(server);
  }, 60_000);
});
