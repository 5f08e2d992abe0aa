import { ExpiringMap } from '../bounded-map.js';
import { ROOM_ACCESS_CACHE_MAX, ROOM_ACCESS_CACHE_MS } from '../limits.js';
import type { Store } from '../store/index.js';
import type { RoomModel } from './model.js';

/**
 * Which rooms a user may see, asked of the store once per ROOM_ACCESS_CACHE_MS rather
 * than on every history page and subscription (on PostgreSQL that is one of a page's
 * two round trips).
 *
 * Only what cannot be taken back is remembered: a room never changes its name or
 * privacy and is never deleted, and a membership, once granted (createRoom, joinRoom,
 * invite), is never removed. So a "yes" is kept, with `isMember` only when it is true
 * (a public room's non-member may join on another node meanwhile: `Room.isMember`
 * then asks the store). A "no" is always asked again, so an invitation counts at once,
 * and a private room answers a non-member exactly as a missing room does (same store
 * call, same time).
 * An API that removes access (leave, kick, delete, make private) must forget the
 * entries it affects on every node, as signing out does with the sessions topic.
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
    const { isMember, ...row } = room;
    this.granted.set(key, isMember ? room : row);
    return room;
  }
}
