import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HTTP_MAX_BODY_BYTES,
  QUERY_MAX_ALIASES,
  QUERY_MAX_DEPTH,
  QUERY_MAX_DIRECTIVES,
  QUERY_MAX_FIELDS,
  QUERY_MAX_TOKENS,
} from '../../server/limits.js';
import { type Session, gql, signUp } from '../helpers/http.js';
import { type TestServer, startServer } from '../helpers/server.js';
import { bareSocket, initialised, percentile, round } from './support.js';

/**
 * Query abuse: documents and bodies built to cost the server much more than the
 * attacker (depth and alias bombs, fragment cycles and explosions, field duplication,
 * introspection floods, huge or deeply nested variables, batches) are all refused, each
 * in a few milliseconds: the limits run before anything expensive does.
 */

/** Fresh variants per kind: the parse and validation caches key on the text, an attacker varies it. */
const VARIANTS = 12;
/** The bound on each rejection, generous for a busy CI machine (most take 2-10 ms here). */
const P99_BUDGET_MS = 50;
/**
 * A body over HTTP_MAX_BODY_BYTES is refused from its Content-Length before a byte of it
 * is read; what its round trip measures is the client pushing megabytes through the
 * loopback (about 40 ms for 4 MiB here), so it has a bound of its own.
 */
const OVERSIZED_BUDGET_MS = 250;

let server: TestServer;
let alice: Session;
beforeAll(async () => {
  server = await startServer();
  alice = await signUp(server.url);
});
afterAll(() => server?.stop());

/** A document built from `nonce` (used as the operation name, so each variant is new text). */
type Build = (nonce: string) => string;

const deep =
  (levels: number): Build =>
  (nonce) =>
    `query ${nonce} { rooms { ${'... on Room { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;
const aliases =
  (n: number): Build =>
  (nonce) =>
    `query ${nonce} { ${Array.from({ length: n }, (_, i) => `a${i}: me { name }`).join(' ')} }`;
const directives =
  (n: number): Build =>
  (nonce) =>
    `query ${nonce} { me { name ${'@include(if: true) '.repeat(n)}} }`;
const repeated =
  (selection: string, n: number): Build =>
  (nonce) =>
    `query ${nonce} { ${`${selection} `.repeat(n)}}`;
const cycle =
  (length: number): Build =>
  (nonce) =>
    `query ${nonce} { me { ...F0 } } ` +
    Array.from({ length }, (_, i) => `fragment F${i} on User { name ...F${(i + 1) % length} }`).join(' ');
/** "Billion laughs": each fragment spreads the one below twice. */
const laughs =
  (levels: number): Build =>
  (nonce) =>
    `query ${nonce} { me { ...F${levels} } } fragment F0 on User { name } ` +
    Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on User { ...F${i} ...F${i} }`).join(' ');
const introspectionDepth =
  (pairs: number): Build =>
  (nonce) =>
    `query ${nonce} { __schema { types { ${'fields { type { ofType { '.repeat(pairs)}name${' } } }'.repeat(pairs)} } } }`;
/** Exactly `n` lexer tokens: `query`, the name, `{`, `}`, then `tK: __typename` (3 each) and `__typename` (1). */
const tokens =
  (n: number): Build =>
  (nonce) => {
    const aliased = Math.floor((n - 4) / 3);
    const plain = n - 4 - 3 * aliased;
    return `query ${nonce} { ${Array.from({ length: aliased }, (_, i) => `t${i}: __typename`).join(' ')}${' __typename'.repeat(plain)} }`;
  };

/** Documents that must be refused, by kind. */
const DOCUMENTS: Record<string, Build> = {
  [`depth ${QUERY_MAX_DEPTH + 1}`]: deep(QUERY_MAX_DEPTH + 1),
  'depth 60': deep(60),
  'depth 400 (past the token limit)': deep(400),
  [`${QUERY_MAX_ALIASES + 1} aliases`]: aliases(QUERY_MAX_ALIASES + 1),
  '300 aliases': aliases(300),
  [`${QUERY_MAX_DIRECTIVES + 1} directives`]: directives(QUERY_MAX_DIRECTIVES + 1),
  '300 directives': directives(300),
  [`${QUERY_MAX_TOKENS + 1} tokens`]: tokens(QUERY_MAX_TOKENS + 1),
  'a fragment spreading itself': cycle(1),
  'a fragment cycle of 2': cycle(2),
  'a fragment cycle of 40': cycle(40),
  'fragment explosion, 2^30': laughs(30),
  'fragment explosion, 2^60': laughs(60),
  'field duplication: 330 × me { name }': repeated('me { name }', 330),
  'field duplication: 1,990 × __typename': repeated('__typename', 1_990),
  'introspection flood: 250 × __schema { types { name } }': repeated('__schema { types { name } }', 250),
  [`introspection flood: ${QUERY_MAX_FIELDS} × __typename in __schema`]: (nonce) =>
    `query ${nonce} { __schema { types { ${'name '.repeat(QUERY_MAX_FIELDS)}} } }`,
  'introspection flood: 120 × __type': repeated('__type(name: "Query") { name }', 120),
  'introspection flood: 16 aliased __schema': (nonce) =>
    `query ${nonce} { ${Array.from({ length: 16 }, (_, i) => `s${i}: __schema { types { name } }`).join(' ')} }`,
  'introspection depth bomb': introspectionDepth(4),
};

const SEND = 'mutation Send($t: String!) { sendMessage(roomId: "general", text: $t) { id } }';
const mib = (n: number) => n * 2 ** 20;

/** Bodies that must be refused, by kind: huge or deeply nested variables, batches. */
const BODIES: Record<string, (nonce: string) => string> = {
  'variables of 100 KiB': (nonce) => JSON.stringify({ query: SEND, variables: { t: nonce.padEnd(100 * 1024, 'x') } }),
  'variables of 1 MiB': (nonce) => JSON.stringify({ query: SEND, variables: { t: nonce.padEnd(mib(1), 'x') } }),
  'variables of 4 MiB': (nonce) => JSON.stringify({ query: SEND, variables: { t: nonce.padEnd(mib(4), 'x') } }),
  'variables nested 30,000 deep': (nonce) =>
    `{"query":${JSON.stringify(SEND)},"variables":{"t":${'['.repeat(30_000)}"${nonce}"${']'.repeat(30_000)}}}`,
  'a batch of 2': (nonce) =>
    JSON.stringify([{ query: `query ${nonce} { me { name } }` }, { query: '{ me { name } }' }]),
  'a batch of 1,000': (nonce) =>
    JSON.stringify(Array.from({ length: 1_000 }, (_, i) => ({ query: `query ${nonce}${i} { me { name } }` }))),
};

interface Outcome {
  ms: number;
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(body: string, headers: Record<string, string> = {}): Promise<Outcome> {
  const started = performance.now();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${alice.token}`,
      ...headers,
    },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  return { ms, status: response.status, body: JSON.parse(text) as Outcome['body'] };
}

/**
 * POSTs `body` with `Transfer-Encoding: chunked` (16 KiB a chunk, so no Content-Length
 * tells the size up front), over a bare TCP socket: it stops sending once the answer
 * starts, and reads it before the server drops the connection.
 */
function postChunked(body: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(server.port, '127.0.0.1');
    let answer = '';
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      const end = answer.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(answer)?.[1] ?? NaN);
      if (!error && (end < 0 || Buffer.byteLength(answer) < end + 4 + length)) return; // not all here yet
      done = true;
      socket.destroy();
      if (error) return reject(error);
      resolve({
        ms: performance.now() - started,
        status: Number(answer.slice(9, 12)),
        body: JSON.parse(answer.slice(end + 4)) as Outcome['body'],
      });
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      finish();
    });
    socket.on('error', (error) => finish(answer ? undefined : error));
    socket.on('close', () => finish(new Error(`closed without a whole answer: ${answer.slice(0, 200)}`)));
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\n` +
        'Accept: application/graphql-response+json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const bytes = Buffer.from(body);
    const sendFrom = (at: number): void => {
      if (answer || done) return;
      if (at >= bytes.length) return void socket.write('0\r\n\r\n');
      const chunk = bytes.subarray(at, at + 16 * 1024);
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write('\r\n', () => setImmediate(() => sendFrom(at + chunk.length)));
    };
    sendFrom(0);
  });
}

/** A refusal: errors and no data. */
function expectRefused(kind: string, outcome: Outcome): void {
  expect(outcome.body.errors?.length, `${kind}: ${JSON.stringify(outcome.body).slice(0, 300)}`).toBeGreaterThan(0);
  expect(outcome.body.data ?? null, kind).toBeNull();
}

function report(label: string, times: Map<string, number[]>): number[] {
  const all = [...times.values()].flat();
  const rows = [...times].map(
    ([kind, ms]) => `  ${kind}: p50 ${round(percentile(ms, 50))} ms, max ${round(Math.max(...ms))} ms`,
  );
  console.info(
    `[query abuse, ${label}] ${all.length} rejections: p50 ${round(percentile(all, 50))} ms, ` +
      `p99 ${round(percentile(all, 99))} ms, max ${round(Math.max(...all))} ms\n${rows.join('\n')}`,
  );
  return all;
}

describe('query abuse', () => {
  it(`refuses bombs, cycles, floods, huge variables and batches over HTTP, each well under ${P99_BUDGET_MS} ms`, async () => {
    // Warm up the paths once so the first request's JIT is not counted against the limits.
    for (const build of Object.values(DOCUMENTS)) await post(JSON.stringify({ query: build('Warm') }));
    for (const build of Object.values(BODIES)) await post(build('Warm'));

    const times = new Map<string, number[]>();
    const oversized = new Map<string, number[]>();
    for (let v = 0; v < VARIANTS; v++) {
      for (const [kind, build] of Object.entries(DOCUMENTS)) {
        const outcome = await post(JSON.stringify({ query: build(`Q${v}x${kind.length}`) }));
        expectRefused(kind, outcome);
        times.set(kind, [...(times.get(kind) ?? []), outcome.ms]);
      }
      for (const [kind, build] of Object.entries(BODIES)) {
        const body = build(`B${v}`);
        const outcome = await post(body);
        expectRefused(kind, outcome);
        if (body.length > HTTP_MAX_BODY_BYTES) {
          expect(outcome.status, kind).toBe(413);
          expect(outcome.body.errors?.[0]?.extensions?.code, kind).toBe('REQUEST_ENTITY_TOO_LARGE');
          oversized.set(kind, [...(oversized.get(kind) ?? []), outcome.ms]);
          continue;
        }
        times.set(kind, [...(times.get(kind) ?? []), outcome.ms]);
      }
    }
    // A chunked body has no Content-Length to refuse up front: it is cut off as it streams.
    for (let v = 0; v < VARIANTS; v++) {
      const outcome = await postChunked(BODIES['variables of 1 MiB']!(`C${v}`));
      expect(outcome.status).toBe(413);
      expectRefused('chunked 1 MiB', outcome);
      times.set('a chunked body of 1 MiB', [...(times.get('a chunked body of 1 MiB') ?? []), outcome.ms]);
    }

    const all = report('HTTP', times);
    const transfers = report('HTTP, bodies refused by their length', oversized);
    expect(all.length + transfers.length).toBe(
      (Object.keys(DOCUMENTS).length + Object.keys(BODIES).length + 1) * VARIANTS,
    );
    expect(transfers.length).toBeGreaterThan(0);
    expect(percentile(all, 99)).toBeLessThan(P99_BUDGET_MS);
    expect(Math.max(...transfers)).toBeLessThan(OVERSIZED_BUDGET_MS);

    // Nothing got in the way of ordinary work.
    const me = await gql<{ me: { name: string } }>(server.url, '{ me { name } }', {}, { token: alice.token });
    expect(me.data?.me.name).toBe(alice.user.name);
  }, 90_000);

  it(`refuses the same documents over graphql-ws, each well under ${P99_BUDGET_MS} ms, and keeps the socket`, async () => {
    const socket = await bareSocket(server.wsUrl);
    await initialised(socket, alice.token);
    const request = async (id: string, query: string) => {
      const started = performance.now();
      socket.ws.send(JSON.stringify({ type: 'subscribe', id, payload: { query } }));
      const answer = JSON.parse(await socket.until((m) => m.includes(`"id":"${id}"`))) as {
        type: string;
        payload: unknown;
      };
      return { ms: performance.now() - started, answer };
    };
    for (const [i, build] of Object.values(DOCUMENTS).entries()) await request(`warm${i}`, build('Warm'));

    const times = new Map<string, number[]>();
    let n = 0;
    for (let v = 0; v < VARIANTS; v++) {
      for (const [kind, build] of Object.entries(DOCUMENTS)) {
        const { ms, answer } = await request(`op${n++}`, build(`W${v}x${kind.length}`));
        // Refused as a whole: an `error` message (or a `next` carrying only errors).
        const errors = answer.type === 'error' ? answer.payload : (answer.payload as { errors?: unknown }).errors;
        expect(Array.isArray(errors) && errors.length > 0, `${kind}: ${JSON.stringify(answer).slice(0, 300)}`).toBe(
          true,
        );
        expect((answer.payload as { data?: unknown }).data ?? null, kind).toBeNull();
        times.set(kind, [...(times.get(kind) ?? []), ms]);
      }
    }
    const all = report('graphql-ws', times);
    expect(percentile(all, 99)).toBeLessThan(P99_BUDGET_MS);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    socket.ws.close(1000);
    await socket.closed;
  }, 60_000);
});
