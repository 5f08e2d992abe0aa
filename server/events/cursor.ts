import { badInput } from '../graphql/errors.js';
import { decodeCursor, encodeCursor } from '../graphql/cursors.js';

/**
 * Change-feed cursors carry the room (so a cursor of another room is refused, not
 * misread) and the change's seq.
 */
export const encodeEventCursor = (roomId: string, seq: number): string => encodeCursor(`ev:${roomId}:${seq}`);

/** The seq of `cursor` if it is a cursor of `roomId`, else BAD_USER_INPUT on `field`. */
export function decodeEventCursor(cursor: string, roomId: string, field = 'after'): number {
  const [, room, seq] = decodeCursor(cursor, /^ev:([a-z0-9-]+):(\d{1,15})$/, field, 'roomEvents');
  if (room !== roomId) throw badInput(`Not a cursor of room "${roomId}".`, field);
  return Number(seq);
}
