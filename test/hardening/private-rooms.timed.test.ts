import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, createRoom, gql, sendMessage, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { type TestSocket, errorsOf, openSocket } from '../helpers/ws.js';
import { percentile, round } from './support.js';

/**
 * For someone outside a private room, the room must not exist: every way in answers
 * NOT_FOUND with the text a missing room gets, and the server does the same work for
 * both, so no answer comes back measurably sooner for one of them. The work is compared
 * exactly (the store calls each operation makes, in order), and the time is measured.
 */

let server: TestServer;
let owner: Session;
let outsider: Session;
let socket: TestSocket;
let privateId: string;
let privateMessageId: string;
const missingId = 'no-such-room-at-all';

beforeAll(async () => {
  server = await startServer();
  [owner, outsider] = await Promise.all([signUp(server.url), signUp(server.url)]);
  privateId = await createRoom(server.url, owner.token, true, 'secret');
  privateMessageId = (await sendMessage(server.url, owner.token, privateId, 'members only')).id;
  socket = openSocket(server.wsUrl, { token: outsider.token });
  await socket.connected;
});
afterAll(async () => {
  await socket?.close();
  await server?.stop();
});

/** Runs `work` while recording, in order, the store methods it calls. */
async function storeCalls(work: () => Promise<unknown>): Promise<{ calls: string[]; result: unknown }> {
  const store = server.app.services.store as unknown as Record<string, unknown>;
  const calls: string[] = [];
  // Every method along the prototype chain: PostgreSQL's store is a subclass of the
  // shared one, whose methods are one prototype further up.
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(store); proto && proto !== Object.prototype;) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof store[name] === 'function') names.add(name);
    }
    proto = Object.getPrototypeOf(proto);
  }
  for (const name of names) {
    const original = (store[name] as (...args: unknown[]) => unknown).bind(store);
    store[name] = (...args: unknown[]) => {
      calls.push(name);
      return original(...args);
    };
  }
  try {
    return { result: await work(), calls };
  } finally {
    for (const name of names) delete store[name];
  }
}

type Answer = { codes: (string | undefined)[]; messages: string[] };
const normalised = (messages: string[], id: string) => messages.map((m) => m.split(id).join('<id>'));

const HTTP_PATHS: [string, string, (id: string) => Record<string, unknown>][] = [
  ['room', 'query($id: ID!) { room(id: $id) { id } }', (id) => ({ id })],
  ['history', 'query($id: ID!) { room(id: $id) { messages(last: 5) { edges { node { id } } } } }', (id) => ({ id })],
  ['sendMessage', 'mutation($id: ID!) { sendMessage(roomId: $id, text: "hi") { id } }', (id) => ({ id })],
  ['setTyping', 'mutation($id: ID!) { setTyping(roomId: $id, isTyping: true) }', (id) => ({ id })],
  ['joinRoom', 'mutation($id: ID!) { joinRoom(id: $id) { id } }', (id) => ({ id })],
  ['invite', 'mutation($id: ID!) { invite(roomId: $id, userName: "somebody") { id } }', (id) => ({ id })],
];

const SUBSCRIPTIONS: [string, string, (id: string) => Record<string, unknown>][] = [
  ['messageAdded', 'subscription($id: ID!) { messageAdded(roomId: $id) { id } }', (id) => ({ id })],
  [
    'messageAdded(after)',
    'subscription($id: ID!, $after: ID) { messageAdded(roomId: $id, after: $after) { id } }',
    (id) => ({ id, after: privateMessageId }),
  ],
  ['userTyping', 'subscription($id: ID!) { userTyping(roomId: $id) { isTyping } }', (id) => ({ id })],
  ['presenceChanged', 'subscription($id: ID!) { presenceChanged(roomId: $id) { online } }', (id) => ({ id })],
];

async function overHttp(query: string, variables: Record<string, unknown>, id: string): Promise<Answer> {
  const result = await gql(server.url, query, variables, { token: outsider.token });
  const errors = result.errors ?? [];
  // `room(id)` answers null rather than an error.
  if (errors.length === 0) return { codes: [JSON.stringify(result.data)], messages: [] };
  return {
    codes: errors.map((e) => e.extensions?.code),
    messages: normalised(
      errors.map((e) => e.message),
      id,
    ),
  };
}

async function overSocket(query: string, variables: Record<string, unknown>, id: string): Promise<Answer> {
  const sub = socket.subscribe(query, variables);
  const errors = errorsOf(await sub.waitForError());
  expect(sub.items).toEqual([]);
  return {
    codes: errors.map((e) => e.extensions?.code),
    messages: normalised(
      errors.map((e) => e.message),
      id,
    ),
  };
}

describe('a private room, to someone outside it', () => {
  it.each(HTTP_PATHS)('%s: the same answer and the same store calls as a missing room', async (_name, query, vars) => {
    const hidden = await storeCalls(() => overHttp(query, vars(privateId), privateId));
    const missing = await storeCalls(() => overHttp(query, vars(missingId), missingId));
    expect(hidden.result).toEqual(missing.result);
    expect((hidden.result as Answer).codes).toEqual(
      (hidden.result as Answer).messages.length ? ['NOT_FOUND'] : ['{"room":null}'],
    );
    expect(hidden.calls).toEqual(missing.calls);
    expect(hidden.calls.length).toBeGreaterThan(0);
  });

  it.each(SUBSCRIPTIONS)('%s: the same answer and the same store calls as a missing room', async (_n, query, vars) => {
    const hidden = await storeCalls(() => overSocket(query, vars(privateId), privateId));
    const missing = await storeCalls(() => overSocket(query, vars(missingId), missingId));
    expect((hidden.result as Answer).codes).toEqual(['NOT_FOUND']);
    expect(hidden.result).toEqual(missing.result);
    expect(hidden.calls).toEqual(missing.calls);
  });

  it('takes as long to answer for a private room as for a missing one', async () => {
    const query = 'query($id: ID!) { room(id: $id) { id messages(last: 5) { edges { node { id } } } } }';
    const timed = async (id: string) => {
      const started = performance.now();
      await gql(server.url, query, { id }, { token: outsider.token });
      return performance.now() - started;
    };
    for (let i = 0; i < 30; i++) await Promise.all([timed(privateId), timed(missingId)]); // warm-up
    const times = { hidden: [] as number[], missing: [] as number[] };
    for (let i = 0; i < 300; i++) {
      // Alternating which goes first, so neither is always the one a busy machine delays.
      if (i % 2 === 0) {
        times.hidden.push(await timed(privateId));
        times.missing.push(await timed(missingId));
      } else {
        times.missing.push(await timed(missingId));
        times.hidden.push(await timed(privateId));
      }
    }
    const [hidden, missing] = [percentile(times.hidden, 50), percentile(times.missing, 50)];
    console.info(
      `[private rooms] room + history for a non-member, 300 each: median ${round(hidden, 3)} ms private, ` +
        `${round(missing, 3)} ms missing; p90 ${round(percentile(times.hidden, 90), 3)} vs ${round(percentile(times.missing, 90), 3)} ms`,
    );
    // Loopback and the machine's other work spread single requests by a millisecond or
    // more; the medians of 300 must agree far more closely than one extra query would
    // make them differ.
    expect(Math.abs(hidden - missing)).toBeLessThan(Math.max(0.25, 0.1 * missing));
  });
});
