/**
 * Part B: a reaction storm on Parley's change feed.
 *
 * N `roomEvents` subscribers (the users' sockets spread over `users` accounts), a few seed
 * messages, then `rate` reactions a second for the duration: each toggles one reactor's
 * emoji on one of the room's newest messages (addReaction if that reactor has not
 * reacted so, else removeReaction). The reactors include the subscribers' own users, so
 * `viewerReacted` differs between subscribers of one event.
 *
 * Every mutation that succeeds is one change (the driver never has two in flight for one
 * (reactor, message, emoji), so none is a no-op), hence one REACTIONS_CHANGED event that
 * every subscriber must receive once, in the room's order. The event's position is read
 * from its cursor (base64url of `ev:<room>:<seq>`, server/events/cursor.ts): a client must
 * treat cursors as opaque, but a check of order and gaps needs the position, and if the
 * format changes this check stops with an error rather than passing.
 *
 * Latency: from sending a mutation until the last subscriber has its event. Events of one
 * message are paired with that message's mutations in the order they were sent, so two
 * mutations on one message that commit in the other order exchange latencies (by at most
 * their spacing, ~10 messages * 1000/rate ms).
 *
 * At the end, each subscriber's state (its users' snapshot before subscribing, with each
 * message replaced by the latest event about it) must equal a fresh history read by its
 * user: texts, reactions, counts and that user's own `viewerReacted`.
 */
import { Client, httpGql, openMany } from './clients.js';
import { cpuWindow } from './server-process.js';
import {
  type Account,
  BARRIER_TIMEOUT_MS,
  DRAIN_TIMEOUT_MS,
  MESSAGE_SELECTION,
  percentile,
  problemLog,
  ROOM,
  ROOM_EVENTS,
  SEND,
  signUpMany,
  sleep,
  startTarget,
  waitFor,
  WARM_INTERVAL_MS,
} from './targets.js';

export interface ReactionSettings {
  subscribers: number;
  users: number;
  /** Accounts that react, the first `users` of them being the subscribers' users. */
  reactors: number;
  durationMs: number;
  /** Reactions per second. */
  rate: number;
}

export interface ReactionResult {
  subscribers: number;
  users: number;
  reactors: number;
  seconds: number;
  mutationsSent: number;
  mutationsFailed: number;
  /** Ticks where every (reactor, message, emoji) tried already had a mutation in flight. */
  ticksSkipped: number;
  changes: number;
  deliveries: number;
  deliveriesPerSec: number;
  lost: number;
  outOfOrder: number;
  /** Events of another kind than REACTIONS_CHANGED while measuring. */
  otherKinds: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** From sending a reaction until its answer: the write path alone. */
  answerMs: { p50: number; p99: number };
  cpuUsPerDelivery: number;
  serverCores: number;
  /** Cores this process (the load generator) used meanwhile: near 1, it is the bottleneck. */
  loadgenCores: number;
  /** Cores everything else on the machine used meanwhile: noise when far from 0. */
  otherCores: number;
  /** Subscribers whose final state differs from their user's fresh history read. */
  stateMismatches: number;
  stateDifferences: string[];
  /** Reaction entries the users' fresh history reads show with viewerReacted true / false. */
  viewerReacted: { true: number; false: number };
  problems: string[];
}

/** Seed messages posted before the storm. */
const SEED_MESSAGES = 12;
/** The newest this many messages are reacted to; the oldest seed carries the warm-up. */
const TARGET_MESSAGES = 10;
const EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '🙏'];
/** Attempts per tick to find a (reactor, message, emoji) without a mutation in flight. */
const KEY_TRIES = 8;
/** Fixed, so every run draws the same storm. */
const RANDOM_SEED = 0x5eed;
const DIFFERENCES_KEPT = 10;
const HISTORY_PAGE = 50;

const ADD = 'mutation React($id: ID!, $emoji: String!) { addReaction(messageId: $id, emoji: $emoji) { id } }';
const REMOVE = 'mutation Unreact($id: ID!, $emoji: String!) { removeReaction(messageId: $id, emoji: $emoji) { id } }';
const HISTORY = `query History($id: ID!) { room(id: $id) { eventCursor messages(last: ${HISTORY_PAGE}) { edges { node ${MESSAGE_SELECTION} } } } }`;
const EVENT_CURSOR = 'query Cursor($id: ID!) { room(id: $id) { eventCursor } }';

interface Node {
  id: string;
}

/** mulberry32: a small seeded generator, so the storm is the same in every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CURSOR = new RegExp(`^ev:${ROOM}:(\\d+)$`);
/** Decoded cursors: every subscriber receives the same ones, so each is decoded once. */
const cursorSeqs = new Map<string, number>();

/** The change's position inside a roomEvents cursor (see the header). */
function cursorSeq(cursor: string): number {
  let seq = cursorSeqs.get(cursor);
  if (seq === undefined) {
    const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
    if (!match) throw new Error(`unreadable roomEvents cursor ${cursor}: did server/events/cursor.ts change?`);
    cursorSeqs.set(cursor, (seq = Number(match[1])));
  }
  return seq;
}

/** The value of the first `"key":"…"` in `text` (no escapes in the values read here). */
function stringField(text: string, key: string): string | undefined {
  const at = text.indexOf(`"${key}":"`);
  if (at < 0) return undefined;
  const start = at + key.length + 4;
  return text.slice(start, text.indexOf('"', start));
}

interface Subscriber {
  user: number;
  lastSeq: number;
  /** Distinct changes received since the barrier. */
  received: number;
  missing?: Set<number>;
  /** Per message id, the latest event about it, as latin1 text of its UTF-8 bytes. */
  latest: Map<string, string>;
}

export async function runReactions(settings: ReactionSettings): Promise<ReactionResult> {
  const { subscribers: N, users: U } = settings;
  const R = Math.max(settings.reactors, U);
  cursorSeqs.clear(); // a fresh server: the same cursors again, but keep the map small
  const problems = problemLog();
  const { problem } = problems;
  const server = await startTarget('project');
  const clients: Client[] = [];
  try {
    const url = server.url;
    // Subscribers' users first: reactors 0..U-1 are them.
    const reactorAccounts: Account[] = [
      ...(await signUpMany(url, 'evb_u', U)),
      ...(await signUpMany(url, 'evb_r', R - U)),
    ];
    const [warmAccount] = await signUpMany(url, 'evb_warm', 1);

    // Seed messages: some answer an earlier one, some mention a user.
    const seeds: string[] = [];
    for (let i = 0; i < SEED_MESSAGES; i++) {
      const author = reactorAccounts[i % R]!;
      const mention = i % 3 === 1 ? ` @${reactorAccounts[(i + 1) % U]!.name}` : '';
      const replyToId = i % 4 === 3 ? seeds[i - 2] : undefined;
      const data = await httpGql<{ sendMessage: Node }>(
        url,
        SEND,
        { roomId: ROOM, text: `seed ${i}${mention}`, replyToId },
        author.token,
      );
      seeds.push(data.sendMessage.id);
    }
    const targets = seeds.slice(-TARGET_MESSAGES);
    const warmMessage = seeds[0]!;

    // What each subscriber's user sees before subscribing.
    const readHistory = async (account: Account) => {
      const data = await httpGql<{ room: { messages: { edges: { node: Node }[] } } }>(
        url,
        HISTORY,
        { id: ROOM },
        account.token,
      );
      return new Map(data.room.messages.edges.map(({ node }) => [node.id, JSON.stringify(node)]));
    };
    const before = await Promise.all(reactorAccounts.slice(0, U).map(readHistory));

    const reactors = await openMany(R, (r) =>
      Client.open({ proto: 'project', port: server.port, token: reactorAccounts[r]!.token, onProblem: problem }),
    );
    const warmClient = await Client.open({
      proto: 'project',
      port: server.port,
      token: warmAccount!.token,
      onProblem: problem,
    });
    clients.push(...reactors, warmClient);

    // Per change, counted from the barrier: when its mutation was sent, how many have it.
    let base = 0; // the barrier's change seq
    let measuring = false;
    const sentAt: number[] = [];
    const got: number[] = [];
    const queues = new Map<string, { at: number }[]>(targets.map((id) => [id, []]));
    const latencies: number[] = [];
    let deliveries = 0;
    let outOfOrder = 0;
    let otherKinds = 0;
    let complete = 0;
    let onComplete: (() => void) | undefined;

    const subs: Subscriber[] = [];
    const receive = (sub: Subscriber, frame: Buffer) => {
      const text = frame.toString('latin1'); // bytes as they are: cheap, and UTF-8 again later
      const cursor = stringField(text, 'cursor');
      if (cursor === undefined) return problem(`an event without a cursor: ${text.slice(0, 200)}`);
      const seq = cursorSeq(cursor);
      const id = stringField(text, 'message":{"id');
      if (id !== undefined) sub.latest.set(id, text);
      if (!measuring) {
        sub.lastSeq = Math.max(sub.lastSeq, seq);
        return;
      }
      deliveries++;
      if (stringField(text, 'kind') !== 'REACTIONS_CHANGED') otherKinds++;
      if (seq === sub.lastSeq + 1) sub.lastSeq = seq;
      else if (seq > sub.lastSeq + 1) {
        sub.missing ??= new Set();
        for (let s = sub.lastSeq + 1; s < seq; s++) sub.missing.add(s);
        outOfOrder++;
        sub.lastSeq = seq;
      } else {
        outOfOrder++;
        if (!sub.missing?.delete(seq)) return; // a duplicate
      }
      sub.received++;
      const i = seq - base - 1;
      if (got[i] === undefined) {
        // First seen anywhere: pair it with its message's oldest mutation not yet paired.
        got[i] = 0;
        sentAt[i] = (id !== undefined && queues.get(id)?.shift()?.at) || NaN;
      }
      if (++got[i]! === N) {
        latencies.push(performance.now() - sentAt[i]!);
        complete++;
        onComplete?.();
      }
    };

    const opened = await openMany(N, (i) => {
      const sub: Subscriber = { user: i % U, lastSeq: -1, received: 0, latest: new Map() };
      subs.push(sub);
      return Client.open({
        proto: 'project',
        port: server.port,
        token: reactorAccounts[i % U]!.token,
        subscription: { query: ROOM_EVENTS, variables: { roomId: ROOM } },
        onEvent: (frame) => receive(sub, frame),
        onProblem: problem,
      });
    });
    clients.push(...opened);

    // Barrier: warm-up toggles on the oldest seed until every subscription is live, then
    // one more, whose change every subscriber must have before the storm starts.
    let warmOn = false;
    const warmToggle = async () => {
      const answer = await warmClient.request(warmOn ? REMOVE : ADD, { id: warmMessage, emoji: EMOJI[0] });
      if (answer.errors) throw new Error(`warm-up reaction failed: ${JSON.stringify(answer.errors)}`);
      warmOn = !warmOn;
    };
    const barrierEnd = performance.now() + BARRIER_TIMEOUT_MS;
    while (subs.some((s) => s.lastSeq < 0)) {
      if (performance.now() > barrierEnd)
        throw new Error(`${subs.filter((s) => s.lastSeq < 0).length} of ${N} subscribers never got an event`);
      await warmToggle();
      await sleep(WARM_INTERVAL_MS);
    }
    await warmToggle();
    const cursorNow = await httpGql<{ room: { eventCursor: string } }>(
      url,
      EVENT_CURSOR,
      { id: ROOM },
      warmAccount!.token,
    );
    base = cursorSeq(cursorNow.room.eventCursor);
    if (!(await waitFor(() => subs.every((s) => s.lastSeq === base), BARRIER_TIMEOUT_MS)))
      throw new Error(`not every subscriber reached change ${base} before the storm`);

    // The storm.
    const next = random(RANDOM_SEED);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const reacted = new Set<string>();
    const inFlight = new Set<string>();
    let mutationsSent = 0;
    let mutationsFailed = 0;
    let changes = 0;
    let ticksSkipped = 0;
    let answered = 0;
    const answerTimes: number[] = [];
    measuring = true;
    const endCpu = cpuWindow(server);
    const tStart = performance.now();
    // A planned count, not "until the clock runs out": a timer that fires late on a busy
    // load generator then delays reactions (caught up at once) instead of dropping them.
    const every = 1000 / settings.rate;
    const planned = Math.round((settings.rate * settings.durationMs) / 1000);
    for (let n = 0; n < planned; n++) {
      let key: string | undefined;
      let r = 0;
      let message = '';
      let emoji = '';
      for (let t = 0; t < KEY_TRIES && key === undefined; t++) {
        r = Math.floor(next() * R);
        message = pick(targets);
        emoji = pick(EMOJI);
        const k = `${r} ${message} ${emoji}`;
        if (!inFlight.has(k)) key = k;
      }
      if (key === undefined) ticksSkipped++;
      else {
        const k = key;
        inFlight.add(k);
        const entry = { at: performance.now() };
        queues.get(message)!.push(entry);
        mutationsSent++;
        void reactors[r]!.request(reacted.has(k) ? REMOVE : ADD, { id: message, emoji }).then((answer) => {
          answered++;
          answerTimes.push(performance.now() - entry.at);
          inFlight.delete(k);
          if (answer.errors) {
            mutationsFailed++;
            problem(`reaction: ${JSON.stringify(answer.errors).slice(0, 300)}`);
            const queue = queues.get(message)!;
            const at = queue.indexOf(entry);
            if (at >= 0) queue.splice(at, 1);
            return;
          }
          changes++;
          if (reacted.has(k)) reacted.delete(k);
          else reacted.add(k);
        });
      }
      const wait = tStart + (n + 1) * every - performance.now();
      if (wait > 1) await sleep(wait);
    }
    if (!(await waitFor(() => answered === mutationsSent, DRAIN_TIMEOUT_MS)))
      problem(`${mutationsSent - answered} reactions never answered`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
      onComplete = () => {
        if (complete >= changes) {
          clearTimeout(timer);
          resolve();
        }
      };
      onComplete();
    });
    const tDone = performance.now();
    const cpu = endCpu();
    const cpuSeconds = cpu.server;
    measuring = false;
    if (server.exited) problem(`the server exited: ${server.log}`);
    const seen = Math.max(...subs.map((s) => s.lastSeq)) - base;
    if (seen !== changes) problem(`${changes} reactions changed something, but the feed carried ${seen} changes`);
    const lost = subs.reduce((sum, s) => sum + (changes - s.received), 0);

    // Final state against a fresh history read by each subscriber's user.
    const after = await Promise.all(reactorAccounts.slice(0, U).map(readHistory));
    const viewerReacted = { true: 0, false: 0 };
    for (const history of after) {
      for (const json of history.values()) {
        for (const r of (JSON.parse(json) as { reactions: { viewerReacted: boolean }[] }).reactions)
          viewerReacted[r.viewerReacted ? 'true' : 'false']++;
      }
    }
    let stateMismatches = 0;
    const stateDifferences: string[] = [];
    subs.forEach((sub, i) => {
      let differs = false;
      for (const [id, expected] of after[sub.user]!) {
        const event = sub.latest.get(id);
        const had = event
          ? JSON.stringify(
              (
                JSON.parse(Buffer.from(event, 'latin1').toString()) as {
                  payload: { data: { roomEvents: { message: unknown } } };
                }
              ).payload.data.roomEvents.message,
            )
          : before[sub.user]!.get(id);
        if (had === expected) continue;
        differs = true;
        if (stateDifferences.length < DIFFERENCES_KEPT)
          stateDifferences.push(
            `subscriber ${i} (${reactorAccounts[sub.user]!.name}), message ${id}:\n  has     ${had}\n  history ${expected}`,
          );
      }
      if (differs) stateMismatches++;
    });

    const seconds = (tDone - tStart) / 1000;
    latencies.sort((a, b) => a - b);
    answerTimes.sort((a, b) => a - b);
    const round = (x: number, digits: number) => Number(x.toFixed(digits));
    return {
      subscribers: N,
      users: U,
      reactors: R,
      seconds: round(seconds, 2),
      mutationsSent,
      mutationsFailed,
      ticksSkipped,
      changes,
      deliveries,
      deliveriesPerSec: Math.round(deliveries / seconds),
      lost,
      outOfOrder,
      otherKinds,
      latencyMs: {
        p50: round(percentile(latencies, 50), 1),
        p99: round(percentile(latencies, 99), 1),
        max: round(percentile(latencies, 100), 1),
      },
      answerMs: { p50: round(percentile(answerTimes, 50), 1), p99: round(percentile(answerTimes, 99), 1) },
      cpuUsPerDelivery: round((cpuSeconds * 1e6) / Math.max(1, deliveries), 2),
      serverCores: round(cpuSeconds / seconds, 2),
      loadgenCores: round(cpu.loadGenerator / seconds, 2),
      otherCores: round(cpu.others / seconds, 2),
      stateMismatches,
      stateDifferences,
      viewerReacted,
      problems: problems.list(),
    };
  } finally {
    for (const client of clients) client.close();
    await server.stop();
  }
}
