import { type PubSub, roomTopic } from '../pubsub/index.js';
import type { UserRow } from '../store/index.js';

/**
 * Who is online where. A user is online in a room while at least one of their
 * subscriptions to it is live (on any node); `presenceChanged` fires on the first and
 * the last.
 */
export interface Presence {
  /** Counts one live subscription; resolves to the function that ends it (call it once). */
  enter(roomId: string, user: UserRow): Promise<() => void>;
  online(roomId: string): Promise<UserRow[]>;
  close(): Promise<void>;
}

export const byName = (a: UserRow, b: UserRow): number => a.name.localeCompare(b.name);

/**
 * This node's own count of subscriptions per room and user. Subclasses decide what the
 * first and the last one mean: on one node, the user's arrival and departure; across
 * nodes, a claim the cluster has to agree on.
 */
export abstract class CountingPresence implements Presence {
  protected readonly rooms = new Map<string, Map<string, { user: UserRow; count: number }>>();

  constructor(
    protected readonly pubsub: PubSub,
    protected readonly onError: (error: unknown) => void,
  ) {}

  /** This node now holds the user's first subscription to the room. */
  protected abstract arrived(roomId: string, user: UserRow): void;
  /** This node no longer holds any subscription of the user's to the room. */
  protected abstract departed(roomId: string, user: UserRow): void;
  abstract online(roomId: string): Promise<UserRow[]>;
  abstract close(): Promise<void>;

  protected announce(roomId: string, user: UserRow, online: boolean): Promise<void> {
    return this.pubsub.publish(roomTopic(roomId), { kind: 'presence', roomId, user, online }).catch(this.onError);
  }

  /** Users this node holds a subscription of in the room, by name. */
  protected localOnline(roomId: string): UserRow[] {
    const users = this.rooms.get(roomId);
    return users ? [...users.values()].map((e) => e.user).sort(byName) : [];
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
      this.departed(roomId, user);
    };
  }
}

/** Presence for a single node: its own counts are the whole truth. */
export class LocalPresence extends CountingPresence {
  protected arrived(roomId: string, user: UserRow): void {
    void this.announce(roomId, user, true);
  }

  protected departed(roomId: string, user: UserRow): void {
    void this.announce(roomId, user, false);
  }

  async online(roomId: string): Promise<UserRow[]> {
    return this.localOnline(roomId);
  }

  async close(): Promise<void> {
    this.rooms.clear();
  }
}
