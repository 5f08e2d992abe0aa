/**
 * The three servers the benchmark runs, started the same way each time: a fresh process
 * (and for Parley a fresh SQLite database) per run, so no run inherits another's heap.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { httpGql, type Proto } from './clients.js';
import { ServerProcess } from './server-process.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BASELINES = fileURLToPath(new URL('./', import.meta.url));
/** Parley's database for the benchmark: thrown away before every start. */
export const DATA_DIR = '/tmp/parley-bench-events';
export const PROJECT_ENTRY = 'dist/server/main.js';

/** The room every run uses: it exists from the start and every new account is in it. */
export const ROOM = 'general';

/** The change feed's selection under test, exactly as the task fixes it. */
export const EVENT_SELECTION =
  '{ kind cursor message { id seq text editedAt author { id name } reactions { emoji count viewerReacted } replyTo { id text } mentions { id } } }';
export const ROOM_EVENTS = `subscription RoomEvents($roomId: ID!) { roomEvents(roomId: $roomId) ${EVENT_SELECTION} }`;
/** The contract's benchmark subscription (CONTRACT.md, "Operations the benchmark sends"). */
export const ON_MESSAGE =
  'subscription OnMessage($roomId: ID!) { messageAdded(roomId: $roomId) { id text createdAt author { id name } } }';

/** A subscription the fan-out part can load: what Parley is asked, and what its frames carry. */
export interface BenchFeed {
  readonly name: 'roomEvents' | 'messageAdded';
  readonly subscription: string;
  /** Whether a delivery carries the room's `seq`, to check the room's order too. */
  readonly hasSeq: boolean;
}

export const FEEDS: Record<BenchFeed['name'], BenchFeed> = {
  roomEvents: { name: 'roomEvents', subscription: ROOM_EVENTS, hasSeq: true },
  messageAdded: { name: 'messageAdded', subscription: ON_MESSAGE, hasSeq: false },
};
/** The message part of the selection, for reading history the same way. */
export const MESSAGE_SELECTION =
  '{ id seq text editedAt author { id name } reactions { emoji count viewerReacted } replyTo { id text } mentions { id } }';
export const SEND =
  'mutation Send($roomId: ID!, $text: String!, $replyToId: ID) { sendMessage(roomId: $roomId, text: $text, replyToId: $replyToId) { id } }';
const SIGN_UP =
  'mutation SignUp($name: String!, $password: String!) { signUp(name: $name, password: $password) { token user { id name } } }';

export const TARGETS = ['project', 'socketio', 'raw'] as const;
export type Target = (typeof TARGETS)[number];
export const PROTO: Record<Target, Proto> = { project: 'project', socketio: 'socketio', raw: 'raw' };

export function startTarget(target: Target, feed: BenchFeed = FEEDS.roomEvents): Promise<ServerProcess> {
  if (target === 'project') {
    rmSync(DATA_DIR, { recursive: true, force: true });
    mkdirSync(DATA_DIR, { recursive: true });
    return ServerProcess.start(
      'project',
      process.execPath,
      [PROJECT_ENTRY],
      {
        NODE_ENV: 'production',
        RATE_LIMITS: 'off',
        WEB: '0',
        LOG_LEVEL: 'warn',
        DATABASE_URL: `file:${DATA_DIR}/chat.db`,
      },
      REPO_ROOT,
      '/readyz',
    );
  }
  const file = target === 'socketio' ? 'socketio.mjs' : 'raw-ws.mjs';
  // The baselines send the event object of the feed under test (chat-event.mjs).
  return ServerProcess.start(
    target,
    process.execPath,
    [`${BASELINES}${file}`],
    { BENCH_FEED: feed.name },
    REPO_ROOT,
    '/',
  );
}

export interface Account {
  id: string;
  name: string;
  token: string;
}

/** Signs up `count` accounts named `<prefix><i>` on Parley. */
export async function signUpMany(url: string, prefix: string, count: number): Promise<Account[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const name = `${prefix}${i}`;
      const data = await httpGql<{ signUp: { token: string; user: { id: string; name: string } } }>(url, SIGN_UP, {
        name,
        password: `bench-${name}-password`,
      });
      return { ...data.signUp.user, token: data.signUp.token };
    }),
  );
}

/** Stand-in accounts for the baselines, which know no users: the same names, no tokens. */
export const fakeAccounts = (prefix: string, count: number): Account[] =>
  Array.from({ length: count }, (_, i) => ({ id: String(i + 1), name: `${prefix}${i}`, token: '' }));

/** Between warm-up messages while waiting for every subscription to go live. */
export const WARM_INTERVAL_MS = 200;
/** How long every subscriber may take to receive a first warm-up message. */
export const BARRIER_TIMEOUT_MS = 60_000;
/** After the last send or mutation: how long answers and stragglers may take. */
export const DRAIN_TIMEOUT_MS = 10_000;
/** Problems listed per run; the rest are counted. */
const PROBLEMS_KEPT = 20;

/** What went wrong in a run: the first PROBLEMS_KEPT said in full, the rest counted. */
export function problemLog(): { problem(what: string): void; list(): string[] } {
  const kept: string[] = [];
  let count = 0;
  return {
    problem(what) {
      if (++count <= PROBLEMS_KEPT) kept.push(what);
    },
    list: () => (count > PROBLEMS_KEPT ? [...kept, `… ${count - PROBLEMS_KEPT} more`] : kept),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Resolves when `done()` holds (checked every `pollMs`) or after `timeoutMs`; says which. */
export async function waitFor(done: () => boolean, timeoutMs: number, pollMs = 20): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(pollMs);
  }
  return true;
}
