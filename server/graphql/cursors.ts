import { badInput } from './errors.js';

/**
 * Cursors are opaque to clients: base64url of `<kind>:<what it points at>`. Each
 * connection says what its cursors hold; anything else is BAD_USER_INPUT on `field`.
 */
export const encodeCursor = (text: string): string => Buffer.from(text).toString('base64url');

/** The parts `pattern` finds in `cursor`, or BAD_USER_INPUT naming `field`. */
export function decodeCursor(cursor: string, pattern: RegExp, field: string, what: string): RegExpExecArray {
  const match = pattern.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badInput(`Not a cursor of ${what}.`, field);
  return match;
}
