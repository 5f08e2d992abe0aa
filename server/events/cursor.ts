import { badInput } from '../graphql/errors.js';

/**
 * Change-feed cursors are opaque to clients; inside, they carry the room (so a cursor of
 * another room is refused, not misread) and the change's seq.
 */
export const encodeEventCursor = (roomId: string, seq: number): string =>
  Buffer.from(`ev:${roomId}:${seq}`).toString('base64url');

/** The seq of `cursor` if it is a cursor of `roomId`, else BAD_USER_INPUT on `field`. */
export function decodeEventCursor(cursor: string, roomId: string, field = 'after'): number {
  const match = /^ev:([a-z0-9-]+):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badInput('Not a cursor of roomEvents.', field);
  if (match[1] !== roomId) throw badInput(`Not a cursor of room "${roomId}".`, field);
  return Number(match[2]);
}
