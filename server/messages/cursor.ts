import { decodeCursor, encodeCursor } from '../graphql/cursors.js';

/** History cursors carry a message's seq. */
export const encodeSeqCursor = (seq: number): string => encodeCursor(`seq:${seq}`);

export const decodeSeqCursor = (cursor: string, field = 'before'): number =>
  Number(decodeCursor(cursor, /^seq:(\d{1,15})$/, field, 'this connection')[1]);
