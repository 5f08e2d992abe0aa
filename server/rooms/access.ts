import { ExpiringMap } from '../bounded-map.js';
import { ROOM_ACCESS_CACHE_MAX, ROOM_ACCESS_CACHE_MS } from '../limits.js';
import type { Store } from '../store/index.js';
import type { RoomModel } from './model.js';

/**
 * Which rooms a user may see, asked of the store once per ROOM_ACCESS_CACHE_MS rather
 * than on every history page and subscription (on PostgreSQL that is one of a page's
 * two round trips).
 *
 * A "yes" is kept, with `isMember` only when it is true (a public room's non-member
 * may join on another node meanwhile: `Room.isMember` then asks the store). A "no" and a
 * ban are always asked again, so an invitation counts at once, and a private room answers
 * a non-member exactly as a missing room does (same store call, same time).
 * What takes access back or changes the room (leaving, removal, a ban, a rename) is
 * forgotten on every node at once through ACCESS_TOPIC (`forget`), and again when the
 * room's MEMBER_LEFT change reaches a node through its feed, which fills gaps from the
 * store after a pub/sub outage; a node that heard neither stops believing an entry after
 * ROOM_ACCESS_CACHE_MS.
 */
export class RoomAccess {
  private readonly granted = new ExpiringMap<string, RoomModel>(ROOM_ACCESS_CACHE_MAX, ROOM_ACCESS_CACHE_MS);

  constructor(private readonly store: Store) {}

  /** The room if `userId` may see it, with their membership. */
  async visible(roomId: string, userId: string): Promise<RoomModel | undefined> {
    const key = `${userId} ${roomId}`;
    const cached = this.granted.get(key);
    if (cached) return cached;
    const room = await this.store.roomFor(roomId, userId);
    if (!room || (room.isPrivate && !room.isMember)) {
      this.granted.delete(key);
      return undefined;
    }
    const { isMember, isBanned, ...row } = room;
    // A ban is asked again each time, as a "no" is.
    if (isBanned) {
      this.granted.delete(key);
      return { ...row, isMember, isBanned };
    }
    this.granted.set(key, isMember ? { ...row, isMember } : row);
    return { ...row, isMember };
  }

  /**
   * Forgets what this node believed of `userId`'s access to the room (every user's when
   * null: the room itself changed). Every node does it on ACCESS_TOPIC and on the
   * room's MEMBER_LEFT changes.
   */
  forget(roomId: string, userId: string | null): void {
    if (userId !== null) this.granted.delete(`${userId} ${roomId}`);
    else this.granted.deleteWhere((key) => key.endsWith(` ${roomId}`));
  }
}
