import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

export interface RunningServer {
  url: string;
  /** Kills the node with SIGKILL (no goodbye to any socket) and starts it again on the same port and data. */
  crashAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not ready after ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

/**
 * The production build, as `npm start` runs it, on a free port with a fresh database.
 * A separate process because Next needs its real port when it is constructed (its server
 * actions fetch their redirect target from it). Expects `npm run build` to have run.
 */
export async function startServer(): Promise<RunningServer> {
  if (!existsSync(join(ROOT, 'dist/server/main.js')) || !existsSync(join(ROOT, 'web/.next/BUILD_ID'))) {
    throw new Error('No production build: run `npm run build` before the browser tests.');
  }
  const dir = await mkdtemp(join(tmpdir(), 'parley-browser-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['dist/server/main.js'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `file:${join(dir, 'chat.db')}`,
        RATE_LIMITS: 'off',
        LOG_LEVEL: 'warn',
        WEB: '1',
        NEXT_DEV: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await waitUntilReady(url, child, () => log);
    return child;
  };
  const ended = async (child: ChildProcess, signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  let child = await launch();
  return {
    url,
    async crashAndRestart() {
      await ended(child, 'SIGKILL');
      child = await launch();
    },
    async stop() {
      await ended(child, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
