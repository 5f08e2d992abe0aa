/**
 * A server under test, started in a process group of its own and measured from outside:
 * CPU time (user + system) and RSS of every process in the group, read from /proc, so
 * nothing the server says about itself enters a figure.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** How long a server may take from spawn to answering. */
const START_TIMEOUT_MS = 60_000;
/** How often start-up polls the server. */
const START_POLL_MS = 100;
/** After SIGTERM, how long a server gets before SIGKILL. */
const STOP_GRACE_MS = 3_000;
/** Lines of a server's stderr kept to explain a failure. */
const STDERR_LINES_KEPT = 40;

/** Clock ticks per second of /proc's utime and stime. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100; // USER_HZ on every Linux architecture Node runs on
  }
})();

const live = new Set<ServerProcess>();

/** Kills every server still running: on exit, on error, on Ctrl-C. Synchronous, for 'exit'. */
export function killAllServers(): void {
  for (const server of live) server.kill('SIGKILL');
}
process.on('exit', killAllServers);
const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
for (const [signal, number] of Object.entries(SIGNAL_NUMBERS)) {
  process.on(signal, () => {
    killAllServers();
    process.exit(128 + number); // the shell's code for "killed by this signal"
  });
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
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

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process has gone meanwhile
  }
}
// Indices into statFields (field numbers of proc(5) minus 3).
const PGRP = 2;
const UTIME = 11;
const STIME = 12;
const CUTIME = 13;
const CSTIME = 14;

export interface Usage {
  /** CPU seconds, user + system, of the group's processes and of their reaped children. */
  cpuSeconds: number;
  rssBytes: number;
}

export class ServerProcess {
  readonly child: ChildProcess;
  private readonly stderr: string[] = [];

  private constructor(
    readonly name: string,
    readonly port: number,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    cwd: string,
  ) {
    // detached: a process group of its own, whose id is the child's pid.
    this.child = spawn(command, args, { cwd, detached: true, env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderr.push(...chunk.split('\n').filter(Boolean));
      this.stderr.splice(0, Math.max(0, this.stderr.length - STDERR_LINES_KEPT));
    });
    live.add(this);
    this.child.once('exit', () => live.delete(this));
  }

  /**
   * Starts `command args` in `cwd` on a free loopback port (PORT, HOST) and waits until
   * `readyPath` answers 200. `options.port` starts it on that port instead (a node started
   * again where its clients look for it); `options.pollMs` polls more often than START_POLL_MS.
   */
  static async start(
    name: string,
    command: string,
    args: string[],
    env: Record<string, string>,
    cwd: string,
    readyPath: string,
    options: { port?: number; pollMs?: number } = {},
  ): Promise<ServerProcess> {
    const port = options.port ?? (await freePort());
    const server = new ServerProcess(
      name,
      port,
      command,
      args,
      { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      cwd,
    );
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (server.child.exitCode !== null || server.child.signalCode !== null)
        throw new Error(
          `${name} exited at start (${server.child.exitCode ?? server.child.signalCode}):\n${server.log}`,
        );
      try {
        const res = await fetch(`${server.url}${readyPath}`);
        await res.arrayBuffer();
        if (res.ok) return server;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`${name} did not answer ${readyPath} within ${START_TIMEOUT_MS} ms:\n${server.log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? START_POLL_MS));
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The last lines the server wrote to stderr. */
  get log(): string {
    return this.stderr.join('\n');
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** CPU and RSS of every process in the server's group, now. */
  usage(): Usage {
    const pgid = this.child.pid!;
    let ticks = 0;
    let rssBytes = 0;
    for (const entry of readdirSync('/proc')) {
      if (entry.charCodeAt(0) > 57) continue; // not a pid
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const f = statFields(pid);
      if (!f || Number(f[PGRP]) !== pgid) continue;
      // A child that exited and was reaped is in its parent's cutime/cstime, and nowhere else.
      ticks += Number(f[UTIME]) + Number(f[STIME]) + Number(f[CUTIME]) + Number(f[CSTIME]);
      try {
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (rss) rssBytes += Number(rss[1]) * 1024;
      } catch {
        // gone meanwhile
      }
    }
    return { cpuSeconds: ticks / CLOCK_TICKS, rssBytes };
  }

  kill(signal: NodeJS.Signals): void {
    if (this.exited) return;
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // the group is gone already
    }
  }

  /** SIGTERM to the group, SIGKILL if it is still there after STOP_GRACE_MS. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}

/** CPU seconds every core of the machine spent busy (not idle, not waiting for I/O), from /proc/stat. */
function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
}

export interface CpuWindow {
  /** CPU seconds of the server's process group. */
  server: number;
  /** CPU seconds of this process: the load generator. */
  loadGenerator: number;
  /** CPU seconds of everything else on the machine: other people's work, the noise. */
  others: number;
}

/** Starts measuring CPU; the function returned ends the window and tells who used what. */
export function cpuWindow(server: ServerProcess): () => CpuWindow {
  const serverStart = server.usage().cpuSeconds;
  const selfStart = process.cpuUsage();
  const machineStart = machineBusySeconds();
  return () => {
    const serverUsed = server.usage().cpuSeconds - serverStart;
    const self = process.cpuUsage(selfStart);
    const loadGenerator = (self.user + self.system) / 1e6;
    const machine = machineBusySeconds() - machineStart;
    return { server: serverUsed, loadGenerator, others: Math.max(0, machine - serverUsed - loadGenerator) };
  };
}
