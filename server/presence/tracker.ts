import { type PubSub, roomTopic } from '../pubsub/index.js';
import type { UserRow } from '../store/index.js';

/**
 * Who is online where. A user is online in a room while at least one of their
 * subscriptions to it is live; `presenceChanged` fires on the first and the last.
 */
export interface Presence {
  /** Counts one live subscription; resolves to the function that ends it (call it once). */
  enter(roomId: string, user: UserRow): Promise<() => void>;
  online(roomId: string): Promise<UserRow[]>;
  close(): Promise<void>;
}

/** Presence for a single node: counts held in memory. */
export class LocalPresence implements Presence {
  private readonly rooms = new Map<string, Map<string, { user: UserRow; count: number }>>();

  constructor(
    private readonly pubsub: PubSub,
    private readonly onError: (error: unknown) => void,
  ) {}

  private announce(roomId: string, user: UserRow, online: boolean): void {
    this.pubsub.publish(roomTopic(roomId), { kind: 'presence', roomId, user, online }).catch(this.onError);
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
      this.announce(roomId, user, true);
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
      this.announce(roomId, user, false);
    };
  }

  async online(roomId: string): Promise<UserRow[]> {
    const users = this.rooms.get(roomId);
    if (!users) return [];
    return [...users.values()].map((e) => e.user).sort((a, b) => a.name.localeCompare(b.name));
  }

  async close(): Promise<void> {
    this.rooms.clear();
  }
}
