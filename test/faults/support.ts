/**
 * What the fault suites share: readiness from outside, a writer that keeps sending
 * through a fault, and one Parley process of a test's own to kill with SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Session, gqlResponse } from '../helpers/http.js';
import { waitUntil } from '../helpers/wait.js';
import { NODE_START_TIMEOUT_MS, type NodeProcess, freePort } from '../cluster/harness.js';
import { type SendOutcome, trySend } from '../cluster/support.js';

export interface Readiness {
  status: number;
  body: string;
}

/** `/readyz` as a supervisor sees it; a node that does not answer in 5 s is status 0. */
export async function readiness(node: { url: string }): Promise<Readiness> {
  try {
    const response = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: (error as Error).message };
  }
}

/** Resolves once the node's `/readyz` answers `status`; fails with its last answer and output otherwise. */
export async function waitReady(node: NodeProcess, status: 200 | 503, timeoutMs: number): Promise<void> {
  let last: Readiness = { status: 0, body: '' };
  await waitUntil(
    async () => {
      last = await readiness(node);
      return last.status === status;
    },
    { timeoutMs, intervalMs: 100, what: `${node.name}'s /readyz to answer ${status}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last: HTTP ${last.status} ${last.body}\n${node.tail()}`);
  });
}

/**
 * Load that keeps each node's database connections busy, `perNode` loops per node until
 * stopped: half of them read a room's newest messages, half send to it as fast as they
 * are answered (a send is a transaction of several statements). So when a fault strikes,
 * connections are checked out, in the middle of a query or of a transaction, not only
 * idle in the pools. Failures are expected and ignored, with a pause so that a fault
 * does not turn them into a busy loop. Use a room of its own: what it sends is not
 * counted.
 */
export function busyLoad(
  nodes: readonly { readonly url: string }[],
  user: Session,
  roomId: string,
  perNode = 4,
): { stop(): Promise<{ reads: number; sends: number }> } {
  let stopping = false;
  const done = { reads: 0, sends: 0 };
  const read = 'query($id: ID!) { room(id: $id) { messages(last: 50) { edges { node { id text } } } } }';
  const send = 'mutation($id: ID!, $text: String!) { sendMessage(roomId: $id, text: $text) { id } }';
  const loops = nodes.flatMap((node) =>
    Array.from({ length: perNode }, async (_, k) => {
      const writes = k % 2 === 1;
      while (!stopping) {
        const outcome = await gqlResponse(
          node.url,
          writes ? send : read,
          { id: roomId, text: 'load' },
          { token: user.token },
        ).catch(() => null);
        if (outcome?.data && !outcome.errors) done[writes ? 'sends' : 'reads']++;
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }),
  );
  return {
    async stop() {
      stopping = true;
      await Promise.all(loops);
      return done;
    },
  };
}

/** One send of a steady writer: where, when, how long it took and what became of it. */
export interface WriterSend {
  readonly clientId: string;
  readonly text: string;
  readonly node: string;
  /** When the request left, ms since the epoch. */
  readonly at: number;
  /** How long until its answer. */
  readonly ms: number;
  readonly outcome: SendOutcome;
}

export interface SteadyWriter {
  readonly sends: readonly WriterSend[];
  /** Sends acknowledged so far. */
  acknowledged(): number;
  /** Stops after the send in flight; resolves with every send. */
  stop(): Promise<readonly WriterSend[]>;
}

/**
 * Sends one message every `intervalMs` (or as soon as the last answered, when that took
 * longer), alternating between `nodes`, each with a clientId of its own so that a failed
 * one can be retried without doubling. Never throws: a failure is an outcome.
 */
export function steadyWriter(
  nodes: readonly { readonly name: string; readonly url: string }[],
  author: Session,
  roomId: string,
  { intervalMs = 100, label = 'steady' } = {},
): SteadyWriter {
  const sends: WriterSend[] = [];
  let stopping = false;
  const loop = (async () => {
    for (let i = 0; !stopping; i++) {
      const node = nodes[i % nodes.length]!;
      const clientId = `${label}-${i}`;
      const text = `${label} ${i}`;
      const at = Date.now();
      const outcome = await trySend(node.url, author.token, roomId, text, clientId);
      const ms = Date.now() - at;
      sends.push({ clientId, text, node: node.name, at, ms, outcome });
      const wait = intervalMs - ms;
      if (wait > 0 && !stopping) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    sends,
    acknowledged: () => sends.filter((s) => s.outcome.ok).length,
    async stop() {
      stopping = true;
      await loop;
      return sends;
    },
  };
}

// --- One Parley process on SQLite --------------------------------------------------

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TAIL_LINES = 40;

export interface ServerProcess {
  readonly url: string;
  readonly wsUrl: string;
  readonly pid: number | undefined;
  /** Sends `signal` and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Its last lines of output. */
  tail(): string;
}

/**
 * Starts `node --import tsx server/main.ts` (API only) on `databaseUrl` and a free port,
 * with no Redis whatever the environment says; resolves once /readyz answers 200.
 * A process, not an app in this worker, so that SIGKILL ends it mid-write.
 */
export async function startServerProcess(databaseUrl: string): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    WEB: '0',
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  delete env.REDIS_URL;
  delete env.NODE_OPTIONS; // vitest's loader hooks are not the server's
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(line.slice(0, 500));
    lines.splice(0, Math.max(0, lines.length - TAIL_LINES));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => (exited = true));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    url,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    pid: child.pid,
    async kill(signal = 'SIGKILL') {
      if (!exited) child.kill(signal);
      await exit;
      process.removeListener('exit', killOnExit);
    },
    tail: () => `--- parley on port ${port} (${exited ? 'exited' : 'running'}):\n${lines.join('\n')}`,
  };
  try {
    await waitUntil(
      async () => {
        if (exited) throw new Error('exited before it was ready');
        return (await readiness(server)).status === 200;
      },
      { timeoutMs: NODE_START_TIMEOUT_MS, intervalMs: 100, what: `parley on port ${port} to be ready` },
    );
  } catch (error) {
    await server.kill();
    throw new Error(`${(error as Error).message}\n${server.tail()}`);
  }
  return server;
}
