/**
 * What live sidebars cost: `npm run bench:sidebar`.
 *
 * M members of one room are online, each on one socket subscribed to the room's
 * `roomEvents`. Messages are sent at a fixed rate, and the server's CPU per sent message
 * is measured twice in the same server process, alternating by rounds: with `roomEvents`
 * alone, and with every member also subscribed to `viewerRoomsChanged`. The figure is
 * the ratio of the two (target: at most 2×), the median over rounds.
 *
 * The sidebar's worst case, not its best: before measuring, member i reads the room up
 * to a message of their own, so every member has a different unread count and every
 * event a different payload for each of them; each message mentions one member, whose
 * mention count then differs too. Checked after every run: no `roomEvents` delivery
 * lost, every member's last sidebar event shows the last message, and, for a sample,
 * the counts it shows equal what a fresh query answers.
 *
 *   npm run bench:sidebar -- [--members 1000] [--rate 20] [--duration 8] [--rounds 2] [--json]
 *
 * Exits 1 when a delivery was lost or a count was wrong, or the ratio is over the target.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { httpGql, openMany } from './events/clients.js';
import { cpuWindow } from './events/server-process.js';
import {
  type Account,
  DRAIN_TIMEOUT_MS,
  PROJECT_ENTRY,
  REPO_ROOT,
  ROOM,
  ROOM_EVENTS,
  SEND,
  problemLog,
  signUpMany,
  sleep,
  startTarget,
} from './events/targets.js';

/** CPU per sent message with sidebars, at most this many times the cost without. */
const TARGET_RATIO = 2;
/** Members whose final counts are checked against a fresh query. */
const SAMPLE = 20;
/** How long every socket may take to get the barrier message. */
const BARRIER_TIMEOUT_MS = 60_000;
/** Between barrier messages while subscriptions go live. */
const BARRIER_INTERVAL_MS = 300;
/** Messages in the room before the first run, so that members' read markers can differ. */
const SEED_MESSAGES_MAX = 1_000;

/** The web UI's own sidebar selection (web/lib/operations/rooms.ts). */
const VIEWER_ROOMS =
  'subscription Sidebar { viewerRoomsChanged { id name kind isPrivate isMember viewerRole unreadCount mentionCount ' +
  'notificationLevel online(first: 9) { id name } people { id name displayName avatarUrl } ' +
  'lastMessage { id seq text createdAt author { id name } mentions { id name } } } }';
const MARK_READ = 'mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { id } }';
const COUNTS = 'query($r: ID!) { room(id: $r) { unreadCount mentionCount lastMessage { id } } }';

const HELP = `npm run bench:sidebar -- [options]
  --members M     members online in the room, one socket each (1000)
  --rate R        messages per second (20)
  --duration S    measured seconds per run (8)
  --rounds N      rounds; each runs without and with sidebars (2)
  --json          one JSON object on stdout instead of a table`;

interface SidebarEvent {
  unreadCount: number;
  mentionCount: number;
  lastMessage: { id: string } | null;
}

/** One member's socket: `roomEvents` as operation "e", `viewerRoomsChanged` as "v" when on. */
class Member {
  readonly ws: WebSocket;
  events = 0;
  lastEvent: string | undefined;
  sidebar: SidebarEvent | undefined;
  sidebarEvents = 0;
  private ops = 0;
  private readonly answers = new Map<string, (ok: boolean) => void>();

  constructor(
    port: number,
    readonly account: Account,
    ready: () => void,
    problem: (what: string) => void,
  ) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', { perMessageDeflate: false });
    this.ws.on('open', () => this.send({ type: 'connection_init', payload: { authToken: account.token } }));
    this.ws.on('error', (error) => problem(`socket error: ${error.message}`));
    this.ws.on('close', (code) => code !== 1000 && code !== 1005 && problem(`socket closed by the server (${code})`));
    this.ws.on('message', (data: Buffer) => {
      // The feeds' frames are most of them: read only what the checks need.
      if (data.indexOf('"id":"e"') >= 0 && data.indexOf('"type":"next"') >= 0) {
        this.events++;
        const at = data.indexOf('"cursor":"');
        if (at >= 0) this.lastEvent = String(data.subarray(at + 10, data.indexOf('"', at + 10)));
        return;
      }
      const message = JSON.parse(String(data)) as { type: string; id?: string; payload?: unknown };
      if (message.type === 'connection_ack') {
        this.send({ id: 'e', type: 'subscribe', payload: { query: ROOM_EVENTS, variables: { roomId: ROOM } } });
        ready();
      } else if (message.type === 'ping') this.send({ type: 'pong' });
      else if (message.type === 'next' && message.id === 'v') {
        this.sidebar = (message.payload as { data: { viewerRoomsChanged: SidebarEvent } }).data.viewerRoomsChanged;
        this.sidebarEvents++;
      } else if (message.type === 'error') problem(`operation ${message.id}: ${JSON.stringify(message.payload)}`);
      else if (message.type === 'complete' && message.id?.startsWith('m')) this.answers.get(message.id)?.(true);
      else if (message.type === 'complete') problem(`the server completed operation ${message.id}`);
    });
  }

  private send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  sidebarOn(): void {
    this.sidebar = undefined;
    this.sidebarEvents = 0;
    this.send({ id: 'v', type: 'subscribe', payload: { query: VIEWER_ROOMS } });
  }

  sidebarOff(): void {
    this.send({ id: 'v', type: 'complete' });
  }

  /** Sends a message over this socket; resolves once the server answered. */
  post(text: string): Promise<boolean> {
    const id = `m${++this.ops}`;
    return new Promise((resolve) => {
      this.answers.set(id, resolve);
      this.send({ id, type: 'subscribe', payload: { query: SEND, variables: { roomId: ROOM, text } } });
    });
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) return false;
    await sleep(20);
  }
  return true;
}

interface RunResult {
  sidebars: boolean;
  messages: number;
  serverCpuMsPerMessage: number;
  roomEventsLost: number;
  sidebarEvents: number;
}

function options() {
  const { values } = parseArgs({
    options: {
      members: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '20' },
      duration: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '2' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const positive = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not "${value}"`);
    return n;
  };
  return {
    members: Math.round(positive('members', values.members)),
    rate: positive('rate', values.rate),
    durationMs: positive('duration', values.duration) * 1000,
    rounds: Math.round(positive('rounds', values.rounds)),
    json: values.json,
  };
}

async function main(): Promise<void> {
  const opts = options();
  if (!existsSync(join(REPO_ROOT, PROJECT_ENTRY))) throw new Error('build the server first: npm run build:server');
  const { problem, list } = problemLog();
  const log = (line: string) => !opts.json && console.error(line);
  const server = await startTarget('project');
  const members: Member[] = [];
  try {
    log(`signing up ${opts.members} members…`);
    const accounts = await signUpMany(server.url, 'mia_', opts.members);
    // Seed history; member i reads up to message i, so unread counts all differ.
    const seeded = Math.min(opts.members, SEED_MESSAGES_MAX);
    log(`seeding ${seeded} messages and as many read markers…`);
    const ids: string[] = [];
    for (let i = 0; i < seeded; i++) {
      const sent = await httpGql<{ sendMessage: { id: string } }>(
        server.url,
        SEND,
        { roomId: ROOM, text: `seed ${i}` },
        accounts[0]!.token,
      );
      ids.push(sent.sendMessage.id);
    }
    await openMany(opts.members, (i) =>
      httpGql(server.url, MARK_READ, { r: ROOM, m: ids[i % seeded]! }, accounts[i]!.token),
    );

    log(`opening ${opts.members} sockets…`);
    await openMany(
      opts.members,
      (i) =>
        new Promise<void>((resolve) => {
          members[i] = new Member(server.port, accounts[i]!, resolve, problem);
        }),
    );
    const senders = members.slice(0, 4);
    let counter = 0;
    const send = (n: number) => {
      // Each message names one member: their mention count moves, nobody else's.
      const named = accounts[(n * 7919) % accounts.length]!.name;
      void senders[n % senders.length]!.post(`@${named} message ${counter++}`).then(
        (ok) => ok || problem('send failed'),
      );
    };

    /** Until every member has a new change (and, with sidebars on, a sidebar event). */
    const barrier = async (sidebars: boolean) => {
      for (const m of members) m.lastEvent = undefined;
      const live = () => members.every((m) => m.lastEvent !== undefined && (!sidebars || m.sidebar !== undefined));
      const end = performance.now() + BARRIER_TIMEOUT_MS;
      // Subscriptions go live in their own time: post until every one has heard.
      while (!live()) {
        if (performance.now() > end) throw new Error('not every member received the barrier messages');
        await senders[0]!.post(`barrier ${counter++}`);
        await waitFor(live, BARRIER_INTERVAL_MS);
      }
    };

    const run = async (sidebars: boolean): Promise<RunResult> => {
      for (const m of members) if (sidebars) m.sidebarOn();
      await barrier(sidebars);
      await sleep(500);
      for (const m of members) {
        m.events = 0;
        m.sidebarEvents = 0;
      }
      const planned = Math.round((opts.rate * opts.durationMs) / 1000);
      const every = 1000 / opts.rate;
      const endCpu = cpuWindow(server);
      const start = performance.now();
      for (let n = 0; n < planned; n++) {
        send(n);
        const wait = start + (n + 1) * every - performance.now();
        if (wait > 1) await sleep(wait);
      }
      await waitFor(() => members.every((m) => m.events >= planned), DRAIN_TIMEOUT_MS);
      const cpu = endCpu();
      const lost = members.reduce((sum, m) => sum + Math.max(0, planned - m.events), 0);
      const sidebarEvents = members.reduce((sum, m) => sum + m.sidebarEvents, 0);
      if (sidebars) {
        // The last message, as each sidebar last showed it, and the counts a query gives.
        const last = await httpGql<{ room: { lastMessage: { id: string } } }>(
          server.url,
          COUNTS,
          { r: ROOM },
          accounts[0]!.token,
        );
        await waitFor(
          () => members.every((m) => m.sidebar?.lastMessage?.id === last.room.lastMessage.id),
          DRAIN_TIMEOUT_MS,
        );
        const stale = members.filter((m) => m.sidebar?.lastMessage?.id !== last.room.lastMessage.id).length;
        if (stale > 0) problem(`${stale} sidebars do not show the last message`);
        for (let s = 0; s < SAMPLE; s++) {
          const m = members[Math.floor((s * members.length) / SAMPLE)]!;
          const fresh = await httpGql<{ room: SidebarEvent }>(server.url, COUNTS, { r: ROOM }, m.account.token);
          if (fresh.room.unreadCount !== m.sidebar?.unreadCount || fresh.room.mentionCount !== m.sidebar?.mentionCount)
            problem(
              `${m.account.name}: sidebar ${m.sidebar?.unreadCount}/${m.sidebar?.mentionCount}, query ${fresh.room.unreadCount}/${fresh.room.mentionCount}`,
            );
        }
        for (const m of members) m.sidebarOff();
        await sleep(500);
      }
      if (lost > 0) problem(`${lost} roomEvents deliveries lost`);
      return {
        sidebars,
        messages: planned,
        serverCpuMsPerMessage: Number(((cpu.server * 1000) / planned).toFixed(3)),
        roomEventsLost: lost,
        sidebarEvents,
      };
    };

    const runs: RunResult[] = [];
    const ratios: number[] = [];
    for (let round = 1; round <= opts.rounds; round++) {
      const alone = await run(false);
      const both = await run(true);
      runs.push(alone, both);
      ratios.push(both.serverCpuMsPerMessage / alone.serverCpuMsPerMessage);
      log(
        `round ${round}: roomEvents alone ${alone.serverCpuMsPerMessage} ms CPU/message, ` +
          `with viewerRoomsChanged ${both.serverCpuMsPerMessage} ms (${ratios.at(-1)!.toFixed(2)}×), ` +
          `${both.sidebarEvents} sidebar events for ${both.messages * opts.members} member-messages`,
      );
    }
    ratios.sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    const problems = list();
    const result = {
      members: opts.members,
      rate: opts.rate,
      runs,
      ratio: Number(median.toFixed(2)),
      target: TARGET_RATIO,
      problems,
    };
    if (opts.json) console.log(JSON.stringify(result));
    else {
      console.table(runs);
      console.log(
        `median CPU per message with sidebars: ${result.ratio}× roomEvents alone (target ≤ ${TARGET_RATIO}×)`,
      );
      for (const p of problems) console.log(`problem: ${p}`);
    }
    process.exitCode = problems.length > 0 || median > TARGET_RATIO ? 1 : 0;
  } finally {
    for (const m of members) m?.ws.terminate();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
