import { ExpiringMap } from '../bounded-map.js';
import {
  SESSION_CACHE_MAX,
  SESSION_CACHE_MS,
  SESSION_DEVICE_MAX_CHARS,
  SESSION_TOUCH_MS,
  SESSION_TTL_MS,
} from '../limits.js';
import { type PubSub, SESSIONS_TOPIC } from '../pubsub/index.js';
import type { Store, UserRow } from '../store/index.js';
import { hashToken, newToken } from './tokens.js';

export interface Authenticated {
  readonly user: UserRow;
  readonly tokenHash: string;
}

/**
 * Issues, checks and revokes bearer tokens (sign-ins and access tokens). Once the store
 * has confirmed a token, it is believed for SESSION_CACHE_MS without asking again (every
 * request carries one); revoking it forgets it here at once and, through the sessions
 * topic, on every other node, and ends the SSE streams opened with it.
 */
export class Sessions {
  private readonly proven = new ExpiringMap<string, Authenticated>(SESSION_CACHE_MAX, SESSION_CACHE_MS);
  /** What to end when a token is revoked: its SSE streams (its sockets are closed apart). */
  private readonly dependents = new Map<string, Set<() => void>>();
  private stopListening: Promise<() => Promise<void>> | undefined;

  constructor(
    private readonly store: Store,
    private readonly pubsub?: PubSub,
  ) {
    this.stopListening = pubsub?.subscribe(SESSIONS_TOPIC, (event) => {
      if (event.kind === 'revoked') this.forget(event.tokenHash);
    });
  }

  async close(): Promise<void> {
    await (
      await this.stopListening
    )?.();
    this.proven.clear();
  }

  /** A new token for `user`, on `device` (the client's User-Agent). */
  async issue(user: UserRow, device?: string): Promise<string> {
    const token = newToken();
    const shortened = device?.trim().slice(0, SESSION_DEVICE_MAX_CHARS) || undefined;
    await this.store.createSession(hashToken(token), user.id, Date.now() + SESSION_TTL_MS, shortened);
    return token;
  }

  /**
   * A personal access token for `user` named `name`: a bearer token like a sign-in's,
   * that does not expire by itself.
   */
  async issueAccessToken(
    user: UserRow,
    name: string,
  ): Promise<{ token: string; tokenHash: string; createdAt: number }> {
    const token = newToken();
    const tokenHash = hashToken(token);
    const createdAt = Date.now();
    await this.store.createSession(tokenHash, user.id, Number.MAX_SAFE_INTEGER, undefined, name);
    return { token, tokenHash, createdAt };
  }

  /** The user a token proves, or undefined when it is unknown, revoked or expired. */
  async authenticate(token: string): Promise<Authenticated | undefined> {
    const tokenHash = hashToken(token);
    const now = Date.now();
    const cached = this.proven.get(tokenHash, now);
    if (cached) return cached;
    const user = await this.store.sessionUser(tokenHash, now);
    if (!user) {
      this.proven.delete(tokenHash);
      return undefined;
    }
    const auth = { user, tokenHash };
    this.proven.set(tokenHash, auth, now);
    // "Last used", for the person's list of sessions: not worth failing a request over.
    this.store.touchSession(tokenHash, now, SESSION_TOUCH_MS).catch(() => {});
    return auth;
  }

  /**
   * Signs out `userId`'s sessions but `keep` (every one with null), here and, through the
   * sessions topic, on every node (their sockets close); how many there were.
   */
  async revokeAllOf(userId: string, keep: string | null): Promise<number> {
    const hashes = await this.store.deleteSessionsOf(userId, keep);
    for (const tokenHash of hashes) this.forget(tokenHash);
    await Promise.all(hashes.map((tokenHash) => this.pubsub?.publish(SESSIONS_TOPIC, { kind: 'revoked', tokenHash })));
    return hashes.length;
  }

  /**
   * Calls `end` once if the token is revoked (here or on any node) before the function
   * returned is called.
   */
  whileValid(tokenHash: string, end: () => void): () => void {
    let ends = this.dependents.get(tokenHash);
    if (!ends) this.dependents.set(tokenHash, (ends = new Set()));
    const entry = () => end();
    ends.add(entry);
    return () => {
      ends.delete(entry);
      if (ends.size === 0 && this.dependents.get(tokenHash) === ends) this.dependents.delete(tokenHash);
    };
  }

  private forget(tokenHash: string): void {
    this.proven.delete(tokenHash);
    const ends = this.dependents.get(tokenHash);
    this.dependents.delete(tokenHash);
    for (const end of ends ?? []) end();
  }

  async revoke(tokenHash: string): Promise<boolean> {
    this.forget(tokenHash);
    const revoked = await this.store.deleteSession(tokenHash);
    // A request that read the session just before the delete may have cached it again.
    this.proven.delete(tokenHash);
    return revoked;
  }
}
