import { WebSocket, type WebSocketServer } from 'ws';

/** The WebSocket close code for a server going away: clients reconnect, elsewhere. */
export const GOING_AWAY = 1001;
/** How often a shutdown looks whether every socket has closed. */
const DRAIN_POLL_MS = 20; // 20 ms

/**
 * Graceful shutdown of the sockets: once draining, nothing new runs, and each socket is
 * closed with 1001 as soon as the queries and mutations it is running have answered.
 */
export class SocketDrain {
  /** Queries and mutations running, per socket (subscriptions do not hold a shutdown). */
  private readonly running = new Map<WebSocket, Set<string>>();
  draining = false;

  started(socket: WebSocket, id: string): void {
    let ids = this.running.get(socket);
    if (!ids) this.running.set(socket, (ids = new Set()));
    ids.add(id);
  }

  /** Operation `id` answered; while draining, its socket closes once it is idle. */
  finished(socket: WebSocket, id: string): void {
    const ids = this.running.get(socket);
    if (!ids?.delete(id)) return;
    if (ids.size === 0) this.running.delete(socket);
    // graphql-ws sends the operation's `complete` right after this returns.
    if (this.draining) setImmediate(() => this.closeIfIdle(socket));
  }

  closed(socket: WebSocket): void {
    this.running.delete(socket);
  }

  private closeIfIdle(socket: WebSocket): void {
    if ((this.running.get(socket)?.size ?? 0) > 0) return;
    if (socket.readyState === WebSocket.OPEN) socket.close(GOING_AWAY, 'Server shutting down');
  }

  /**
   * Closes every socket with 1001 (clients reconnect, to another node behind a
   * balancer) as soon as it is idle, and at the latest after `graceMs`. Resolves when
   * all are closed.
   */
  async drain(wss: WebSocketServer, graceMs: number): Promise<void> {
    this.draining = true;
    for (const socket of wss.clients) this.closeIfIdle(socket);
    const deadline = Date.now() + graceMs;
    // `ws` drops a socket from `clients` once its closing handshake is done.
    while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    for (const socket of wss.clients) {
      if (socket.readyState === WebSocket.OPEN) socket.close(GOING_AWAY, 'Server shutting down');
    }
  }
}
