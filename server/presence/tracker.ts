import { PRESENCE_BATCH_MS } from '../limits.js';
import { type PubSub, roomTopic } from '../pubsub/index.js';
import type { UserRow } from '../store/index.js';

/**
 * Who is online where. A user is online in a room while at least one of their
 * subscriptions to it is live (on any node); their first and last are announced, per
 * room in one event per PRESENCE_BATCH_MS window.
 */
export interface Presence {
  /** Counts one live subscription; resolves to the function that ends it (call it once). */
  enter(roomId: string, user: UserRow): Promise<() => void>;
  /**
   * Users online in the room, by name: all of them, or at most `first` (which ones is not
   * said; a room of thousands is never read whole for them).
   */
  online(roomId: string, first?: number): Promise<UserRow[]>;
  /** Of `userIds`, those online in the room: one read however large the room. */
  onlineAmong(roomId: string, userIds: readonly string[]): Promise<string[]>;
  /** How many users are online in the room. */
  count(roomId: string): Promise<number>;
  close(): Promise<void>;
}

export const byName = (a: UserRow, b: UserRow): number => a.name.localeCompare(b.name);

/** A room's announcements waiting for the end of their window: user id → came (true) or went. */
type Pending = Map<string, { user: UserRow; online: boolean }>;

/**
 * This node's own count of subscriptions per room and user. Subclasses decide what the
 * first and the last one mean: on one node, the user's arrival and departure; across
 * nodes, a claim the cluster has to agree on. Either way the news goes through
 * `announce`, which gathers it per room and publishes one event per window.
 */
export abstract class CountingPresence implements Presence {
  protected readonly rooms = new Map<string, Map<string, { user: UserRow; count: number }>>();
  private readonly windows = new Map<string, { changes: Pending; timer: NodeJS.Timeout }>();
  private readonly publishing = new Set<Promise<void>>();

  constructor(
    protected readonly pubsub: PubSub,
    protected readonly onError: (error: unknown) => void,
    /** How long announcements are gathered per room (PRESENCE_BATCH_MS). */
    private readonly batchMs: number = PRESENCE_BATCH_MS,
  ) {}

  /** This node now holds the user's first subscription to the room. */
  protected abstract arrived(roomId: string, user: UserRow): void;
  /** This node no longer holds any subscription of the user's to the room. */
  protected abstract departed(roomId: string, user: UserRow): void;
  /** The room's count when a window closes, with a version that orders it among every node's counts. */
  protected abstract counted(roomId: string): Promise<{ count: number; version: number }>;
  abstract online(roomId: string, first?: number): Promise<UserRow[]>;
  abstract onlineAmong(roomId: string, userIds: readonly string[]): Promise<string[]>;
  abstract count(roomId: string): Promise<number>;
  abstract close(): Promise<void>;

  /**
   * The user came online in (or went from) the room: told to everyone at the end of the
   * room's window, together with whatever else happened there meanwhile. Coming and going
   * within one window cancel out.
   */
  protected announce(roomId: string, user: UserRow, online: boolean): void {
    let room = this.windows.get(roomId);
    if (!room) {
      const timer = setTimeout(() => this.flush(roomId), this.batchMs);
      timer.unref();
      room = { changes: new Map(), timer };
      this.windows.set(roomId, room);
    }
    const earlier = room.changes.get(user.id);
    if (earlier && earlier.online !== online) room.changes.delete(user.id);
    else room.changes.set(user.id, { user, online });
  }

  /** Publishes the room's window now (an empty one publishes nothing). */
  private flush(roomId: string): void {
    const room = this.windows.get(roomId);
    if (!room) return;
    clearTimeout(room.timer);
    this.windows.delete(roomId);
    if (room.changes.size === 0) return;
    const joined: UserRow[] = [];
    const left: UserRow[] = [];
    for (const { user, online } of room.changes.values()) (online ? joined : left).push(user);
    const published = this.counted(roomId)
      .then(({ count, version }) =>
        this.pubsub.publish(roomTopic(roomId), {
          kind: 'presence-batch',
          roomId,
          joined,
          left,
          onlineCount: count,
          version,
        }),
      )
      .catch(this.onError)
      .finally(() => this.publishing.delete(published));
    this.publishing.add(published);
  }

  /** Publishes every window still open, and waits for what is being published. */
  protected async flushAll(): Promise<void> {
    for (const roomId of [...this.windows.keys()]) this.flush(roomId);
    while (this.publishing.size > 0) await Promise.all(this.publishing);
  }

  /** Users this node holds a subscription of in the room: all, by name, or `first` of them. */
  protected localOnline(roomId: string, first?: number): UserRow[] {
    const users = this.rooms.get(roomId);
    if (!users) return [];
    const rows: UserRow[] = [];
    for (const { user } of users.values()) {
      if (first !== undefined && rows.length >= first) break;
      rows.push(user);
    }
    return rows.sort(byName);
  }

  /** Of `userIds`, those this node holds a subscription of in the room. */
  protected localAmong(roomId: string, userIds: readonly string[]): string[] {
    const users = this.rooms.get(roomId);
    return users ? userIds.filter((id) => users.has(id)) : [];
  }

  async enter(roomId: string, user: UserRow): Promise<() => void> {
    let users = this.rooms.get(roomId);
    if (!users) {
      users = new Map();
      this.rooms.set(roomId, users);
    }
    const entry = users.get(user.id);
    if (entry) entry.count += 1;
    else {
      users.set(user.id, { user, count: 1 });
      this.arrived(roomId, user);
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const room = this.rooms.get(roomId);
      const current = room?.get(user.id);
      if (!room || !current) return;
      current.count -= 1;
      if (current.count > 0) return;
      room.delete(user.id);
      if (room.size === 0) this.rooms.delete(roomId);
      // Whoever typed here stops at once when their connections to it go, not when the
      // window's presence news does.
      this.pubsub.publish(roomTopic(roomId), { kind: 'typing', roomId, user, isTyping: false }).catch(this.onError);
      this.departed(roomId, user);
    };
  }
}

/** Presence for a single node: its own counts are the whole truth. */
export class LocalPresence extends CountingPresence {
  private version = 0;

  protected arrived(roomId: string, user: UserRow): void {
    this.announce(roomId, user, true);
  }

  protected departed(roomId: string, user: UserRow): void {
    this.announce(roomId, user, false);
  }

  protected async counted(roomId: string): Promise<{ count: number; version: number }> {
    return { count: this.rooms.get(roomId)?.size ?? 0, version: ++this.version };
  }

  async online(roomId: string, first?: number): Promise<UserRow[]> {
    return this.localOnline(roomId, first);
  }

  async onlineAmong(roomId: string, userIds: readonly string[]): Promise<string[]> {
    return this.localAmong(roomId, userIds);
  }

  async count(roomId: string): Promise<number> {
    return this.rooms.get(roomId)?.size ?? 0;
  }

  async close(): Promise<void> {
    this.rooms.clear();
    await this.flushAll();
  }
}
