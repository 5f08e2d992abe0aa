import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import { FLUSH_SOCKETS_PER_TURN, REPLAY_BATCH, REPLAY_BATCHES_PER_TURN, WS_MAX_BUFFERED_BYTES } from '../limits.js';
import type { Metrics } from '../metrics.js';
import type { AccessLossReason } from '../pubsub/index.js';
import type { Presence } from '../presence/tracker.js';
import type { Store, UserRow } from '../store/index.js';
import { type Feed, type ReplayBatch, replay } from './feeds.js';
import type { RoomHub, RoomListener } from './room-hub.js';
import { nextFrame, textFrame, writeFrames, writeFramesFrom } from './frames.js';
import { ReplaySeam } from './seam.js';
import { dropSlowConsumer as dropSocket } from './slow-consumer.js';
import { Parked } from './parked.js';
import { Turns } from './turns.js';
import { offSocketClose, onSocketClose } from './socket-close.js';

/**
 * The hot path: room subscriptions (`messageAdded`, `roomEvents`) over graphql-ws.
 * graphql-js would execute the selection once per subscriber per event and graphql-ws
 * would serialize each result apart; here subscribers of a room that sent the same
 * document, operation and variables form a group, each event is executed once per group
 * (with a shared context that has no viewer: graphql/per-viewer.ts) and serialized once
 * per distinct set of per-viewer answers, usually once, and one frame per distinct
 * subscription id is written to every socket. graphql-ws still owns each subscription's
 * lifecycle (subscribe, complete, close): it holds a parked iterator that never yields
 * and ends it on `return()`.
 */

/**
 * One event executed once for a group (graphql/per-viewer.ts makes these): the payload
 * when it is the same for everyone, else how to tell subscribers' payloads apart.
 */
export interface Rendered {
  /** The serialized payload, when no part of it depends on the viewer. */
  readonly shared: string | undefined;
  /** `viewer`'s answers to the parts that depend on the viewer: equal answers, equal payloads. */
  answers(viewer: UserRow): unknown[] | Promise<unknown[]>;
  /** The serialized payload that holds `answers`. */
  payload(answers: readonly unknown[]): string;
}

/** Executes the subscriber's document with `value` as the root value, once for the group. */
export type Executor = (value: unknown) => Rendered | Promise<Rendered>;

/** What the WebSocket transport tells a room subscription about its subscriber. */
export interface FanoutTarget {
  readonly socket: WebSocket;
  /** The graphql-ws subscription id. */
  readonly id: string;
  /** Same document, operation and variables (but `after`) ⇒ same key ⇒ same group. */
  readonly groupKey: string;
  readonly execute: Executor;
}

/** Unsent bytes past which a replay waits for the client to read. */
const REPLAY_HIGH_WATER_BYTES = WS_MAX_BUFFERED_BYTES / 4;
/** How often a waiting replay looks at the socket again. */
const REPLAY_POLL_MS = 10;
/**
 * Replayed values whose rendering a group keeps while it has subscribers replaying: a
 * storm's clients resume from the same place but are at different points of their
 * replays, so this spans several batches. The oldest goes first.
 */
const REPLAY_RENDERS_KEPT = 10 * REPLAY_BATCH;
/** How long a group keeps its replay caches once no subscriber of it is replaying. */
const REPLAY_CACHE_IDLE_MS = 10_000;
/** Store reads a group keeps while it has subscribers replaying; the oldest goes first. */
const REPLAY_READS_KEPT = 16;

/** Deletes `map`'s oldest entries until it has room for one more under `kept`. */
function makeRoom<K, V>(map: Map<K, V>, kept: number): void {
  for (const key of map.keys()) {
    if (map.size < kept) return;
    map.delete(key);
  }
}

/** What a subscriber whose access was taken back is told last, by why (`extensions.reason`). */
const REVOKED_MESSAGES: Record<AccessLossReason, string> = {
  LEFT: 'You left this room.',
  REMOVED: 'You were removed from this room.',
  BANNED: 'You were banned from this room.',
};

/** The last payload of a subscription whose access was taken back: why, and by whom. */
const revokedPayload = (reason: AccessLossReason, by: string | undefined): string =>
  JSON.stringify({
    errors: [{ message: REVOKED_MESSAGES[reason], extensions: { code: 'FORBIDDEN', reason, ...(by && { by }) } }],
  });

/**
 * One live subscriber, and the iterator graphql-ws holds for it: it never yields (its
 * group writes the frames) and ends on `return()`. Idle subscribers are what a chat node
 * holds by the thousand, so this is one object with its methods on the prototype, and
 * it keeps only what delivery needs: not the operation's context or document.
 */
class Subscriber extends Parked(ReplaySeam<string>) {
  /** Ends its presence in the room, once it has entered. */
  leavePresence: (() => void) | undefined = undefined;

  constructor(
    readonly socket: WebSocket,
    /** The `{"id":…,"type":"next","payload":` that starts each of its frames. */
    readonly prefix: string,
    /** Whom `@perViewer` fields answer for. */
    readonly viewer: UserRow,
    afterSeq: number | null,
    private readonly group: { left(sub: Subscriber): void },
    /**
     * When it joined its group, on the registry's clock: what it may share of replay reads,
     * or (a signal) which of the values its group heard are its own.
     */
    public joined: number,
  ) {
    super(afterSeq);
  }

  /** Leaves the group and the room's presence; once. */
  leave(): void {
    if (this.closed) return;
    this.closed = true;
    offSocketClose(this.socket, this);
    this.leavePresence?.();
    this.group.left(this);
  }

  /** Access to the room was taken back: a last `next` with the error, why and by whom, then the end. */
  revoke(payload: string): void {
    if (this.closed) return;
    if (isOpen(this.socket)) this.socket.send(frame(this.prefix, payload));
    this.end();
  }
}

export const frame = (prefix: string, payload: string) => prefix + payload + '}';

/**
 * Recent frame prefixes by subscription id, so that subscribers with a common id ("1",
 * "s": many clients count from 1) share one string. Ids that are UUIDs pass through:
 * the map starts over when full.
 */
const prefixes = new Map<string, string>();
const PREFIXES_KEPT = 256;

/** The `{"id":…,"type":"next","payload":` that starts the frames of operation `id`. */
export function framePrefix(id: string): string {
  let prefix = prefixes.get(id);
  if (prefix === undefined) {
    prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    if (prefixes.size >= PREFIXES_KEPT) prefixes.clear();
    prefixes.set(id, prefix);
  }
  return prefix;
}

export function isOpen(socket: WebSocket): boolean {
  return socket.readyState === 1; // WebSocket.OPEN
}

/**
 * Each subscriber's payload for one shared execution: the shared one when it has no
 * holes, else the result with the subscriber's own answers, serialized once per distinct
 * set of answers (subscribers whose answers agree share one string).
 */
export async function payloadsFor<S extends { readonly viewer: UserRow }>(
  rendered: Rendered,
  subscribers: readonly S[],
  counters: { viewerAnswers: number },
): Promise<(sub: S) => string> {
  const { shared } = rendered;
  if (shared !== undefined) return () => shared;
  counters.viewerAnswers += subscribers.length;
  const answers = new Map<S, unknown[]>();
  const pending: Promise<void>[] = [];
  for (const sub of subscribers) {
    const values = rendered.answers(sub.viewer);
    if (values instanceof Promise) pending.push(values.then((v) => void answers.set(sub, v)));
    else answers.set(sub, values);
  }
  await Promise.all(pending);
  const byAnswers = new Map<string, string>();
  return (sub) => {
    const values = answers.get(sub)!;
    const key = JSON.stringify(values);
    let payload = byAnswers.get(key);
    if (payload === undefined) byAnswers.set(key, (payload = rendered.payload(values)));
    return payload;
  };
}

/**
 * The frames of one broadcast: each distinct payload encoded once, and one frame (one
 * Buffer) per distinct payload and subscription id, so clients that use the same id
 * share it.
 */
export class Frames {
  private readonly byPayload = new Map<string, { bytes: Buffer; byPrefix: Map<string, Buffer> }>();

  get(prefix: string, payload: string): Buffer {
    let entry = this.byPayload.get(payload);
    if (!entry) this.byPayload.set(payload, (entry = { bytes: Buffer.from(payload), byPrefix: new Map() }));
    let data = entry.byPrefix.get(prefix);
    if (!data) entry.byPrefix.set(prefix, (data = nextFrame(prefix, entry.bytes)));
    return data;
  }
}

/** One replayed value, executed for the group, and its payload's bytes. */
class ReplayRender {
  /** Values it was rendered from or found equal to: a shared read hands everyone the same. */
  private readonly known = new WeakSet<object>();
  private json: string | undefined;
  /** The payload that is the same for everyone, encoded once (frames are not kept: ids differ). */
  private bytes: Buffer | undefined;

  constructor(
    private readonly value: unknown,
    readonly rendered: Promise<Rendered>,
  ) {
    this.known.add(value as object);
  }

  /** Whether it serves `value`: the very one, or one whose JSON is the same. */
  renders(value: unknown): boolean {
    if (this.known.has(value as object)) return true;
    this.json ??= JSON.stringify(this.value);
    if (JSON.stringify(value) !== this.json) return false;
    this.known.add(value as object);
    return true;
  }

  async frameFor(sub: Subscriber, counters: { viewerAnswers: number }): Promise<Buffer> {
    const rendered = await this.rendered;
    if (rendered.shared !== undefined) return nextFrame(sub.prefix, (this.bytes ??= Buffer.from(rendered.shared)));
    // A payload with the viewer's own answers is this subscriber's alone.
    return textFrame(frame(sub.prefix, (await payloadsFor(rendered, [sub], counters))(sub)));
  }
}

/**
 * Subscribers of one room that sent the same document and variables: the room is heard
 * once for them all, and what is heard is handled in order, one value at a time
 * (executions may be async).
 */
abstract class RoomGroup {
  readonly subscribers = new Set<Subscriber>();
  private stopListening: (() => void) | undefined;
  private stopped = false;
  private tail: Promise<void> = Promise.resolve();
  readonly ready: Promise<void>;

  constructor(
    readonly key: string,
    readonly roomId: string,
    protected readonly target: FanoutTarget,
    hub: RoomHub,
    listener: SignalListener,
    protected readonly registry: FanoutRegistry,
  ) {
    this.ready = hub
      .listen(
        roomId,
        listener((value) => this.hear(value)),
      )
      .then((stop) => {
        // Emptied while the hub was still subscribing (a pub/sub round trip with Redis).
        if (this.stopped) stop();
        else this.stopListening = stop;
      });
  }

  stop(): void {
    this.stopped = true;
    this.stopListening?.();
  }

  /** `sub` has left: the registry stops the group when it was the last. */
  abstract left(sub: Subscriber): void;

  /** A value the room's hub handed the group: handled in the order heard, through `enqueue`. */
  protected abstract hear(value: unknown): void;

  /** Runs `task` once everything queued before it has run; a failure is logged and the next runs anyway. */
  protected enqueue(task: () => Promise<void>): void {
    this.tail = this.tail
      .then(task)
      .catch((error: unknown) => this.registry.log.error({ err: error, roomId: this.roomId }, 'fan-out failed'));
  }
}

class FanoutGroup extends RoomGroup {
  constructor(
    key: string,
    roomId: string,
    readonly feed: Feed<unknown>,
    target: FanoutTarget,
    hub: RoomHub,
    registry: FanoutRegistry,
  ) {
    super(
      key,
      roomId,
      target,
      hub,
      (deliver) => ({
        change: (change) => {
          const value = feed.pick(change);
          if (value !== undefined) deliver(value);
        },
      }),
      registry,
    );
  }

  override stop(): void {
    clearTimeout(this.dropTimer);
    super.stop();
  }

  left(sub: Subscriber): void {
    this.registry.left(this, sub);
  }

  /**
   * `value` executed once for the group; the payload for each subscriber is then that
   * result serialized, with its own answers in the holes when it has any.
   */
  async render(value: unknown, subscribers: readonly Subscriber[]): Promise<(sub: Subscriber) => string> {
    this.registry.executions += 1;
    return payloadsFor(await this.target.execute(value), subscribers, this.registry);
  }

  /**
   * Replay reads by the position they read past, and when each began on the registry's
   * clock (Infinity while it waits for the end of the turn it was asked in). When a node
   * comes back, its thousands of clients resume from about the same message: one store
   * read serves every subscriber that joined the group before the read began, since what
   * that read does not see reaches them live. A subscriber that joined later reads anew.
   */
  private readonly replayReads = new Map<number, { began: number; read: Promise<ReplayBatch<unknown>> }>();
  /** Subscribers replaying now: the caches above and below are dropped once none has for a while. */
  private replaying = 0;
  private dropTimer: NodeJS.Timeout | undefined;

  readReplay(store: Store, position: number, joined: number): Promise<ReplayBatch<unknown>> {
    const kept = this.replayReads.get(position);
    if (kept && kept.began > joined) return kept.read;
    this.replayReads.delete(position);
    makeRoom(this.replayReads, REPLAY_READS_KEPT);
    const entry = {
      began: Infinity,
      read: new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        entry.began = this.registry.tick();
        return this.feed.read(store, this.roomId, position);
      }),
    };
    // A failed read is not kept: the next subscriber tries again.
    entry.read.catch(() => {
      if (this.replayReads.get(position) === entry) this.replayReads.delete(position);
    });
    this.replayReads.set(position, entry);
    return entry.read;
  }

  replayStarted(): void {
    this.replaying += 1;
  }

  replayEnded(): void {
    if (--this.replaying > 0 || this.dropTimer) return;
    // Clients of a node that came back trickle in over seconds: keep what they share
    // until none has replayed for a while.
    this.dropTimer = setTimeout(() => {
      this.dropTimer = undefined;
      if (this.replaying > 0) return;
      this.replayReads.clear();
      this.replayRenders.clear();
    }, REPLAY_CACHE_IDLE_MS);
    this.dropTimer.unref();
  }

  /**
   * Replayed values rendered lately, by position. Each is executed once for the group,
   * as live delivery does, not once per subscriber, and its frame is built once per
   * subscription id. An entry serves only the very value it was rendered from, or one
   * equal to it (an edit read since is rendered anew).
   */
  private readonly replayRenders = new Map<number, ReplayRender>();

  private replayRender(value: unknown): ReplayRender {
    const position = this.feed.position(value);
    let entry = this.replayRenders.get(position);
    if (!entry?.renders(value)) {
      this.replayRenders.delete(position);
      makeRoom(this.replayRenders, REPLAY_RENDERS_KEPT);
      this.registry.executions += 1;
      const rendered = Promise.resolve(this.target.execute(value));
      const created = new ReplayRender(value, rendered);
      this.replayRenders.set(position, created);
      // A failed execution is not kept: the next subscriber tries again.
      rendered.catch(() => {
        if (this.replayRenders.get(position) === created) this.replayRenders.delete(position);
      });
      entry = created;
    }
    return entry;
  }

  /** `sub`'s frames for a batch of replayed values. */
  async replayFrames(values: readonly unknown[], sub: Subscriber): Promise<Buffer[]> {
    const entries = values.map((value) => this.replayRender(value));
    const frames: Buffer[] = [];
    for (const entry of entries) frames.push(await entry.frameFor(sub, this.registry));
    return frames;
  }

  protected hear(value: unknown): void {
    this.enqueue(() => this.broadcast(value));
  }

  private async broadcast(value: unknown): Promise<void> {
    if (this.subscribers.size === 0) return;
    // Who was here when the event arrived. One who joins during the execution started
    // after it: live, it is not theirs; replaying, their replay reads it from the store.
    const subscribers = [...this.subscribers];
    const payloadFor = await this.render(value, subscribers);
    const seq = this.feed.position(value);
    const frames = new Frames();
    let delivered = 0;
    for (const sub of subscribers) {
      if (sub.closed) continue;
      const payload = payloadFor(sub);
      // Held while it replays; a duplicate of what its replay sent is dropped.
      if (!sub.accept(seq, payload)) continue;
      const { socket } = sub;
      if (!isOpen(socket)) continue;
      // Its unsent bytes are checked where the frames are written (the flush), once.
      this.registry.queueFrame(socket, frames.get(sub.prefix, payload));
      delivered += 1;
    }
    this.registry.delivered(delivered, this.feed.createdAt(value));
  }
}

/** What a signal subscription hears of the room's hub: `deliver` each value it carries. */
export type SignalListener = (deliver: (value: unknown) => void) => RoomListener;

/** One value a signal tells a subscriber. Told of the same `now`, values with the same key are the same: executed once. */
export interface Told {
  readonly key: string;
  readonly value: unknown;
}

/**
 * How a room signal (`roomPresence`, `userTyping`, `roomTyping`) becomes each subscriber's
 * frames: what a viewer who was last told `told` (undefined: nothing yet) is told now that
 * the room's hub handed out `now`. Most of a room is told alike, so `tell` should hand
 * those viewers the same values (and the same array) rather than a copy each.
 */
export interface Signal<S> {
  tell(viewerId: string, told: S | undefined, now: S): readonly Told[];
}

const toldAsIs = new WeakMap<object, readonly Told[]>();

/** A signal whose every value is told to everyone as it is (a presence batch). */
export const asIs: Signal<object> = {
  tell(_viewerId, _told, now) {
    let told = toldAsIs.get(now);
    if (!told) toldAsIs.set(now, (told = [{ key: '', value: now }]));
    return told;
  },
};

/** A subscriber of a room signal, and what it was last told. */
class SignalSubscriber extends Subscriber {
  told: unknown = undefined;
}

/**
 * Subscribers of one room signal that sent the same document and variables: each value
 * the group hears is executed once per distinct value told (`Signal.tell`), not once per
 * subscriber, as the room fan-out does. A crowd joining or typing in a room is a frame
 * or two a window to thousands of subscribers; executed per subscriber, each window held
 * the node for hundreds of milliseconds, and typing rounds fell behind the typists.
 */
class SignalGroup extends RoomGroup {
  constructor(
    key: string,
    roomId: string,
    readonly field: string,
    target: FanoutTarget,
    hub: RoomHub,
    listener: SignalListener,
    private readonly signal: Signal<unknown>,
    registry: FanoutRegistry,
  ) {
    super(key, roomId, target, hub, listener, registry);
  }

  left(sub: Subscriber): void {
    this.registry.leftSignals(this, sub);
  }

  /**
   * The executions of what was told of the value the group last told: subscribers who
   * join before the room's next value are told the same (typing as it stands), and
   * share them.
   */
  private rendered: { now: unknown; byKey: Map<string, Promise<Rendered>> } | undefined;

  private render(now: unknown, key: string, value: unknown): Promise<Rendered> {
    if (!this.rendered || this.rendered.now !== now) this.rendered = { now, byKey: new Map() };
    const { byKey } = this.rendered;
    let rendered = byKey.get(key);
    if (!rendered) {
      this.registry.executions += 1;
      const created = Promise.resolve(this.target.execute(value));
      // A failed execution is not kept: the next subscriber tries again.
      created.catch(() => {
        if (byKey.get(key) === created) byKey.delete(key);
      });
      byKey.set(key, (rendered = created));
    }
    return rendered;
  }

  /** A subscriber hears the values the group heard after it joined; its first frames tell it `now`. */
  protected hear(value: unknown): void {
    const heard = this.registry.tick();
    this.enqueue(() => {
      const subscribers: SignalSubscriber[] = [];
      for (const sub of this.subscribers as Set<SignalSubscriber>) if (sub.joined < heard) subscribers.push(sub);
      return this.tell(value, subscribers);
    });
  }

  /**
   * Tells `sub` its first frames of `now` (which may still be read), after what the group
   * heard before this call and before what it hears next.
   */
  tellFirst(sub: SignalSubscriber, now: unknown): Promise<void> {
    const read = Promise.resolve(now);
    read.catch(() => {}); // the caller hears of it below, once its turn comes
    return new Promise((resolve, reject) =>
      this.enqueue(() => read.then((value) => this.tell(value, [sub])).then(resolve, reject)),
    );
  }

  /** Tells each of `subscribers` what it is told of `now`: each distinct value executed once. */
  async tell(now: unknown, subscribers: readonly SignalSubscriber[]): Promise<void> {
    const asked: SignalSubscriber[] = [];
    const told: { sub: SignalSubscriber; values: readonly Told[] }[] = [];
    const byKey = new Map<string, { value: unknown; subscribers: SignalSubscriber[] }>();
    for (const sub of subscribers) {
      if (sub.closed) continue;
      asked.push(sub);
      const values = this.signal.tell(sub.viewer.id, sub.told, now);
      if (values.length === 0) continue;
      told.push({ sub, values });
      for (const { key, value } of values) {
        const entry = byKey.get(key);
        if (entry) entry.subscribers.push(sub);
        else byKey.set(key, { value, subscribers: [sub] });
      }
    }
    const payloads = new Map<string, (sub: SignalSubscriber) => string>();
    for (const [key, { value, subscribers: alike }] of byKey) {
      payloads.set(key, await payloadsFor(await this.render(now, key, value), alike, this.registry));
    }
    const frames = new Frames();
    let delivered = 0;
    for (const { sub, values } of told) {
      if (sub.closed || !isOpen(sub.socket)) continue;
      for (const { key } of values)
        this.registry.queueFrame(sub.socket, frames.get(sub.prefix, payloads.get(key)!(sub)));
      delivered += values.length;
    }
    // Only now is `now` what they were told: had an execution failed, the next value would
    // be told from what they last got, not from a picture they never saw.
    for (const sub of asked) sub.told = now;
    this.registry.signalFrames(this.field, delivered);
  }
}

export class FanoutRegistry {
  private readonly groups = new Map<string, FanoutGroup>();
  private readonly signalGroups = new Map<string, SignalGroup>();
  /** Selection executions for live delivery and replay; the fan-out test counts them. */
  executions = 0;
  /** Subscribers whose `@perViewer` answers were computed (one per event with holes). */
  viewerAnswers = 0;
  /** Orders joins and replay reads: a read serves those that joined before it began. */
  private clock = 0;
  /** Replay batches take turns with the rest of the event loop (REPLAY_BATCHES_PER_TURN). */
  private readonly replayTurns = new Turns(REPLAY_BATCHES_PER_TURN);

  tick(): number {
    return ++this.clock;
  }

  constructor(
    private readonly hub: RoomHub,
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly metrics: Metrics,
    readonly log: Logger,
  ) {}

  /** Frames for each socket since the last flush, in order. */
  private outbox = new Map<WebSocket, Buffer[]>();
  private flushScheduled = false;

  /**
   * Queues a live frame for `socket`. Every message broadcast in this turn of the event
   * loop (several, under load: the senders' frames arrive together) goes out in one
   * write per socket once the turn's I/O has been read, not one write per message.
   */
  queueFrame(socket: WebSocket, data: Buffer): void {
    const queued = this.outbox.get(socket);
    if (queued) queued.push(data);
    else this.outbox.set(socket, [data]);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    // FLUSH_SOCKETS_PER_TURN sockets now, the rest in the next turn; a socket's frames
    // queued meanwhile go behind those it already had (a new entry, at the end).
    let budget = FLUSH_SOCKETS_PER_TURN;
    for (const [socket, frames] of this.outbox) {
      if (budget-- === 0) break;
      this.outbox.delete(socket);
      if (isOpen(socket) && !writeFrames(socket, frames, WS_MAX_BUFFERED_BYTES)) this.dropSlowConsumer(socket);
    }
    if (this.outbox.size > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  };

  /** The flush found `socket`'s unsent output past WS_MAX_BUFFERED_BYTES. */
  dropSlowConsumer(socket: WebSocket): void {
    dropSocket(socket, { metrics: this.metrics, log: this.log });
  }

  /** Frames of a room signal: neither messages nor timed from a store write, so counted apart. */
  signalFrames(field: string, count: number): void {
    if (count > 0) this.metrics.signalFrames.inc({ field }, count);
  }

  delivered(count: number, createdAt: number): void {
    if (count === 0) return;
    this.metrics.deliveries.inc(count);
    this.metrics.deliveryLatency.observe((Date.now() - createdAt) / 1000);
  }

  /**
   * Starts delivering `roomId`'s `feed` to `target`, after replaying what is past
   * `afterSeq` when it is set. The caller has already authorized the viewer.
   */
  async subscribe<T>(
    feed: Feed<T>,
    roomId: string,
    viewer: UserRow,
    afterSeq: number | null,
    target: FanoutTarget,
  ): Promise<AsyncIterableIterator<never>> {
    const key = `${feed.field}\u0000${roomId}\u0000${target.groupKey}`;
    let group = this.groups.get(key);
    if (!group) {
      group = new FanoutGroup(key, roomId, feed as Feed<unknown>, target, this.hub, this);
      this.groups.set(key, group);
    }
    const sub = new Subscriber(target.socket, framePrefix(target.id), viewer, afterSeq, group, this.tick());
    await this.join(group, sub, feed.field);
    if (afterSeq !== null) {
      this.replay(group, sub).catch((error: unknown) => {
        this.log.error({ err: error, roomId }, 'replay failed');
        sub.socket.close(1011, 'Replay failed');
      });
    }
    return sub;
  }

  /** `sub` has left `group`: the group stops when it was the last. */
  left(group: FanoutGroup, sub: Subscriber): void {
    this.metrics.activeSubscriptions.dec({ field: group.feed.field });
    group.subscribers.delete(sub);
    if (group.subscribers.size === 0 && this.groups.get(group.key) === group) {
      this.groups.delete(group.key);
      group.stop();
    }
  }

  /**
   * Starts delivering a room signal (`field`) to `target`: once the group hears the room,
   * what `signal` tells of `current()`, then of each value `listener` hands over, each
   * executed once per group. The caller has already authorized the viewer. The viewer
   * counts as online in the room while it lasts.
   */
  async subscribeSignals<S>(
    field: string,
    roomId: string,
    viewer: UserRow,
    target: FanoutTarget,
    signal: Signal<S>,
    current: () => S | Promise<S>,
    listener: SignalListener,
  ): Promise<AsyncIterableIterator<never>> {
    const key = `${field}\u0000${roomId}\u0000${target.groupKey}`;
    let found = this.signalGroups.get(key);
    if (!found) {
      found = new SignalGroup(key, roomId, field, target, this.hub, listener, signal as Signal<unknown>, this);
      this.signalGroups.set(key, found);
    }
    const group = found;
    // A signal has no place in the change order: no replay, no seam. Until it has its
    // first frames it hears nothing (it joins at the end of time).
    const sub = new SignalSubscriber(target.socket, framePrefix(target.id), viewer, null, group, Infinity);
    await this.join(group, sub, field, async () => {
      await group.ready;
      if (sub.closed) return;
      // Read once the group hears the room: what it hears from here on is newer, and
      // comes after the first frames, in order.
      sub.joined = this.tick();
      await group.tellFirst(sub, current());
    });
    return sub;
  }

  /**
   * `sub` joins `group`, does `first`, then enters the room's presence once the group
   * hears the room; all undone if any of it fails.
   */
  private async join(group: RoomGroup, sub: Subscriber, field: string, first?: () => Promise<void>): Promise<void> {
    group.subscribers.add(sub);
    onSocketClose(sub.socket, sub);
    this.metrics.activeSubscriptions.inc({ field });
    try {
      await first?.();
      await group.ready;
      // The socket may close during either wait (graphql-ws #532): then `leave` has run
      // already, and this subscriber must not count as online.
      if (!sub.closed) {
        const exit = await this.presence.enter(group.roomId, sub.viewer);
        if (sub.closed) exit();
        else sub.leavePresence = exit;
      }
    } catch (error) {
      sub.leave();
      throw error;
    }
  }

  /** `sub` has left `group`: the group stops when it was the last. */
  leftSignals(group: SignalGroup, sub: Subscriber): void {
    this.metrics.activeSubscriptions.dec({ field: group.field });
    group.subscribers.delete(sub);
    if (group.subscribers.size === 0 && this.signalGroups.get(group.key) === group) {
      this.signalGroups.delete(group.key);
      group.stop();
    }
  }

  /**
   * Sends the backlog past `sub.last`, then the live frames that queued meanwhile. Each
   * batch waits its turn (REPLAY_BATCHES_PER_TURN), and goes out in as few writes as the
   * client's reading allows, not one per value.
   */
  private async replay(group: FanoutGroup, sub: Subscriber): Promise<void> {
    group.replayStarted();
    try {
      await this.replayBacklog(group, sub);
    } finally {
      group.replayEnded();
    }
  }

  private async replayBacklog(group: FanoutGroup, sub: Subscriber): Promise<void> {
    const { socket } = sub;
    const { feed } = group;
    const gone = () => sub.closed || !isOpen(socket);
    const read = (after: number) => group.readReplay(this.store, after, sub.joined);
    for await (const values of replay(read, sub.last)) {
      await this.replayTurns.next();
      if (gone()) return;
      const frames = await group.replayFrames(values, sub);
      for (let written = 0; written < frames.length;) {
        // A replay is the client's own request: wait for it to read rather than drop it.
        while (socket.bufferedAmount > REPLAY_HIGH_WATER_BYTES) {
          await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS));
          if (gone()) return;
        }
        if (gone()) return;
        written = writeFramesFrom(socket, frames, written, REPLAY_HIGH_WATER_BYTES);
      }
      const last = values.at(-1)!;
      sub.replayed(feed.position(last));
      this.delivered(values.length, feed.createdAt(last));
    }
    if (gone()) return;
    // No await from here on: the switch to live is atomic with respect to broadcasts.
    const held: Buffer[] = [];
    sub.goLive((payload) => held.push(textFrame(frame(sub.prefix, payload))));
    // What arrived while it replayed, in one write; the client is reading (it just did).
    if (held.length > 0 && isOpen(socket)) writeFrames(socket, held, Infinity);
  }

  /** Ends `userId`'s subscriptions to the room on this node (their access was taken back). */
  revoke(roomId: string, userId: string, reason: AccessLossReason, by?: string): void {
    const payload = revokedPayload(reason, by);
    for (const group of [...this.groups.values(), ...this.signalGroups.values()]) {
      if (group.roomId !== roomId) continue;
      for (const sub of [...group.subscribers]) if (sub.viewer.id === userId) sub.revoke(payload);
    }
  }

  /** Groups live on this node; for tests and metrics. */
  get groupCount(): number {
    return this.groups.size;
  }
}
