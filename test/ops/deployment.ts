/**
 * The README's "three nodes behind nginx" as a test runs it: one build of the server
 * (`tsc -p tsconfig.build.json`, as `npm run build:server`, into a folder of its own so
 * that it never touches a `dist/` someone is running), nodes started from it with the
 * deployment's environment, and nginx with a configuration derived from
 * deploy/nginx.conf: the same file with the test's ports, in the foreground, under a
 * prefix of its own. Everything started here is killed when the worker exits.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TAIL_LINES = 60;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Compiles the server once into node_modules/.cache (inside the project, so that the
 * compiled files find node_modules and schema/ as dist/ does). Resolves to the folder
 * holding server/main.js, and a function that removes it.
 */
export async function buildServer(): Promise<{ dir: string; remove(): void }> {
  const dir = join(ROOT, 'node_modules', '.cache', `parley-build-${randomBytes(4).toString('hex')}`);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  let output = '';
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', dir], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    // tsc reports type errors but still emits; a missing main.js is the failure.
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  if (!existsSync(join(dir, 'server', 'main.js')))
    throw new Error(`the build produced no server/main.js:\n${output.slice(0, 4_000)}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process whose last lines of output are kept and whose exit is a promise. */
export class Proc {
  readonly lines: string[] = [];
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;

  constructor(
    readonly child: ChildProcess,
    readonly label: string,
  ) {
    running.add(child);
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        this.lines.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
        if (this.lines.length > TAIL_LINES) this.lines.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      const done = (exit: Exit) => {
        running.delete(child);
        this.exit ??= exit;
        resolve(this.exit);
      };
      child.once('exit', (code, signal) => done({ code, signal }));
      child.once('error', (error) => {
        this.lines.push(`spawn failed: ${error.message}`);
        done({ code: null, signal: null });
      });
    });
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  tail(): string {
    const state = this.exit ? `exited ${JSON.stringify(this.exit)}` : `running, pid ${this.child.pid}`;
    return `--- ${this.label} (${state}), last ${this.lines.length} lines:\n${this.lines.join('\n')}`;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }
}

/** Resolves once `url` answers 200; rejects when `proc` exits first or after `timeoutMs`. */
export async function untilOk(url: string, proc: Proc, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!proc.alive) throw new Error(`${proc.label} exited before ${url} answered\n${proc.tail()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      last = `HTTP ${response.status}`;
      await response.body?.cancel();
      if (response.ok) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(50);
  }
  throw new Error(`${url} not 200 after ${timeoutMs} ms (last: ${last})\n${proc.tail()}`);
}

/** One node of the deployment: `node <build>/server/main.js` on a fixed port, restartable. */
export class DeployedNode {
  current: Proc | undefined;
  readonly url: string;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly build: string,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the node; resolves once its /readyz is 200, with how long that took. */
  async start(timeoutMs: number): Promise<number> {
    const started = performance.now();
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.env, PORT: String(this.port) };
    delete env.NODE_OPTIONS; // vitest's loader hooks are not the server's
    const child = spawn(process.execPath, [join(this.build, 'server', 'main.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.current = new Proc(child, `${this.name} on port ${this.port}`);
    await untilOk(`${this.url}/readyz`, this.current, timeoutMs);
    return performance.now() - started;
  }

  /** Sends `signal`; resolves with how the process exited and how long it took. */
  async stop(signal: NodeJS.Signals): Promise<Exit & { ms: number }> {
    const started = performance.now();
    const exit = await (this.current?.kill(signal) ?? Promise.resolve({ code: null, signal: null }));
    return { ...exit, ms: performance.now() - started };
  }

  tail(): string {
    return this.current?.tail() ?? `--- ${this.name}: never started`;
  }
}

/** nginx from PATH or Debian's /usr/sbin, or undefined when it is not installed. */
export function nginxBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/sbin', '/usr/local/sbin')) {
    const path = join(dir, 'nginx');
    if (dir && existsSync(path)) return path;
  }
  return undefined;
}

/**
 * deploy/nginx.conf with the test's ports: nginx listens on 127.0.0.1:`listen`, its
 * upstream is `nodes`, it stays in the foreground with one worker, and writes its error
 * log to stderr. Everything else, the proxying itself, is the file as shipped; a line
 * this expects to replace and does not find fails, so the two cannot drift apart.
 */
export function nginxConfig(listen: number, nodes: readonly number[]): string {
  const shipped = readFileSync(join(ROOT, 'deploy', 'nginx.conf'), 'utf8');
  const replace = (text: string, pattern: RegExp, by: string): string => {
    if (!pattern.test(text))
      throw new Error(`deploy/nginx.conf no longer has ${pattern}: update test/ops/deployment.ts`);
    return text.replace(pattern, by);
  };
  let config = replace(shipped, /^worker_processes auto;$/m, 'daemon off;\nworker_processes 1;');
  config = replace(config, /^error_log logs\/error\.log warn;$/m, 'error_log stderr warn;');
  config = replace(config, /^(\s*)listen 8080;$/m, `$1listen 127.0.0.1:${listen};`);
  const servers = /^(\s*)server 127\.0\.0\.1:400\d (max_fails=\S+ fail_timeout=\S+);\n/gm;
  const [first] = [...shipped.matchAll(servers)];
  if (!first) throw new Error('deploy/nginx.conf has no `server 127.0.0.1:400N …` upstream lines');
  const lines = nodes.map((port) => `${first[1]}server 127.0.0.1:${port} ${first[2]};\n`).join('');
  config = config.replace(servers, '').replace(/^(\s*)least_conn;\n/m, (line) => line + lines);
  return config;
}

export interface Nginx {
  readonly url: string;
  readonly proc: Proc;
  /** Its access log (one line per request, with the node that served it). */
  accessLog(): string;
  stop(): Promise<Exit>;
}

/** Starts nginx in the foreground with nginxConfig(); resolves once it proxies /healthz. */
export async function startNginx(binary: string, listen: number, nodes: readonly number[]): Promise<Nginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'parley-nginx-'));
  // Worker processes run as an unprivileged user when nginx is started as root.
  chmodSync(prefix, 0o755);
  mkdirSync(join(prefix, 'logs'));
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig(listen, nodes));
  const child = spawn(binary, ['-p', prefix, '-c', conf, '-e', 'stderr'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = new Proc(child, `nginx on port ${listen}`);
  const url = `http://127.0.0.1:${listen}`;
  await untilOk(`${url}/healthz`, proc, 10_000);
  return {
    url,
    proc,
    accessLog: () => {
      try {
        return readFileSync(join(prefix, 'logs', 'access.log'), 'utf8');
      } catch {
        return '';
      }
    },
    async stop() {
      // SIGQUIT: graceful, as `nginx -s quit`; SIGTERM after a while, as `-s stop`.
      const timer = setTimeout(() => proc.child.kill('SIGTERM'), 5_000);
      const exit = await proc.kill('SIGQUIT');
      clearTimeout(timer);
      rmSync(prefix, { recursive: true, force: true });
      return exit;
    },
  };
}
