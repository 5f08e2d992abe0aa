import { type Client, createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRoom, sendMessage, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { gauges, rejected } from '../hardening/support.js';

/**
 * A node that goes away and comes back: every client of it returns at once. They come
 * back on their own (graphql-ws's client, retrying), the node takes them in at its
 * admission rate and tells the others when to return, and each resumes from the last
 * message it saw: nothing missed, nothing twice.
 */

const CLIENTS = 60;
/** Low enough that many of the clients are refused at first and come back by turns. */
const ADMISSION = { perSecond: 10, burst: 10 };
const QUERY = 'subscription($r: ID!, $after: ID) { messageAdded(roomId: $r, after: $after) { id } }';

interface Resuming {
  readonly client: Client;
  readonly ids: string[];
  readonly refusals: number;
}

/**
 * A client as a third party would write one: retries forever, waits as a 1013 says (else
 * a jittered backoff), and resubscribes from the last message it saw. graphql-ws sends
 * the subscription's payload again on each reconnect, so moving `after` in the payload
 * is how it resumes.
 */
function resumingClient(wsUrl: string, token: string, roomId: string): Resuming {
  const ids: string[] = [];
  let askedToWaitMs = 0;
  let refusals = 0;
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    connectionParams: { authToken: token },
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      const backoff = Math.random() * Math.min(2_000, 50 * 2 ** retries);
      const wait = Math.max(askedToWaitMs, backoff);
      askedToWaitMs = 0;
      await new Promise((resolve) => setTimeout(resolve, wait));
    },
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        const turn = code === 1013 ? /retry after (\d+) ms/.exec(String(reason)) : null;
        if (turn) {
          refusals += 1;
          askedToWaitMs = Number(turn[1]);
        }
      },
    },
    onNonLazyError: () => {},
  });
  const payload = { query: QUERY, variables: { r: roomId, after: null as string | null } };
  client.subscribe<{ messageAdded: { id: string } }>(payload, {
    next: ({ data }) => {
      if (!data) return;
      ids.push(data.messageAdded.id);
      payload.variables.after = data.messageAdded.id;
    },
    error: () => {},
    complete: () => {},
  });
  return {
    client,
    ids,
    get refusals() {
      return refusals;
    },
  };
}

describe('a reconnect storm', () => {
  it('brings every client of a node that came back back on its own, through admission, with nothing missed or twice', async () => {
    const first = await startServer({ wsAdmission: ADMISSION });
    let second: TestServer | undefined;
    const clients: Resuming[] = [];
    try {
      const alice = await signUp(first.url);
      const roomId = await createRoom(first.url, alice.token);
      // Arriving a few at a time, within the node's rate.
      for (let i = 0; i < CLIENTS; i++) {
        clients.push(resumingClient(first.wsUrl, alice.token, roomId));
        if (i % ADMISSION.burst === ADMISSION.burst - 1) await new Promise((resolve) => setTimeout(resolve, 1_100));
      }
      const sent: string[] = [];
      const send = async (server: TestServer, text: string) =>
        sent.push((await sendMessage(server.url, alice.token, roomId, text)).id);
      // Live first: each client has the messages before the node goes.
      await waitUntil(async () => (await gauges(first)).subscriptions === CLIENTS, { what: 'everyone subscribed' });
      for (let i = 0; i < 5; i++) await send(first, `before ${i}`);
      await waitUntil(async () => clients.every((c) => c.ids.length === 5), { what: 'everyone has five' });

      const refusedBefore = await rejected(first, 'ws_admission');
      await first.stop({ keepDatabase: true });
      second = await startServer({ databaseUrl: first.databaseUrl, port: first.port, wsAdmission: ADMISSION });
      // Sent while the clients are still being let in: most replay these.
      for (let i = 0; i < 5; i++) await send(second, `while coming back ${i}`);
      await waitUntil(async () => clients.every((c) => c.ids.length >= sent.length), {
        timeoutMs: 30_000,
        what: 'every client caught up',
      });
      for (let i = 0; i < 5; i++) await send(second, `after ${i}`);
      await waitUntil(async () => clients.every((c) => c.ids.length >= sent.length), { what: 'live again' });

      for (const c of clients) expect(c.ids).toEqual(sent);
      // Some were refused at first (how many depends on how spread their retries were),
      // and every refusal reached its client as a turn to wait.
      const refusals = await rejected(second, 'ws_admission');
      expect(refusals).toBeGreaterThan(0);
      expect(clients.reduce((n, c) => n + c.refusals, 0)).toBe(refusedBefore + refusals);
      // The messages replayed to many were each executed once, not once per client.
      expect(second.app.services.fanout.executions).toBeLessThanOrEqual(2 * 10);
    } finally {
      await Promise.all(clients.map((c) => c.client.dispose()));
      await second?.stop();
      await first.stop();
      await first.removeDatabase();
    }
  }, 60_000);
});
