import { randomBytes } from 'node:crypto';
import { hashToken } from '../../server/auth/tokens.js';
import type { Store } from '../../server/store/index.js';
import { type Session, uniqueName } from './http.js';

/**
 * `n` signed-in users made straight in the store of an in-process server: a crowd for a
 * test costs inserts, not `n` password hashes.
 */
export async function crowd(store: Store, n: number, prefix = 'c'): Promise<Session[]> {
  const users: Session[] = [];
  for (let k = 0; k < n; k += 1) {
    const user = await store.createUser(uniqueName(prefix), 'not a password hash');
    const token = randomBytes(24).toString('base64url');
    await store.createSession(hashToken(token), user.id, Date.now() + 60 * 60 * 1000);
    users.push({ token, user: { id: user.id, name: user.name } });
  }
  return users;
}

/**
 * Frames a subscriber may get over `elapsedMs` from something that publishes at most once
 * per `windowMs` per node: the windows that fit, one cut at each end, per node. A bound
 * for counting frames, not a timing: a slower run only allows more.
 */
export const windowsIn = (elapsedMs: number, windowMs: number, nodes = 1): number =>
  nodes * (Math.ceil(elapsedMs / windowMs) + 1);
