import { CloseCode } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  QUERY_MAX_DEPTH,
  WS_CONNECTION_INIT_TIMEOUT_MS,
  WS_MAX_FRAME_BYTES,
  WS_MAX_OPERATION_ID_BYTES,
  WS_MAX_OPERATIONS_PER_SOCKET,
} from '../../server/limits.js';
import { type Session, sendMessage, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { waitOnline } from '../helpers/wait.js';
import { openSocket } from '../helpers/ws.js';
import {
  type BareSocket,
  bareSocket,
  gauges,
  gaugesAtZero,
  heapMiB,
  inBatches,
  initialised,
  round,
} from './support.js';

/**
 * Protocol abuse over bare sockets: every malformed or adversarial graphql-transport-ws
 * frame is answered with the close code of graphql-ws's CloseCode enum (or RFC 6455's,
 * for what `ws` refuses below the protocol), the server stays up, and nothing it held
 * for those sockets stays behind.
 */

// RFC 6455 close codes `ws` answers with before graphql-ws sees anything.
const PROTOCOL_ERROR = 1002;
const INVALID_PAYLOAD = 1007;
const MESSAGE_TOO_BIG = 1009;

/** How many times the whole catalogue of fatal cases runs (each case on a fresh socket). */
const ROUNDS = 55;
const BATCH = 64; // sockets in flight at once
/** Long-lived sockets that take non-fatal abuse, and the frames each sends. */
const STEADY_SOCKETS = 16;
const STEADY_FRAMES = 260;
/** Heap growth over the storm that is still "about where it was". */
const HEAP_SLACK_MIB = 24;

/** A masked client frame built by hand, for what the `ws` client refuses to send. */
function frame(
  opcode: number,
  payload: Buffer,
  { fin = true, rsv1 = false, masked = true }: { fin?: boolean; rsv1?: boolean; masked?: boolean } = {},
): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const head = Buffer.alloc(2 + lengthBytes + (masked ? 4 : 0));
  head[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  head[1] = (masked ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) head.writeUInt16BE(length, 2);
  if (lengthBytes === 8) head.writeBigUInt64BE(BigInt(length), 2);
  const body = Buffer.from(payload);
  if (masked) {
    const key = head.subarray(2 + lengthBytes);
    key.set([0x37, 0xfa, 0x21, 0x3d]);
    for (let i = 0; i < body.length; i++) body[i]! ^= key[i % 4]!;
  }
  return Buffer.concat([head, body]);
}

const writeRaw = (socket: BareSocket, bytes: Buffer) =>
  (socket.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(bytes);

interface Case {
  name: string;
  expected: number;
  /** Subprotocol to ask for; null asks for none. */
  protocol?: string | null;
  /** Send `connection_init` (with a valid token when 'auth') and wait for the ack first. */
  init?: 'anonymous' | 'auth';
  /** The abuse itself; returns the number of frames it sent. */
  abuse(socket: BareSocket): number;
}

const text =
  (...messages: string[]) =>
  (socket: BareSocket) => {
    for (const message of messages) socket.ws.send(message);
    return messages.length;
  };
const json = (...messages: unknown[]) => text(...messages.map((m) => JSON.stringify(m)));

const ME = { query: '{ me { name } }' };
const TYPING = { query: 'subscription { userTyping(roomId: "general") { isTyping } }' };

function catalogue(): Case[] {
  const cases: Case[] = [];
  const add = (expected: number, name: string, abuse: Case['abuse'], extra: Partial<Case> = {}) =>
    cases.push({ name, expected, abuse, ...extra });

  // Not JSON, or not an object: 4400, before and after connection_init.
  const garbage = ['{', 'not json', '{"type":', '', '\u0000', '}{', '[]', 'null', '42', 'true', '"connection_init"'];
  for (const g of garbage) {
    add(CloseCode.BadRequest, `garbage ${JSON.stringify(g)}`, text(g));
    add(CloseCode.BadRequest, `garbage ${JSON.stringify(g)} after init`, text(g), { init: 'anonymous' });
  }
  // Well-formed JSON, wrong shapes and types.
  const wrong: unknown[] = [
    {},
    { type: 42 },
    { type: null },
    { type: ['connection_init'] },
    { type: 'connection_init', payload: 'token' },
    { type: 'ping', payload: 7 },
    { type: 'subscribe', id: 1, payload: ME },
    { type: 'subscribe', id: '', payload: ME },
    { type: 'subscribe', id: 'a' },
    { type: 'subscribe', id: 'a', payload: '{ me { name } }' },
    { type: 'subscribe', id: 'a', payload: { query: 42 } },
    { type: 'subscribe', id: 'a', payload: { query: '{ me { name } }', variables: 'x' } },
    { type: 'subscribe', id: 'a', payload: { query: '{ me { name } }', variables: [1, 2] } },
    { type: 'subscribe', id: 'a', payload: { query: '{ me { name } }', operationName: 5 } },
    { type: 'subscribe', id: 'a', payload: { query: '{ me { name } }', extensions: 'x' } },
    { type: 'complete' },
    { type: 'complete', id: 9 },
  ];
  for (const w of wrong) {
    add(CloseCode.BadRequest, `wrong type ${JSON.stringify(w)}`, json(w));
    add(CloseCode.BadRequest, `wrong type ${JSON.stringify(w)} after init`, json(w), { init: 'auth' });
  }
  // Types the protocol does not have, and the server's own types sent by a client.
  const alien = ['start', 'stop', 'connection_terminate', 'ka', 'data', '__proto__', 'constructor', 'toString'];
  const serverOnly: unknown[] = [
    { type: 'connection_ack' },
    { type: 'next', id: 'a', payload: { data: null } },
    { type: 'error', id: 'a', payload: [{ message: 'forged' }] },
  ];
  for (const type of alien) add(CloseCode.BadRequest, `unknown type ${type}`, json({ type, id: '1', payload: {} }));
  for (const m of serverOnly) {
    add(CloseCode.BadRequest, `server message ${JSON.stringify(m)}`, json(m));
    add(CloseCode.BadRequest, `server message ${JSON.stringify(m)} after init`, json(m), { init: 'auth' });
  }
  // Binary frames: the protocol is JSON text.
  add(CloseCode.BadRequest, 'binary garbage', (s) => (s.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00])), 1));
  add(CloseCode.BadRequest, 'binary unknown type', (s) => (s.ws.send(Buffer.from('{"type":"hello"}')), 1), {
    init: 'anonymous',
  });
  // Order and identity.
  add(CloseCode.Unauthorized, 'subscribe before connection_init', json({ type: 'subscribe', id: 'a', payload: ME }));
  add(CloseCode.Unauthorized, 'complete, then subscribe before connection_init', (s) =>
    json({ type: 'complete', id: 'a' }, { type: 'subscribe', id: 'a', payload: ME })(s),
  );
  add(CloseCode.TooManyInitialisationRequests, 'a second connection_init', json({ type: 'connection_init' }), {
    init: 'anonymous',
  });
  add(
    CloseCode.TooManyInitialisationRequests,
    'a second connection_init with another token',
    json({ type: 'connection_init', payload: { authToken: 'x'.repeat(64) } }),
    { init: 'auth' },
  );
  add(
    CloseCode.SubscriberAlreadyExists,
    'a duplicate subscription id',
    json({ type: 'subscribe', id: 'dup', payload: TYPING }, { type: 'subscribe', id: 'dup', payload: ME }),
    { init: 'auth' },
  );
  // The longest id allowed, in 4-byte characters: its 4409 reason must still fit a close frame.
  const longestId = '\u{1d11e}'.repeat(WS_MAX_OPERATION_ID_BYTES / 4);
  add(
    CloseCode.SubscriberAlreadyExists,
    'a duplicate id of the longest length allowed',
    json({ type: 'subscribe', id: longestId, payload: TYPING }, { type: 'subscribe', id: longestId, payload: ME }),
    { init: 'auth' },
  );
  // Huge ids: every frame of the operation would repeat them.
  for (const length of [WS_MAX_OPERATION_ID_BYTES + 1, 1_000, WS_MAX_FRAME_BYTES - 1_000]) {
    const id = 'i'.repeat(length);
    add(CloseCode.BadRequest, `a ${length}-byte subscription id`, json({ type: 'subscribe', id, payload: TYPING }), {
      init: 'auth',
    });
    add(CloseCode.BadRequest, `a ${length}-byte id to complete`, json({ type: 'complete', id }), { init: 'auth' });
  }
  add(
    CloseCode.BadRequest,
    'a duplicate huge id',
    json(
      { type: 'subscribe', id: 'i'.repeat(200), payload: TYPING },
      { type: 'subscribe', id: 'i'.repeat(200), payload: ME },
    ),
    { init: 'auth' },
  );
  add(CloseCode.Forbidden, 'an unknown token', json({ type: 'connection_init', payload: { authToken: 'forged' } }));
  add(
    CloseCode.Forbidden,
    'an Authorization that is not Bearer',
    json({ type: 'connection_init', payload: { Authorization: 'Basic YWRhOmFkYQ==' } }),
  );
  add(CloseCode.SubprotocolNotAcceptable, 'no subprotocol', text('{"type":"connection_init"}'), {
    protocol: null,
  });
  // Size: past WS_MAX_FRAME_BYTES, text or binary, id or payload.
  const huge = 'x'.repeat(WS_MAX_FRAME_BYTES + 1);
  add(MESSAGE_TOO_BIG, 'an oversized text frame', text(huge));
  add(MESSAGE_TOO_BIG, 'an oversized binary frame', (s) => (s.ws.send(Buffer.alloc(WS_MAX_FRAME_BYTES + 1, 0x7b)), 1));
  add(MESSAGE_TOO_BIG, 'an oversized subscription id', json({ type: 'subscribe', id: huge, payload: ME }), {
    init: 'auth',
  });
  add(
    MESSAGE_TOO_BIG,
    'oversized variables',
    json({ type: 'subscribe', id: 'v', payload: { ...ME, variables: { pad: huge } } }),
    { init: 'auth' },
  );
  // Below graphql-ws: frames `ws` must refuse.
  add(
    INVALID_PAYLOAD,
    'a text frame that is not UTF-8',
    (s) => (s.ws.send(Buffer.from([0xc3, 0x28, 0xff]), { binary: false }), 1),
  );
  add(PROTOCOL_ERROR, 'an unmasked frame', (s) => (writeRaw(s, frame(1, Buffer.from('{}'), { masked: false })), 1));
  add(PROTOCOL_ERROR, 'a reserved opcode', (s) => (writeRaw(s, frame(3, Buffer.from('{}'))), 1));
  add(
    PROTOCOL_ERROR,
    'RSV1 without an extension',
    (s) => (writeRaw(s, frame(1, Buffer.from('{}'), { rsv1: true })), 1),
  );
  add(PROTOCOL_ERROR, 'a fragmented ping', (s) => (writeRaw(s, frame(9, Buffer.from('p'), { fin: false })), 1));
  add(PROTOCOL_ERROR, 'a ping over 125 bytes', (s) => (writeRaw(s, frame(9, Buffer.alloc(126))), 1));
  add(PROTOCOL_ERROR, 'a continuation with nothing to continue', (s) => (writeRaw(s, frame(0, Buffer.from('{}'))), 1));
  return cases;
}

/**
 * The node's admission of new sockets (`WS_ADMIT_PER_SECOND`, tested in floods.test.ts)
 * kept out of the way: these thousands of sockets open as fast as the node takes them,
 * which can pass that rate, and each case needs its socket to be let in.
 */
const ADMIT_EVERY_SOCKET = { perSecond: 1_000_000, burst: 1_000_000 };

let server: TestServer;
let alice: Session;
let bob: Session;
beforeAll(async () => {
  server = await startServer({ wsAdmission: ADMIT_EVERY_SOCKET });
  [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
});
afterAll(() => server?.stop());

/** Runs one case on a fresh socket; resolves to the close code seen and the frames sent. */
async function run(c: Case): Promise<{ code: number; frames: number }> {
  const socket = await bareSocket(server.wsUrl, c.protocol === undefined ? 'graphql-transport-ws' : c.protocol);
  let frames = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    if (c.init) {
      await initialised(socket, c.init === 'auth' ? alice.token : undefined);
      frames += 1;
    }
    frames += c.abuse(socket);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${c.name}: still open after 5 s`)), 5_000);
    });
    const { code } = await Promise.race([socket.closed, timeout]);
    return { code, frames };
  } finally {
    clearTimeout(timer);
    socket.ws.terminate();
  }
}

describe('graphql-ws protocol abuse', () => {
  it('answers 10,000+ malformed and adversarial frames with the right close codes, and stays up', async () => {
    const cases = catalogue();
    const consoleError = vi.spyOn(console, 'error');
    try {
      // One pass first, so caches and JIT are warm before the heap baseline.
      await inBatches(cases.length, BATCH, (i) => run(cases[i]!));
      await gaugesAtZero(server);
      const heapBefore = await heapMiB();

      const started = performance.now();
      // Sockets that never send connection_init, left to the init timeout meanwhile.
      const silent = inBatches(40, 40, async () => {
        const socket = await bareSocket(server.wsUrl);
        return (await socket.closed).code;
      });
      const tally = new Map<number, number>();
      const wrong: string[] = [];
      let frames = 0;
      const total = cases.length * ROUNDS;
      await inBatches(total, BATCH, async (i) => {
        const c = cases[i % cases.length]!;
        const result = await run(c);
        frames += result.frames;
        tally.set(result.code, (tally.get(result.code) ?? 0) + 1);
        if (result.code !== c.expected) wrong.push(`${c.name}: ${result.code}, expected ${c.expected}`);
      });
      const fatalMs = performance.now() - started;

      // Non-fatal abuse on long-lived sockets: each frame is answered, none closes them.
      const steadyStarted = performance.now();
      const steady = await inBatches(STEADY_SOCKETS, STEADY_SOCKETS, () => steadyAbuse(STEADY_FRAMES));
      frames += steady.reduce((sum, s) => sum + s.frames, 0);
      const steadyMs = performance.now() - steadyStarted;

      const silentCodes = await silent;
      for (const code of silentCodes) tally.set(code, (tally.get(code) ?? 0) + 1);

      await gaugesAtZero(server);
      const heapAfter = await heapMiB();
      console.info(
        `[protocol abuse] ${cases.length} cases × ${ROUNDS} rounds = ${total} sockets in ${round(fatalMs / 1000, 2)} s; ` +
          `${STEADY_SOCKETS} steady sockets × ${STEADY_FRAMES} frames in ${round(steadyMs / 1000, 2)} s; ` +
          `${frames} frames in all; close codes ${JSON.stringify(Object.fromEntries([...tally].sort((a, b) => a[0] - b[0])))}; ` +
          `heap ${round(heapBefore)} → ${round(heapAfter)} MiB`,
      );

      expect(wrong.slice(0, 20)).toEqual([]);
      expect(frames).toBeGreaterThanOrEqual(10_000);
      expect(silentCodes).toEqual(Array(40).fill(CloseCode.ConnectionInitialisationTimeout));
      expect(tally.has(CloseCode.InternalServerError)).toBe(false);
      // graphql-ws prints a stack trace for every frame it fails on; none may reach it.
      expect(consoleError.mock.calls.map((call) => String(call[0]))).toEqual([]);
      expect(heapAfter - heapBefore).toBeLessThan(HEAP_SLACK_MIB);
      expect(fatalMs + steadyMs).toBeLessThan(60_000);
    } finally {
      consoleError.mockRestore();
    }

    // Still serving: probes, and a chat round trip over graphql-ws.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const listener = openSocket(server.wsUrl, { token: bob.token });
    const feed = listener.subscribe<{ messageAdded: { text: string } }>(
      'subscription { messageAdded(roomId: "general") { text } }',
    );
    await waitOnline(server.url, bob.token, 'general', bob.user.name);
    await sendMessage(server.url, alice.token, 'general', 'still here');
    expect((await feed.waitFor(1))[0]).toEqual({ messageAdded: { text: 'still here' } });
    await listener.close();
    await gaugesAtZero(server);
  }, 120_000);

  /**
   * One authenticated socket taking frames that are wrong but not fatal: each is answered
   * (pong, error or complete) and the socket stays open.
   */
  async function steadyAbuse(count: number): Promise<{ frames: number }> {
    const socket = await bareSocket(server.wsUrl);
    await initialised(socket, alice.token);
    const bigId = 'b'.repeat(WS_MAX_OPERATION_ID_BYTES - 4);
    const deep = `{ rooms { ${'... on Room { '.repeat(QUERY_MAX_DEPTH)}id${' }'.repeat(QUERY_MAX_DEPTH)} } }`;
    const answered: Promise<string>[] = [];
    const answer = (id: string) =>
      answered.push(
        socket.until((m) => {
          const message = JSON.parse(m) as { id?: string; type: string };
          return message.id === id && (message.type === 'error' || message.type === 'complete');
        }, 20_000),
      );
    for (let i = 0; i < count; i++) {
      const id = `s${i}`;
      switch (i % 10) {
        case 0:
          socket.ws.send(JSON.stringify({ type: 'ping', payload: { n: i, nested: { deep: [1, { a: null }] } } }));
          answered.push(socket.until((m) => m.includes(`"n":${i},`)));
          break;
        case 1:
          socket.ws.send(JSON.stringify({ type: 'pong', payload: { unsolicited: true } }));
          break;
        case 2:
          socket.ws.send(JSON.stringify({ type: 'complete', id: `never-${i}` }));
          break;
        case 3:
          socket.ws.send(JSON.stringify({ type: 'subscribe', id, payload: { query: '{ me { name ' } }));
          answer(id);
          break;
        case 4:
          socket.ws.send(JSON.stringify({ type: 'subscribe', id, payload: { query: deep } }));
          answer(id);
          break;
        case 5:
          socket.ws.send(JSON.stringify({ type: 'subscribe', id: `${bigId}${i}`, payload: { query: '{ nope }' } }));
          answer(`${bigId}${i}`);
          break;
        case 6:
          socket.ws.send(
            JSON.stringify({
              type: 'subscribe',
              id,
              payload: {
                query: 'query($n: Int!) { room(id: "general") { messages(last: $n) { edges { cursor } } } }',
                variables: { n: 'many' },
              },
            }),
          );
          answer(id);
          break;
        case 7:
          socket.ws.send(
            JSON.stringify({
              type: 'subscribe',
              id,
              payload: { query: 'subscription { messageAdded(roomId: "no-such-room") { id } }' },
            }),
          );
          answer(id);
          break;
        case 8:
          socket.ws.send(
            JSON.stringify({ type: 'subscribe', id, payload: { query: '{ me { name } }', operationName: 'Missing' } }),
          );
          answer(id);
          break;
        default:
          // Well-formed, but the text is blank: BAD_USER_INPUT, and nothing is stored.
          socket.ws.send(
            JSON.stringify({
              type: 'subscribe',
              id,
              payload: { query: 'mutation { sendMessage(roomId: "general", text: "   ") { id } }' },
            }),
          );
          answer(id);
      }
    }
    await Promise.all(answered);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    socket.ws.close(1000);
    await socket.closed;
    return { frames: count + 1 };
  }

  it(`answers an operation past ${WS_MAX_OPERATIONS_PER_SOCKET} at once on one socket with an error, not a close`, async () => {
    const socket = await bareSocket(server.wsUrl);
    await initialised(socket, alice.token);
    for (let i = 0; i < WS_MAX_OPERATIONS_PER_SOCKET; i++) {
      socket.ws.send(JSON.stringify({ type: 'subscribe', id: `t${i}`, payload: TYPING }));
    }
    await expect
      .poll(async () => (await gauges(server)).subscriptions, { timeout: 10_000 })
      .toBe(WS_MAX_OPERATIONS_PER_SOCKET);
    socket.ws.send(JSON.stringify({ type: 'subscribe', id: 'one-more', payload: TYPING }));
    const refused = JSON.parse(await socket.until((m) => m.includes('"one-more"'))) as {
      type: string;
      payload: { extensions?: { code?: string } }[];
    };
    expect(refused.type).toBe('error');
    expect(refused.payload[0]?.extensions?.code).toBe('FORBIDDEN');
    // Completing one makes room for another.
    socket.ws.send(JSON.stringify({ type: 'complete', id: 't0' }));
    await expect.poll(async () => (await gauges(server)).subscriptions).toBe(WS_MAX_OPERATIONS_PER_SOCKET - 1);
    socket.ws.send(JSON.stringify({ type: 'subscribe', id: 'again', payload: TYPING }));
    await expect.poll(async () => (await gauges(server)).subscriptions).toBe(WS_MAX_OPERATIONS_PER_SOCKET);
    expect(socket.received.some((m) => m.includes('"again"'))).toBe(false);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    socket.ws.close(1000);
    await gaugesAtZero(server);
  });

  it(`closes a socket that never sends connection_init with 4408 after ${WS_CONNECTION_INIT_TIMEOUT_MS} ms`, async () => {
    const started = performance.now();
    const socket = await bareSocket(server.wsUrl);
    const { code } = await socket.closed;
    const elapsed = performance.now() - started;
    expect(code).toBe(CloseCode.ConnectionInitialisationTimeout);
    expect(elapsed).toBeGreaterThanOrEqual(WS_CONNECTION_INIT_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(WS_CONNECTION_INIT_TIMEOUT_MS + 1_500);
  });
});
