import type { WebSocket } from 'ws';

/**
 * Cleanups to run when a socket closes, with one 'close' listener per socket however many
 * subscriptions it carries. graphql-ws does not call `return()` on an iterator whose async
 * setup finished after the socket closed (graphql-ws #532); this is the backstop.
 */
const cleanups = new WeakMap<WebSocket, Set<() => void>>();

export function onSocketClose(socket: WebSocket, cleanup: () => void): () => void {
  let set = cleanups.get(socket);
  if (!set) {
    const fresh = new Set<() => void>();
    cleanups.set(socket, fresh);
    socket.once('close', () => {
      cleanups.delete(socket);
      for (const run of fresh) run();
    });
    set = fresh;
  }
  if (socket.readyState >= 2) {
    // CLOSING or CLOSED: the listener may have fired already.
    queueMicrotask(cleanup);
    return () => {};
  }
  set.add(cleanup);
  const registered = set;
  return () => registered.delete(cleanup);
}
