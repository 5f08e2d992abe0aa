import type { WebSocket } from 'ws';

/**
 * Who to tell when a socket closes, with one 'close' listener per socket however many
 * subscriptions it carries. graphql-ws does not call `return()` on an iterator whose async
 * setup finished after the socket closed (graphql-ws #532); this is the backstop.
 *
 * Kept small, since every idle subscriber has an entry: the listener is one function for
 * all sockets, a socket with one watcher stores it as is (a Set only from the second),
 * and a watcher is an object with a method rather than a closure.
 */
export interface SocketCloseWatcher {
  socketClosed(): void;
}

/** Present (null once emptied) from the first registration: the listener is attached. */
const watchers = new WeakMap<WebSocket, SocketCloseWatcher | Set<SocketCloseWatcher> | null>();

function closed(this: WebSocket): void {
  const entry = watchers.get(this);
  watchers.delete(this);
  if (entry instanceof Set) for (const watcher of entry) watcher.socketClosed();
  else entry?.socketClosed();
}

/** Calls `watcher.socketClosed()` once `socket` closes (soon, if it is closing already). */
export function onSocketClose(socket: WebSocket, watcher: SocketCloseWatcher): void {
  if (socket.readyState >= 2) {
    // CLOSING or CLOSED: the listener may have fired already.
    queueMicrotask(() => watcher.socketClosed());
    return;
  }
  if (!watchers.has(socket)) {
    socket.on('close', closed); // emitted once: `on` spares once's wrapper
    watchers.set(socket, watcher);
    return;
  }
  const entry = watchers.get(socket);
  if (!entry) watchers.set(socket, watcher);
  else if (entry instanceof Set) entry.add(watcher);
  else watchers.set(socket, new Set([entry, watcher]));
}

/** Forgets `watcher` for `socket`. */
export function offSocketClose(socket: WebSocket, watcher: SocketCloseWatcher): void {
  const entry = watchers.get(socket);
  if (entry === watcher) watchers.set(socket, null);
  else if (entry instanceof Set) entry.delete(watcher);
}
