/**
 * What the server keeps in memory per idle `messageAdded` subscriber over graphql-ws.
 *
 * Builds the app in this process (SQLite, in-process pub/sub, no rate limits, no web UI),
 * opens N subscribers from a child process (so the clients' memory is not counted), the
 * way `npm run bench` does (one user's token for all, `connection_init { authToken }`, then
 * `subscribe` to `messageAdded(roomId: "general")`), waits until every subscription has
 * received a message, and reports per subscriber, after forced GCs: heapUsed, external,
 * arrayBuffers and RSS growth. Then diffs two heap snapshots (objects that were allocated
 * after the first one and are still alive) by class: count, self size and retained size
 * per subscriber, with what holds them.
 *
 *   npx tsx --expose-gc test/bench/memory-per-subscriber.ts [--n 2000] [--target parley|socketio]
 *       [--warm 20] [--no-snapshots] [--top 30] [--keep-snapshots] [--source]
 *       [--bench-like] [--alloc major|all]
 *
 * `--bench-like`: what `npm run bench` sees instead (RSS from a just-started server to N
 * live subscribers, no warm-up, no GC), by V8 heap space. `--alloc`: V8's sampling heap
 * profile of the subscribe burst, by package, server frame and function; `all` counts
 * every allocation, `major` only what is alive or was collected by a full GC (what
 * reached the old space).
 *
 * The server is compiled with tsc (tsconfig.build.json) into a temporary folder first and
 * run from there, as `npm start` runs it: tsx compiles with esbuild's keepNames, which
 * gives every named arrow function a `name` property of its own (about 250 bytes each)
 * and would inflate the figures. `--source` runs the TypeScript through tsx instead.
 *
 * `--target socketio` measures the benchmark's Socket.IO chat baseline
 * (test/bench/events/socketio.mjs, or SOCKETIO_BASELINE=<file>) the same way.
 * With snapshots, RSS figures are disturbed by the snapshots' own memory: use
 * `--no-snapshots` for RSS. heapUsed is exact either way.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import WebSocket from 'ws';
import { TEST_CONFIG } from '../helpers/test-config.js';

const ON_MESSAGE =
  'subscription OnMessage($roomId: ID!) { messageAdded(roomId: $roomId) { id text createdAt author { id name } } }';
const SEND = 'mutation Send($roomId: ID!, $text: String!) { sendMessage(roomId: $roomId, text: $text) { id } }';
const SIGN_UP =
  'mutation SignUp($name: String!, $password: String!) { signUp(name: $name, password: $password) { token } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------------------------
// The client process: opens sockets on request, reports over IPC.
// ------------------------------------------------------------------------------------

type Proto = 'graphql-ws' | 'socketio';
type ToClient =
  | { cmd: 'sender'; url: string; proto: Proto; token?: string }
  | { cmd: 'open'; url: string; proto: Proto; token?: string; n: number; from: number }
  | { cmd: 'send'; text: string }
  | { cmd: 'count'; marker: string }
  | { cmd: 'close' };

function runClient(): void {
  const subs: { ws: WebSocket; got: Set<string> }[] = [];
  let sender: { ws: WebSocket; proto: Proto; op: number } | undefined;
  const reply = (msg: unknown) => process.send!(msg);

  const open = (url: string, proto: Proto, token: string | undefined, subscribe: boolean) =>
    new Promise<{ ws: WebSocket; got: Set<string> }>((resolve, reject) => {
      const target = proto === 'socketio' ? `${url}/socket.io/?EIO=4&transport=websocket` : `${url}/graphql`;
      const ws =
        proto === 'socketio'
          ? new WebSocket(target, { perMessageDeflate: false })
          : new WebSocket(target, 'graphql-transport-ws', { perMessageDeflate: false });
      const state = { ws, got: new Set<string>() };
      let done = false;
      const ready = () => {
        if (!done) {
          done = true;
          resolve(state);
        }
      };
      ws.on('open', () => {
        if (proto === 'graphql-ws') ws.send(JSON.stringify({ type: 'connection_init', payload: { authToken: token } }));
      });
      ws.on('error', (e) => (done ? undefined : reject(e)));
      ws.on('close', (code) => {
        if (!done) reject(new Error(`closed ${code} before ready`));
      });
      ws.on('message', (data) => {
        const s = String(data);
        const mark = /mem~\d+/.exec(s);
        if (mark) {
          state.got.add(mark[0]);
          return;
        }
        if (proto === 'socketio') {
          if (s === '2') ws.send('3');
          else if (s.startsWith('0{')) ws.send('40');
          else if (s.startsWith('40')) ready();
          return;
        }
        if (s.includes('"type":"ping"')) ws.send('{"type":"pong"}');
        else if (s.includes('"connection_ack"')) {
          if (subscribe) {
            ws.send(
              JSON.stringify({
                id: 's',
                type: 'subscribe',
                payload: { query: ON_MESSAGE, variables: { roomId: 'general' } },
              }),
            );
          }
          ready();
        } else if (s.includes('"type":"error"')) console.error('error frame:', s.slice(0, 300));
      });
    });

  process.on('message', (raw) => {
    const msg = raw as ToClient;
    void (async () => {
      switch (msg.cmd) {
        case 'sender': {
          const s = await open(msg.url, msg.proto, msg.token, false);
          sender = { ws: s.ws, proto: msg.proto, op: 0 };
          return reply({ ok: true });
        }
        case 'open': {
          let next = 0;
          await Promise.all(
            Array.from({ length: 64 }, async () => {
              while (next < msg.n) {
                next++;
                subs.push(await open(msg.url, msg.proto, msg.token, true));
              }
            }),
          );
          return reply({ ok: true, open: subs.length });
        }
        case 'send': {
          if (!sender) throw new Error('no sender');
          if (sender.proto === 'socketio')
            sender.ws.send(
              `42${JSON.stringify(['chat message', { text: msg.text, author: { id: '1', name: 'mem' } }])}`,
            );
          else
            sender.ws.send(
              JSON.stringify({
                id: `m${++sender.op}`,
                type: 'subscribe',
                payload: { query: SEND, variables: { roomId: 'general', text: msg.text } },
              }),
            );
          return reply({ ok: true });
        }
        case 'count':
          return reply({ ok: true, got: subs.filter((s) => s.got.has(msg.marker)).length, of: subs.length });
        case 'close':
          for (const s of subs) s.ws.close();
          sender?.ws.close();
          await sleep(500);
          reply({ ok: true });
          process.exit(0);
      }
    })().catch((error: unknown) => reply({ ok: false, error: String(error) }));
  });
  reply({ ok: true, hello: true });
}

// ------------------------------------------------------------------------------------
// Heap snapshot analysis.
// ------------------------------------------------------------------------------------

export interface Snapshot {
  nodeCount: number;
  type: Uint8Array;
  name: Uint32Array;
  id: Uint32Array;
  selfSize: Float64Array;
  firstEdge: Uint32Array; // edge range [firstEdge[i], firstEdge[i + 1])
  edgeType: Uint8Array;
  edgeName: Uint32Array; // string index or element index
  edgeTo: Uint32Array; // node ordinal
  strings: string[];
  nodeTypes: string[];
  edgeTypes: string[];
}

export function loadSnapshot(path: string): Snapshot {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as {
    snapshot: {
      meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
      node_count: number;
    };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const meta = raw.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [nType, nName, nId, nSize, nEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) =>
    meta.node_fields.indexOf(f),
  ) as [number, number, number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const n = raw.nodes.length / nf;
  const m = raw.edges.length / ef;
  const s: Snapshot = {
    nodeCount: n,
    type: new Uint8Array(n),
    name: new Uint32Array(n),
    id: new Uint32Array(n),
    selfSize: new Float64Array(n),
    firstEdge: new Uint32Array(n + 1),
    edgeType: new Uint8Array(m),
    edgeName: new Uint32Array(m),
    edgeTo: new Uint32Array(m),
    strings: raw.strings,
    nodeTypes: meta.node_types[0],
    edgeTypes: meta.edge_types[0],
  };
  let e = 0;
  for (let i = 0; i < n; i++) {
    const o = i * nf;
    s.type[i] = raw.nodes[o + nType]!;
    s.name[i] = raw.nodes[o + nName]!;
    s.id[i] = raw.nodes[o + nId]!;
    s.selfSize[i] = raw.nodes[o + nSize]!;
    s.firstEdge[i] = e;
    e += raw.nodes[o + nEdges]!;
  }
  s.firstEdge[n] = e;
  for (let j = 0; j < m; j++) {
    const o = j * ef;
    s.edgeType[j] = raw.edges[o + eType]!;
    s.edgeName[j] = raw.edges[o + eName]!;
    s.edgeTo[j] = raw.edges[o + eTo]! / nf;
  }
  return s;
}

export function className(s: Snapshot, i: number): string {
  const type = s.nodeTypes[s.type[i]!]!;
  const name = s.strings[s.name[i]!]!;
  switch (type) {
    case 'object':
    case 'native':
    case 'synthetic':
      return name;
    case 'closure':
      return `(closure ${name || 'anonymous'})`;
    case 'hidden':
    case 'array':
      return name.startsWith('(') ? name : `(${name})`;
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return `(${type})`;
    default:
      return `(${type})`;
  }
}

/** Immediate dominators (Cooper, Harvey, Kennedy), ignoring weak edges; root is node 0. */
export function dominators(s: Snapshot): { idom: Int32Array; retained: Float64Array; order: Uint32Array } {
  const n = s.nodeCount;
  const weak = s.edgeTypes.indexOf('weak');
  // Postorder by iterative DFS.
  const postIndex = new Int32Array(n).fill(-1);
  const order = new Uint32Array(n); // postorder -> node
  const visited = new Uint8Array(n);
  const stack = new Uint32Array(n);
  const edgePos = new Uint32Array(n);
  let sp = 0;
  let count = 0;
  stack[sp++] = 0;
  visited[0] = 1;
  edgePos[0] = s.firstEdge[0]!;
  while (sp > 0) {
    const v = stack[sp - 1]!;
    let pushed = false;
    while (edgePos[v]! < s.firstEdge[v + 1]!) {
      const e = edgePos[v]!++;
      if (s.edgeType[e] === weak) continue;
      const w = s.edgeTo[e]!;
      if (!visited[w]) {
        visited[w] = 1;
        edgePos[w] = s.firstEdge[w]!;
        stack[sp++] = w;
        pushed = true;
        break;
      }
    }
    if (!pushed) {
      sp--;
      postIndex[v] = count;
      order[count++] = v;
    }
  }
  // Predecessors (CSR) among reachable nodes.
  const predCount = new Uint32Array(n + 1);
  for (let v = 0; v < n; v++) {
    if (postIndex[v]! < 0) continue;
    for (let e = s.firstEdge[v]!; e < s.firstEdge[v + 1]!; e++) {
      if (s.edgeType[e] !== weak) predCount[s.edgeTo[e]! + 1]!++;
    }
  }
  for (let v = 0; v < n; v++) predCount[v + 1]! += predCount[v]!;
  const preds = new Uint32Array(predCount[n]!);
  const fill = predCount.slice(0, n);
  for (let v = 0; v < n; v++) {
    if (postIndex[v]! < 0) continue;
    for (let e = s.firstEdge[v]!; e < s.firstEdge[v + 1]!; e++) {
      if (s.edgeType[e] !== weak) preds[fill[s.edgeTo[e]!]!++] = v;
    }
  }
  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (postIndex[a]! < postIndex[b]!) a = idom[a]!;
      while (postIndex[b]! < postIndex[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let k = count - 2; k >= 0; k--) {
      const v = order[k]!;
      let d = -1;
      for (let p = predCount[v]!; p < predCount[v + 1]!; p++) {
        const u = preds[p]!;
        if (idom[u] === -1) continue;
        d = d === -1 ? u : intersect(u, d);
      }
      if (d !== -1 && idom[v] !== d) {
        idom[v] = d;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(n);
  for (let k = 0; k < count; k++) {
    const v = order[k]!;
    retained[v]! += s.selfSize[v]!;
    if (v !== 0) retained[idom[v]!]! += retained[v]!;
  }
  return { idom, retained, order: order.subarray(0, count) };
}

interface ClassRow {
  name: string;
  count: number;
  self: number;
  retained: number;
  retainers: Map<string, number>;
}

function analyse(beforePath: string, afterPath: string, perN: number, top: number): void {
  const started = Date.now();
  const before = loadSnapshot(beforePath);
  const oldIds = new Set<number>();
  for (let i = 0; i < before.nodeCount; i++) oldIds.add(before.id[i]!);
  const beforeTotal = before.selfSize.reduce((a, b) => a + b, 0);
  const s = loadSnapshot(afterPath);
  const afterTotal = s.selfSize.reduce((a, b) => a + b, 0);
  const { idom, retained, order } = dominators(s);
  const fresh = new Uint8Array(s.nodeCount);
  const classOf: string[] = new Array<string>(s.nodeCount);
  for (let i = 0; i < s.nodeCount; i++) {
    classOf[i] = className(s, i);
    if (!oldIds.has(s.id[i]!)) fresh[i] = 1;
  }
  // Retained size per class over new objects: each class counts only its outermost
  // instances (those not dominated by another instance of it). Walk the dominator tree.
  const children = new Uint32Array(order.length);
  const childStart = new Uint32Array(s.nodeCount + 1);
  for (const v of order) if (v !== 0) childStart[idom[v]! + 1]!++;
  for (let v = 0; v < s.nodeCount; v++) childStart[v + 1]! += childStart[v]!;
  const cfill = childStart.slice(0, s.nodeCount);
  for (const v of order) if (v !== 0) children[cfill[idom[v]!]!++] = v;

  const rows = new Map<string, ClassRow>();
  const row = (name: string) => {
    let r = rows.get(name);
    if (!r) rows.set(name, (r = { name, count: 0, self: 0, retained: 0, retainers: new Map() }));
    return r;
  };
  const open = new Map<string, number>();
  const stack: number[] = [0];
  const exit: boolean[] = [false];
  while (stack.length > 0) {
    const v = stack.pop()!;
    const leaving = exit.pop()!;
    const c = classOf[v]!;
    if (leaving) {
      open.set(c, open.get(c)! - 1);
      continue;
    }
    if (fresh[v]) {
      const r = row(c);
      r.count++;
      r.self += s.selfSize[v]!;
      if (!open.get(c)) r.retained += retained[v]!;
    }
    open.set(c, (open.get(c) ?? 0) + 1);
    stack.push(v);
    exit.push(true);
    for (let k = childStart[v]!; k < childStart[v + 1]!; k++) {
      stack.push(children[k]!);
      exit.push(false);
    }
  }
  // What holds new objects: the class and edge name of each retainer (any, not just the dominator).
  const weak = s.edgeTypes.indexOf('weak');
  for (let v = 0; v < s.nodeCount; v++) {
    for (let e = s.firstEdge[v]!; e < s.firstEdge[v + 1]!; e++) {
      const w = s.edgeTo[e]!;
      if (!fresh[w] || s.edgeType[e] === weak) continue;
      const et = s.edgeTypes[s.edgeType[e]!]!;
      const edge = et === 'element' || et === 'hidden' ? `[${et}]` : `.${s.strings[s.edgeName[e]!] ?? s.edgeName[e]}`;
      const key = `${classOf[v]}${edge}`;
      const r = row(classOf[w]!);
      r.retainers.set(key, (r.retainers.get(key) ?? 0) + 1);
    }
  }
  const fmt = (x: number) => (x / perN).toFixed(1).padStart(8);
  const totalNew = [...rows.values()].reduce((a, r) => a + r.self, 0);
  console.log(
    `\nheap snapshots: ${before.nodeCount} -> ${s.nodeCount} nodes, self sizes ${(beforeTotal / 2 ** 20).toFixed(1)} -> ${(afterTotal / 2 ** 20).toFixed(1)} MB;` +
      ` new live objects: ${(totalNew / perN).toFixed(0)} B per subscriber (analysed in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  console.log(
    'per subscriber:   count  self B  retained B  class  <- top retainers (of new instances; per subscriber)',
  );
  const sorted = [...rows.values()].sort((a, b) => b.self - a.self).slice(0, top);
  for (const r of sorted) {
    const holders = [...r.retainers.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, c]) => `${k} ${(c / perN).toFixed(2)}`)
      .join(', ');
    console.log(`${fmt(r.count)} ${fmt(r.self)} ${fmt(r.retained).padStart(11)}  ${r.name}  <- ${holders}`);
  }
  // Repeated new strings: per-subscriber copies of the same text.
  const strings = new Map<string, { count: number; bytes: number }>();
  for (let v = 0; v < s.nodeCount; v++) {
    if (!fresh[v] || !classOf[v]!.endsWith('string)')) continue;
    const text = s.strings[s.name[v]!]!;
    const key = `${s.nodeTypes[s.type[v]!]}: ${JSON.stringify(text.length > 70 ? `${text.slice(0, 70)}…` : text)}`;
    const e = strings.get(key) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += s.selfSize[v]!;
    strings.set(key, e);
  }
  console.log('\nnew strings by content, per subscriber:   count  bytes');
  for (const [k, e] of [...strings.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 15)) {
    console.log(`${fmt(e.count)} ${fmt(e.bytes)}  ${k}`);
  }
}

// ------------------------------------------------------------------------------------
// The measuring process.
// ------------------------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The Socket.IO chat server `npm run bench` compares against. */
function socketioBaseline(): string {
  return process.env.SOCKETIO_BASELINE ?? fileURLToPath(new URL('./events/socketio.mjs', import.meta.url));
}

interface Started {
  url: string;
  stop(): Promise<void>;
}

async function startFromSource(): Promise<Started> {
  const { startServer } = await import('../helpers/server.js');
  const server = await startServer({}, { embedded: true });
  return { url: server.url, stop: () => server.stop() };
}

/** tsc's output of server/, next to links to node_modules, schema/ and package.json. */
async function startCompiled(): Promise<Started> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const out = mkdtempSync(join(tmpdir(), 'parley-mem-build-'));
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json'), '--outDir', out], {
    stdio: 'inherit',
  });
  for (const link of ['node_modules', 'schema', 'package.json']) symlinkSync(join(root, link), join(out, link));
  type AppModule = typeof import('../../server/app.js');
  type ConfigModule = typeof import('../../server/config.js');
  const { buildApp } = (await import(pathToFileURL(join(out, 'server/app.js')).href)) as AppModule;
  const { makeConfig } = (await import(pathToFileURL(join(out, 'server/config.js')).href)) as ConfigModule;
  const databaseUrl = `file:${join(out, 'chat.db')}`;
  const config = makeConfig({ ...TEST_CONFIG, databaseUrl });
  const app = await buildApp(config);
  const { url } = await app.start();
  return {
    url,
    stop: async () => {
      await app.stop();
      rmSync(out, { recursive: true, force: true });
    },
  };
}

async function gcHard(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    await sleep(50);
  }
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/**
 * V8's sampling heap profiler over the subscribe burst. `all`: every allocation, also
 * those a scavenge collected; otherwise what is still alive plus what a full GC collected,
 * that is, what reached the old space (what RSS sees grow until the next full GC).
 */
async function startAllocationProfile(all: boolean) {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
    );
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', {
    samplingInterval: 128,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: all,
  });
  return {
    async report(n: number, top: number) {
      const { profile } = await post<{ profile: { head: ProfileNode } }>('HeapProfiler.stopSampling');
      session.disconnect();
      const where = (f: ProfileNode['callFrame']) => {
        const file = f.url.replace(/^file:\/\//, '');
        const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(file);
        const short = pkg ? `${pkg[1]}/${pkg[2]!.split('/').pop()}` : file.replace(/^.*\/(server|test)\//, '$1/');
        return `${f.functionName || '(anonymous)'} ${short}:${f.lineNumber + 1}`;
      };
      const bySelf = new Map<string, number>();
      const byProject = new Map<string, number>();
      const byPackage = new Map<string, number>();
      let total = 0;
      const walk = (node: ProfileNode, project: string, pkg: string) => {
        const f = node.callFrame;
        const file = f.url;
        const inProject = /\/server\/[^/]+/.test(file) && !file.includes('node_modules');
        const here = inProject ? where(f) : project;
        const pkgMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
        const herePkg = pkgMatch ? pkgMatch[1]! : inProject ? 'parley' : file.startsWith('node:') ? 'node' : pkg;
        if (node.selfSize > 0) {
          total += node.selfSize;
          const key = where(f);
          bySelf.set(key, (bySelf.get(key) ?? 0) + node.selfSize);
          byProject.set(here, (byProject.get(here) ?? 0) + node.selfSize);
          byPackage.set(herePkg, (byPackage.get(herePkg) ?? 0) + node.selfSize);
        }
        for (const child of node.children) walk(child, here, herePkg);
      };
      walk(profile.head, '(outside the server)', '(none)');
      const show = (title: string, map: Map<string, number>, k: number) => {
        console.log(`\n${title}`);
        for (const [key, bytes] of [...map].sort((a, b) => b[1] - a[1]).slice(0, k)) {
          console.log(`${(bytes / n).toFixed(0).padStart(8)}  ${key}`);
        }
      };
      console.log(
        `\nallocation profile (${all ? 'every allocation' : 'alive or collected by a full GC'}): ${(total / n).toFixed(0)} B per subscriber`,
      );
      show('by package of the allocating frame, B per subscriber', byPackage, 15);
      show('by the innermost server/ frame on the stack, B per subscriber', byProject, top);
      show('by allocating function, B per subscriber', bySelf, top);
    },
  };
}

/**
 * What `npm run bench` sees: RSS of a server that has only started, against RSS once N
 * subscribers are live (one-time costs, garbage and heap growth included), no forced GC.
 * Prints where the growth is, by V8 heap space.
 */
async function benchLike(
  n: number,
  target: string,
  openSender: () => Promise<unknown>,
  openSubscribers: () => Promise<unknown>,
  barrier: () => Promise<void>,
): Promise<void> {
  const spaces = () => Object.fromEntries(v8.getHeapSpaceStatistics().map((x) => [x.space_name, x]));
  const idle = { mem: process.memoryUsage(), spaces: spaces() };
  await openSubscribers();
  await openSender();
  await barrier();
  await sleep(500);
  const loaded = { mem: process.memoryUsage(), spaces: spaces() };
  await gcHard();
  const collected = { mem: process.memoryUsage(), spaces: spaces() };
  const kb = (a: number, b: number) => ((b - a) / 1024 / n).toFixed(2).padStart(8);
  console.log(`target=${target} subscribers=${n}, bench-like (no warm-up, no GC): KB per subscriber`);
  console.log(`                        loaded   after GC`);
  for (const k of ['rss', 'heapTotal', 'heapUsed', 'external'] as const) {
    console.log(`  ${k.padEnd(20)} ${kb(idle.mem[k], loaded.mem[k])} ${kb(idle.mem[k], collected.mem[k])}`);
  }
  for (const name of Object.keys(loaded.spaces)) {
    const a = idle.spaces[name]!;
    const b = loaded.spaces[name]!;
    const c = collected.spaces[name]!;
    if (Math.abs(b.space_size - a.space_size) < 1024 && Math.abs(b.space_used_size - a.space_used_size) < 1024)
      continue;
    console.log(
      `  ${name.padEnd(20)} ${kb(a.space_size, b.space_size)} ${kb(a.space_size, c.space_size)}  committed;` +
        ` used ${kb(a.space_used_size, b.space_used_size)} ${kb(a.space_used_size, c.space_used_size)}`,
    );
  }
}

async function main(): Promise<void> {
  const { values: opt } = parseArgs({
    options: {
      n: { type: 'string', default: '2000' },
      target: { type: 'string', default: 'parley' },
      source: { type: 'boolean', default: false },
      warm: { type: 'string', default: '20' },
      'no-snapshots': { type: 'boolean', default: false },
      'keep-snapshots': { type: 'boolean', default: false },
      top: { type: 'string', default: '30' },
      settle: { type: 'string', default: '3500' }, // ms: past graphql-ws's 3 s init timeout
      'bench-like': { type: 'boolean', default: false },
      alloc: { type: 'string' }, // 'major' | 'all': sampling heap profile of the subscribe burst
    },
  });
  const N = Number(opt.n);
  const target = opt.target as 'parley' | 'socketio';
  const proto: Proto = target === 'socketio' ? 'socketio' : 'graphql-ws';

  let url: string;
  let stop: () => Promise<void> = async () => {};
  let subscriberToken: string | undefined;
  let senderToken: string | undefined;
  if (target === 'socketio') {
    const port = await freePort();
    process.env.PORT = String(port);
    const silence = console.log;
    console.log = () => {};
    await import(pathToFileURL(socketioBaseline()).href);
    console.log = silence;
    url = `http://127.0.0.1:${port}`;
    await sleep(200);
  } else {
    const server = opt.source ? await startFromSource() : await startCompiled();
    url = server.url;
    stop = server.stop;
    const signUp = async (name: string) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: SIGN_UP, variables: { name, password: `pw-${name}-secret` } }),
      });
      const body = (await res.json()) as { data?: { signUp?: { token: string } } };
      const token = body.data?.signUp?.token;
      if (!token) throw new Error(`signUp failed: ${JSON.stringify(body)}`);
      return token;
    };
    subscriberToken = await signUp('memsub');
    senderToken = await signUp('memsend');
  }

  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['client'], {
    execArgv: process.execArgv.filter((a) => a !== '--expose-gc'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: ((msg: { ok: boolean; [k: string]: unknown }) => void)[] = [];
  child.on('message', (msg) => replies.shift()?.(msg as { ok: boolean }));
  const call = (msg: ToClient | null) =>
    new Promise<{ ok: boolean; [k: string]: unknown }>((resolve, reject) => {
      replies.push((r) => (r.ok ? resolve(r) : reject(new Error(String(r.error)))));
      if (msg) child.send(msg);
    });
  await call(null); // hello
  const wsUrl = url.replace(/^http/, 'ws');

  let markers = 0;
  /** Sends messages until every subscriber has received one: all subscriptions are live. */
  const barrier = async () => {
    const end = Date.now() + 120_000;
    for (;;) {
      const marker = `mem~${++markers}`;
      await call({ cmd: 'send', text: `${marker} hello` });
      for (let i = 0; i < 10; i++) {
        await sleep(100);
        const r = await call({ cmd: 'count', marker });
        if (r.got === r.of) return;
      }
      if (Date.now() > end) throw new Error('subscribers never all received a message');
    }
  };

  if (opt['bench-like']) {
    await benchLike(
      N,
      target,
      () => call({ cmd: 'sender', url: wsUrl, proto, token: senderToken }),
      () => call({ cmd: 'open', url: wsUrl, proto, token: subscriberToken, n: N, from: 0 }),
      barrier,
    );
    await call({ cmd: 'close' });
    await stop();
    process.exit(0);
  }

  await call({ cmd: 'sender', url: wsUrl, proto, token: senderToken });
  // Warm-up subscribers: one-time costs (code, caches, the fan-out group, presence) stay out.
  await call({ cmd: 'open', url: wsUrl, proto, token: subscriberToken, n: Number(opt.warm), from: 0 });
  await barrier();
  await sleep(Number(opt.settle));
  const rawIdle = process.memoryUsage();
  await gcHard();
  const idle = process.memoryUsage();
  const dir = tmpdir();
  const beforePath = join(dir, `parley-mem-${target}-${process.pid}-before.heapsnapshot`);
  const afterPath = join(dir, `parley-mem-${target}-${process.pid}-after.heapsnapshot`);
  if (!opt['no-snapshots']) v8.writeHeapSnapshot(beforePath);

  const profiler = opt.alloc ? await startAllocationProfile(opt.alloc === 'all') : undefined;
  const t0 = Date.now();
  await call({ cmd: 'open', url: wsUrl, proto, token: subscriberToken, n: N, from: Number(opt.warm) });
  const connectS = (Date.now() - t0) / 1000;
  await barrier();
  if (profiler) {
    await sleep(Number(opt.settle));
    await gcHard();
    await profiler.report(N, Number(opt.top));
    await call({ cmd: 'close' });
    await stop();
    process.exit(0);
  }
  // graphql-ws's connection_init timer fires (and is let go) 3 s after each socket opened.
  await sleep(Number(opt.settle));
  const rawLoaded = process.memoryUsage();
  await gcHard();
  const loaded = process.memoryUsage();

  const per = (a: number, b: number) => ((b - a) / N).toFixed(0).padStart(7);
  console.log(`target=${target} subscribers=${N} (+${opt.warm} warm-up, +1 sender) connect ${connectS.toFixed(1)} s`);
  console.log(`bytes per subscriber after forced GC:`);
  console.log(`  heapUsed     ${per(idle.heapUsed, loaded.heapUsed)}`);
  console.log(`  heapTotal    ${per(idle.heapTotal, loaded.heapTotal)}`);
  console.log(`  external     ${per(idle.external, loaded.external)}  (includes arrayBuffers)`);
  console.log(`  arrayBuffers ${per(idle.arrayBuffers, loaded.arrayBuffers)}`);
  console.log(
    `  rss          ${per(idle.rss, loaded.rss)}${opt['no-snapshots'] ? '' : '  (disturbed by the snapshot; see --no-snapshots)'}`,
  );
  console.log(`without forced GC (as the bench sees it):`);
  console.log(`  heapUsed     ${per(rawIdle.heapUsed, rawLoaded.heapUsed)}`);
  console.log(`  rss          ${per(rawIdle.rss, rawLoaded.rss)}`);

  if (!opt['no-snapshots']) v8.writeHeapSnapshot(afterPath);
  await call({ cmd: 'close' });
  await sleep(1000);
  await gcHard();
  const closed = process.memoryUsage();
  console.log(`after all closed, heapUsed left per subscriber: ${per(idle.heapUsed, closed.heapUsed)}`);
  await stop();
  if (!opt['no-snapshots']) {
    analyse(beforePath, afterPath, N, Number(opt.top));
    if (!opt['keep-snapshots']) {
      rmSync(beforePath, { force: true });
      rmSync(afterPath, { force: true });
    } else console.log(`\nsnapshots: ${beforePath} ${afterPath}`);
  }
  process.exit(0);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv[2] === 'client') runClient();
else if (isMain)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
