import { badInput } from '../graphql/errors.js';

/** History cursors are opaque to clients; inside, they carry a message's seq. */
export const encodeCursor = (seq: number): string => Buffer.from(`seq:${seq}`).toString('base64url');

export function decodeCursor(cursor: string, field = 'before'): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badInput('Not a cursor of this connection.', field);
  return Number(match[1]);
}
