import { SESSION_TTL_MS } from '../limits.js';
import type { Store, UserRow } from '../store/index.js';
import { hashToken, newToken } from './tokens.js';

export interface Authenticated {
  readonly user: UserRow;
  readonly tokenHash: string;
}

/** Issues, checks and revokes bearer tokens. */
export class Sessions {
  constructor(private readonly store: Store) {}

  async issue(user: UserRow): Promise<string> {
    const token = newToken();
    await this.store.createSession(hashToken(token), user.id, Date.now() + SESSION_TTL_MS);
    return token;
  }

  /** The user a token proves, or undefined when it is unknown, revoked or expired. */
  async authenticate(token: string): Promise<Authenticated | undefined> {
    const tokenHash = hashToken(token);
    const user = await this.store.sessionUser(tokenHash, Date.now());
    return user && { user, tokenHash };
  }

  async revoke(tokenHash: string): Promise<boolean> {
    return this.store.deleteSession(tokenHash);
  }
}
