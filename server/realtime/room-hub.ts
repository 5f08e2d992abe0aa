import type { Logger } from 'pino';
import { PRESENCE_BATCH_NAMED_MAX, TYPING_BATCH_MS, TYPING_SHOWN_MAX } from '../limits.js';
import { type PresenceBatchSignal, type PubSub, type RoomSignal, roomTopic } from '../pubsub/index.js';
import type { RoomChange, Store, UserRow } from '../store/index.js';

/**
 * How soon a feed reads the store again after a read failed (the database is down, or
 * its pool's timeouts passed): the changes are there, and the room waits for them. The
 * pause doubles with each failure in a row, up to STORE_RETRY_MAX_MS, and only the
 * first is logged, so an outage costs each served room one line and a read every 5 s.
 */
const STORE_RETRY_MS = 250;
const STORE_RETRY_MAX_MS = 5_000;
const retryDelay = (failures: number) => Math.min(STORE_RETRY_MS * 2 ** (failures - 1), STORE_RETRY_MAX_MS);

export interface TypingState {
  readonly user: UserRow;
  readonly isTyping: boolean;
}
export interface PresenceState {
  readonly user: UserRow;
  readonly online: boolean;
}
/**
 * Who came and went in a room over one node's window (the first PRESENCE_BATCH_NAMED_MAX
 * of each, and how many), and the room's count as known here.
 */
export interface PresenceBatchState {
  readonly joined: UserRow[];
  readonly joinedCount: number;
  readonly left: UserRow[];
  readonly leftCount: number;
  readonly onlineCount: number;
}

/**
 * Who types in a room, as this node last handed it out (at most once per TYPING_BATCH_MS):
 * the first typists in the order they started, one more than are shown (the viewer may be
 * among them, and is never shown to themselves), and everyone's ids for the count.
 */
export interface TypingView {
  readonly leading: readonly UserRow[];
  readonly typing: ReadonlySet<string>;
}
const NOBODY_TYPING: TypingView = Object.freeze({ leading: [], typing: new Set<string>() });

/** What a local subscriber hears from a room; each callback is optional. */
export interface RoomListener {
  /** Whose subscription this is, for `revoke`. */
  readonly viewerId?: string;
  /** Their access to the room was taken back: end the subscription. */
  revoked?(): void;
  /** Every change to the room, exactly once and in the room's change order. */
  change?(change: RoomChange): void;
  /** Typing changed: at most once per TYPING_BATCH_MS per room. */
  typing?(view: TypingView): void;
  /** One user came or went (expanded from the batches, for per-user subscribers). */
  presence?(event: PresenceState): void;
  /** One node's window of presence news for the room. */
  presenceBatch?(batch: PresenceBatchState): void;
}

/**
 * One room as this node sees it: a single pub/sub subscription however many local
 * subscribers the room has. It turns the raw event stream into what subscribers rely on:
 * changes exactly once and in `seq` order with gaps filled from the store (pub/sub may
 * reorder across nodes), and typing state with its expiry enforced here, on the receiving
 * side, so it holds even when the typist's node dies.
 */
class RoomFeed {
  readonly listeners = new Set<RoomListener>();
  private lastSeq: number | null = null; // null until the baseline is read
  /** The store's newest seq when pub/sub last came back: delivered up to here without waiting for an event. */
  private caughtUpTo = 0;
  private readonly queue: RoomChange[] = [];
  private filling = false;
  /** No listener left: store reads that failed are not tried again. */
  private stopped = false;
  /** Store reads failed in a row (catching up, filling a gap), for the pause before the next. */
  private failures = 0;
  /** Everyone typing, in the order they started (a refresh keeps its place). */
  private readonly typists = new Map<string, { user: UserRow; timer: NodeJS.Timeout }>();
  private typingView = NOBODY_TYPING;
  /** When typing was last handed out, and the timer that hands out what changed since. */
  private typingFlushedAt = -Infinity;
  private typingTimer: NodeJS.Timeout | undefined;
  /** The room's online count of the highest version heard. */
  private onlineCount = 0;
  private onlineVersion = -1;
  private unsubscribe: (() => Promise<void>) | undefined;
  readonly ready: Promise<void>;

  constructor(
    readonly roomId: string,
    private readonly store: Store,
    pubsub: PubSub,
    private readonly log: Logger,
    /** A typist not refreshing within this time is reported stopped (TYPING_EXPIRY_MS). */
    private readonly typingExpiryMs: number,
    /** Sees every change this node delivers, after the room's listeners. */
    private readonly observe: (change: RoomChange) => void,
  ) {
    this.ready = this.start(pubsub);
  }

  private async start(pubsub: PubSub): Promise<void> {
    // Subscribe before reading the baseline: anything committed after the read is then
    // sure to arrive as an event.
    this.unsubscribe = await pubsub.subscribe(
      roomTopic(this.roomId),
      (event) => this.onEvent(event),
      () => this.catchUp(),
    );
    this.lastSeq = await this.store.lastChangeSeq(this.roomId);
    this.drain();
  }

  /**
   * Events may have been lost (pub/sub was down): deliver whatever the store holds past
   * the last change delivered, as a gap fill up to the room's newest change.
   */
  catchUp(): void {
    if (this.lastSeq === null || this.stopped) return; // the baseline read is still to come, and covers it
    this.store
      .lastChangeSeq(this.roomId)
      .then((newest) => {
        this.failures = 0;
        this.caughtUpTo = Math.max(this.caughtUpTo, newest);
        this.drain();
      })
      .catch((error: unknown) => {
        // Not given up: what pub/sub missed would otherwise wait for the room's next change.
        if (++this.failures === 1) this.log.error({ err: error, roomId: this.roomId }, 'catching up failed; retrying');
        setTimeout(() => this.catchUp(), retryDelay(this.failures)).unref();
      });
  }

  /** Hands this node's subscribers an event that could not go through pub/sub. */
  offer(event: RoomSignal): void {
    this.onEvent(event);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.typists.values()) clearTimeout(timer);
    this.typists.clear();
    clearTimeout(this.typingTimer);
    await this.ready.catch(() => {});
    await this.unsubscribe?.();
  }

  typing(): TypingView {
    return this.typingView;
  }

  private onEvent(event: RoomSignal): void {
    switch (event.kind) {
      case 'change':
        this.queue.push(event.change);
        this.drain();
        return;
      case 'typing':
        this.setTyping(event.user, event.isTyping);
        return;
      case 'presence':
        // One user's news, from a node that announces them one by one.
        this.onPresence({
          kind: 'presence-batch',
          roomId: event.roomId,
          joined: event.online ? [event.user] : [],
          left: event.online ? [] : [event.user],
          onlineCount: this.onlineCount,
          version: -1,
        });
        return;
      case 'presence-batch':
        this.onPresence(event);
        return;
    }
  }

  private onPresence(event: PresenceBatchSignal): void {
    // A user gone from the room (their last connection closed) stops typing.
    for (const user of event.left) this.setTyping(user, false);
    if (event.version > this.onlineVersion) {
      this.onlineVersion = event.version;
      this.onlineCount = event.onlineCount;
    }
    const batch: PresenceBatchState = {
      joined: event.joined.slice(0, PRESENCE_BATCH_NAMED_MAX),
      joinedCount: event.joined.length,
      left: event.left.slice(0, PRESENCE_BATCH_NAMED_MAX),
      leftCount: event.left.length,
      onlineCount: this.onlineCount,
    };
    for (const listener of this.listeners) {
      listener.presenceBatch?.(batch);
      if (!listener.presence) continue;
      for (const user of event.joined) listener.presence({ user, online: true });
      for (const user of event.left) listener.presence({ user, online: false });
    }
  }

  private setTyping(user: UserRow, isTyping: boolean): void {
    const current = this.typists.get(user.id);
    if (isTyping) {
      if (current) clearTimeout(current.timer);
      const timer = setTimeout(() => this.setTyping(user, false), this.typingExpiryMs);
      timer.unref();
      this.typists.set(user.id, { user, timer });
      // A refresh of someone already typing is not news.
      if (current) return;
    } else {
      if (!current) return;
      clearTimeout(current.timer);
      this.typists.delete(user.id);
    }
    this.typingChanged();
  }

  /**
   * Hands out typing at most once per TYPING_BATCH_MS: at once when the last time was a
   * window ago, else at the end of the window, with everything that changed meanwhile.
   */
  private typingChanged(): void {
    if (this.typingTimer || this.stopped) return;
    const wait = this.typingFlushedAt + TYPING_BATCH_MS - Date.now();
    if (wait <= 0) return this.flushTyping();
    this.typingTimer = setTimeout(() => {
      this.typingTimer = undefined;
      this.flushTyping();
    }, wait);
    this.typingTimer.unref();
  }

  private flushTyping(): void {
    this.typingFlushedAt = Date.now();
    const leading: UserRow[] = [];
    for (const { user } of this.typists.values()) {
      if (leading.length > TYPING_SHOWN_MAX) break;
      leading.push(user);
    }
    const view: TypingView = { leading, typing: new Set(this.typists.keys()) };
    const before = this.typingView;
    if (
      view.typing.size === before.typing.size &&
      view.leading.length === before.leading.length &&
      view.leading.every((user, k) => user.id === before.leading[k]!.id) &&
      [...view.typing].every((id) => before.typing.has(id))
    )
      return; // started and stopped within the window: nothing to tell
    this.typingView = view;
    for (const listener of this.listeners) listener.typing?.(view);
  }

  private deliver(change: RoomChange): void {
    this.lastSeq = change.seq;
    if (change.kind === 'MESSAGE_ADDED') this.setTyping(change.message!.author, false);
    for (const listener of this.listeners) listener.change?.(change);
    this.observe(change);
  }

  /** Delivers queued changes in seq order; fetches from the store across a gap. */
  private drain(): void {
    if (this.filling || this.lastSeq === null) return;
    this.queue.sort((a, b) => a.seq - b.seq);
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (next.seq <= this.lastSeq) {
        this.queue.shift(); // already delivered
      } else if (next.seq === this.lastSeq + 1) {
        this.queue.shift();
        this.deliver(next);
      } else {
        this.fillGap(next.seq);
        return;
      }
    }
    if (this.caughtUpTo > this.lastSeq) this.fillGap(this.caughtUpTo + 1);
  }

  /**
   * Change N+1 is only ever committed after change N (the room row is locked until commit),
   * so when N+1 is here N is already readable from the store.
   */
  private fillGap(upTo: number): void {
    this.filling = true;
    const from = this.lastSeq!;
    this.store
      .changesAfter(this.roomId, from, upTo - from - 1)
      .then(
        (missing) => {
          this.failures = 0;
          this.filled(missing, upTo);
        },
        (error: unknown) => {
          // The store did not answer, which is not "the store does not have them":
          // skipping here lost those changes for every subscriber on this node (a
          // database outage, or a pool timeout under load). The room waits, and the gap
          // is read again.
          if (++this.failures === 1) {
            this.log.error({ err: error, roomId: this.roomId }, 'filling a change gap failed; retrying');
          }
          setTimeout(() => {
            this.filling = false;
            if (!this.stopped) this.drain();
          }, retryDelay(this.failures)).unref();
        },
      )
      .catch((error: unknown) => this.log.error({ err: error, roomId: this.roomId }, 'filling a change gap failed'));
  }

  /** Delivers what the store returned for a gap up to `upTo`, then what is queued behind it. */
  private filled(missing: readonly RoomChange[], upTo: number): void {
    try {
      for (const change of missing) if (change.seq === this.lastSeq! + 1) this.deliver(change);
    } finally {
      if (this.lastSeq! < upTo - 1) {
        // The store did not have them: never stall the room behind a hole.
        this.log.error(
          { roomId: this.roomId, from: this.lastSeq, to: upTo },
          'skipping changes missing from the store',
        );
        this.lastSeq = upTo - 1;
      }
      this.filling = false;
      this.drain();
    }
  }
}

/** This node's live rooms: a feed exists while at least one local listener needs it. */
export class RoomHub {
  private readonly feeds = new Map<string, RoomFeed>();
  private readonly observers = new Set<(change: RoomChange) => void>();

  constructor(
    private readonly store: Store,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
    private readonly typingExpiryMs: number,
  ) {}

  /**
   * Starts `listener` hearing the room. Resolves, once events are flowing, to the
   * function that stops it.
   */
  async listen(roomId: string, listener: RoomListener): Promise<() => void> {
    let feed = this.feeds.get(roomId);
    if (!feed) {
      feed = new RoomFeed(roomId, this.store, this.pubsub, this.log, this.typingExpiryMs, (change) => {
        for (const observer of this.observers) observer(change);
      });
      this.feeds.set(roomId, feed);
    }
    const active = feed;
    active.listeners.add(listener);
    const stop = () => {
      if (!active.listeners.delete(listener) || active.listeners.size > 0) return;
      if (this.feeds.get(roomId) === active) this.feeds.delete(roomId);
      active.stop().catch((error: unknown) => this.log.error({ err: error, roomId }, 'closing a room feed failed'));
    };
    try {
      await active.ready;
    } catch (error) {
      stop();
      throw error;
    }
    return stop;
  }

  /**
   * Calls `observer` with every change any room's feed delivers here, in each room's
   * order and with gaps filled: what must happen on every node that serves the room
   * (access taken back) hears it even when its pub/sub notice was lost.
   */
  observeChanges(observer: (change: RoomChange) => void): void {
    this.observers.add(observer);
  }

  /** Ends `userId`'s subscriptions to the room that listen here (SSE, typing, presence). */
  revoke(roomId: string, userId: string): void {
    const feed = this.feeds.get(roomId);
    if (!feed) return;
    for (const listener of [...feed.listeners]) if (listener.viewerId === userId) listener.revoked?.();
  }

  /** Rooms this node holds a feed (and a pub/sub subscription) for; for tests and metrics. */
  get feedCount(): number {
    return this.feeds.size;
  }

  /**
   * Hands an event straight to this node's subscribers of the room, for when pub/sub
   * could not take it (Redis down): the other nodes fill the gap from the store once it
   * is back.
   */
  offer(roomId: string, event: RoomSignal): void {
    this.feeds.get(roomId)?.offer(event);
  }

  /** Who is typing in the room, as this node last handed it out. */
  typing(roomId: string): TypingView {
    return this.feeds.get(roomId)?.typing() ?? NOBODY_TYPING;
  }

  async close(): Promise<void> {
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    await Promise.all(feeds.map((feed) => feed.stop()));
  }
}
