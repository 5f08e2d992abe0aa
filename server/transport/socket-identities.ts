import { CloseCode } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { Authenticated } from '../auth/sessions.js';
import { WS_MAX_SOCKETS_PER_USER } from '../limits.js';
import type { Metrics } from '../metrics.js';

/** A Map of Sets that forgets a key once its set is empty. */
class SocketIndex {
  private readonly sets = new Map<string, Set<WebSocket>>();

  add(key: string, socket: WebSocket): void {
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = new Set()));
    set.add(socket);
  }

  remove(key: string, socket: WebSocket): void {
    const set = this.sets.get(key);
    set?.delete(socket);
    if (set?.size === 0) this.sets.delete(key);
  }

  get(key: string): ReadonlySet<WebSocket> {
    return this.sets.get(key) ?? EMPTY;
  }
}
const EMPTY: ReadonlySet<WebSocket> = new Set();

/**
 * Who opened each socket (the proof of `connection_init` or the upgrade's cookie), and
 * the sockets of each token and user: signing out closes a token's sockets on every
 * node, and one user holds at most WS_MAX_SOCKETS_PER_USER per node.
 */
export class SocketIdentities {
  private readonly identities = new WeakMap<WebSocket, Authenticated | null>();
  /** Sockets whose identity is the upgrade's session cookie (trusted documents only). */
  private readonly byCookie = new WeakSet<WebSocket>();
  private readonly byToken = new SocketIndex();
  private readonly byUser = new SocketIndex();

  constructor(
    private readonly metrics: Metrics,
    /** False with RATE_LIMITS=off: the benchmark opens thousands of sockets as one user. */
    private readonly capPerUser: boolean,
  ) {}

  /**
   * Records who opened `socket`, and whether by the upgrade's cookie; false (and the
   * socket closed) when that user has too many.
   */
  remember(socket: WebSocket, auth: Authenticated | null, cookie = false): boolean {
    // Closed while its credentials were being checked: its 'close' (and `forget`) has run.
    if (socket.readyState === WebSocket.CLOSED) return false;
    if (auth && this.capPerUser && this.byUser.get(auth.user.id).size >= WS_MAX_SOCKETS_PER_USER) {
      this.metrics.rejected.inc({ reason: 'sockets_per_user' });
      socket.close(CloseCode.Forbidden, `Too many sockets for this user (at most ${WS_MAX_SOCKETS_PER_USER})`);
      return false;
    }
    this.identities.set(socket, auth);
    if (!auth) return true;
    if (cookie) this.byCookie.add(socket);
    this.byToken.add(auth.tokenHash, socket);
    this.byUser.add(auth.user.id, socket);
    return true;
  }

  /** Who opened `socket` (null: nobody signed in; the operations may bring credentials). */
  of(socket: WebSocket): Authenticated | null {
    return this.identities.get(socket) ?? null;
  }

  /** Whether `socket`'s identity came from the upgrade's session cookie. */
  isCookie(socket: WebSocket): boolean {
    return this.byCookie.has(socket);
  }

  forget(socket: WebSocket): void {
    const auth = this.identities.get(socket);
    if (!auth) return;
    this.identities.delete(socket);
    this.byToken.remove(auth.tokenHash, socket);
    this.byUser.remove(auth.user.id, socket);
  }

  /** A token was signed out (on any node): its sockets close with 4403. */
  revoked(tokenHash: string): void {
    for (const socket of [...this.byToken.get(tokenHash)]) socket.close(CloseCode.Forbidden, 'Session revoked');
  }
}
