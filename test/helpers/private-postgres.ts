/**
 * A PostgreSQL server of a test's own, to stop and start under a running cluster: never
 * the machine's shared one on 5432, which other suites use at the same time.
 *
 * `initdb` makes a fresh cluster in a temporary folder and `pg_ctl` starts it on a free
 * port, on 127.0.0.1 only, with trust authentication for its own `postgres` role.
 * PostgreSQL refuses to run as root, so when this runs as root every command runs as
 * the `postgres` OS user (`runuser -u postgres --`), which then owns the folder.
 *
 * The binaries come from PG_BIN, else the machine's PostgreSQL 15. When they are
 * missing the suites that need them are skipped with the reason, except under CI=true,
 * where `requirePrivatePostgres` fails instead: CI must not pass by running nothing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../cluster/harness.js';

const run = promisify(execFile);

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const INITDB = join(PG_BIN, 'initdb');
const PG_CTL = join(PG_BIN, 'pg_ctl');
/** The OS user PostgreSQL runs as when this process is root. */
const OS_USER = 'postgres';
/** pg_ctl's own wait for start and stop (-t), in seconds. */
const PG_CTL_WAIT_S = 30;

const isRoot = process.getuid?.() === 0;

/** Why a private PostgreSQL cannot run here, or undefined when it can. */
function missing(): string | undefined {
  for (const binary of [INITDB, PG_CTL]) if (!existsSync(binary)) return `${binary} is not installed (set PG_BIN)`;
  if (isRoot) {
    try {
      execFileSync('id', ['-u', OS_USER], { stdio: 'ignore' });
    } catch {
      return `running as root, and there is no "${OS_USER}" OS user to run PostgreSQL as`;
    }
  }
  return undefined;
}

/** Undefined when a private PostgreSQL can run here, else why not. */
export const PRIVATE_POSTGRES_MISSING = missing();

/**
 * Throws under CI=true when a private PostgreSQL cannot run here: call it in the
 * `beforeAll` of a suite that needs one, so CI fails loudly rather than skipping.
 */
export function requirePrivatePostgres(): void {
  if (PRIVATE_POSTGRES_MISSING) throw new Error(`a private PostgreSQL is needed: ${PRIVATE_POSTGRES_MISSING}`);
}

/** True when the suites that need a private PostgreSQL should run (always under CI, where they fail if they cannot). */
export const RUN_PRIVATE_POSTGRES = !PRIVATE_POSTGRES_MISSING || process.env.CI === 'true';

export interface PrivatePostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly running: boolean;
  /** `pg_ctl stop` (fast: open connections are ended, nothing is lost); resolves once it is down. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** `pg_ctl start` on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /**
   * SIGSTOP to every one of its processes: it keeps its connections and accepts new
   * ones in the kernel's backlog, but answers nothing, as a host that hangs or a network
   * that drops packets. `thaw` (SIGCONT) lets it go on where it was.
   */
  freeze(): void;
  thaw(): void;
  /** Its server log's last lines, for failure messages. */
  tail(): string;
  /** Stops it (immediate) and deletes its folder. Safe to call twice. */
  remove(): Promise<void>;
}

/** Every private server this process started and has not removed, stopped if the process exits first. */
const running = new Map<string, () => void>(); // data folder -> how to thaw it
process.once('exit', () => {
  for (const [data, thaw] of running) {
    try {
      thaw();
      execFileSync(...asOsUser(PG_CTL, ['stop', '-D', data, '-m', 'immediate', '-t', '10']), { stdio: 'ignore' });
    } catch {
      // Already down.
    }
  }
});

function asOsUser(command: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', OS_USER, '--', command, ...args]] : [command, args];
}

async function pgCtl(args: string[]): Promise<void> {
  const [command, argv] = asOsUser(PG_CTL, args);
  await run(command, argv, { timeout: (PG_CTL_WAIT_S + 5) * 1000 });
}

/** Waits until PostgreSQL answers a query: pg_ctl -w returns once it accepts connections, nearly the same. */
async function untilAnswering(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL at ${url} did not answer: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/**
 * Makes and starts a fresh PostgreSQL cluster on a free port. Fast settings for tests
 * (`fsync=off`: a fault here is a stopped server, never a lost power supply).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  requirePrivatePostgres();
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', OS_USER]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', OS_USER]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const [initdb, initdbArgs] = asOsUser(INITDB, [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-sync',
  ]);
  await run(initdb, initdbArgs, { timeout: 60_000 }).catch((error: Error & { stderr?: string }) => {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${error.message}\n${error.stderr ?? ''}`);
  });
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=50',
  ].join(' ');
  let up = false;
  /** The postmaster (first line of postmaster.pid) and its children, from /proc. */
  const processes = (): number[] => {
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after its ")".
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
        } catch {
          return false; // exited meanwhile
        }
      })
      .map(Number);
    return [postmaster, ...children];
  };
  const signalAll = (signal: NodeJS.Signals) => {
    for (const pid of processes()) process.kill(pid, signal);
  };
  const tail = () => {
    try {
      return `--- private PostgreSQL on port ${port}, last lines of its log:\n${readFileSync(log, 'utf8').split('\n').slice(-30).join('\n')}`;
    } catch {
      return `--- private PostgreSQL on port ${port}: no log`;
    }
  };
  const server: PrivatePostgres = {
    port,
    url,
    get running() {
      return up;
    },
    async start() {
      running.set(data, () => signalAll('SIGCONT'));
      try {
        await pgCtl(['start', '-D', data, '-l', log, '-o', options, '-w', '-t', String(PG_CTL_WAIT_S)]);
        await untilAnswering(url, 10_000);
      } catch (error) {
        throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${tail()}`);
      }
      up = true;
    },
    async stop(mode = 'fast') {
      await pgCtl(['stop', '-D', data, '-m', mode, '-w', '-t', String(PG_CTL_WAIT_S)]);
      up = false;
    },
    freeze: () => signalAll('SIGSTOP'),
    thaw: () => signalAll('SIGCONT'),
    tail,
    async remove() {
      if (!existsSync(dir)) return;
      if (existsSync(join(data, 'postmaster.pid'))) {
        try {
          signalAll('SIGCONT'); // a frozen server would not stop
        } catch {
          // Not running.
        }
        await server.stop('immediate').catch(() => {});
      }
      running.delete(data);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (error) {
    await server.remove();
    throw error;
  }
  return server;
}
