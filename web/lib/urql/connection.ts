/**
 * The live connection's state as the user should see it, fed by the graphql-ws client's
 * events and the browser's online/offline events. A tiny external store for
 * `useSyncExternalStore`; it lives only in the browser.
 */
export type ConnectionStatus =
  { kind: 'connecting' } | { kind: 'live' } | { kind: 'reconnecting'; attempt: number } | { kind: 'offline' };

type Socket = { kind: 'idle' } | { kind: 'connecting' } | { kind: 'live' } | { kind: 'reconnecting'; attempt: number };

let socket: Socket = { kind: 'idle' };
let online = true;
let status: ConnectionStatus = { kind: 'connecting' };
const listeners = new Set<() => void>();

function publish(): void {
  const next: ConnectionStatus = !online
    ? { kind: 'offline' }
    : socket.kind === 'idle'
      ? { kind: 'connecting' }
      : socket;
  if (JSON.stringify(next) === JSON.stringify(status)) return;
  status = next;
  for (const listener of listeners) listener();
}

export function setSocketState(next: Socket): void {
  socket = next;
  publish();
}

export function socketState(): Socket {
  return socket;
}

export function setBrowserOnline(value: boolean): void {
  online = value;
  publish();
}

export function subscribeConnection(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const connectionStatus = (): ConnectionStatus => status;

/** What the server rendered: the socket opens only after hydration. */
const SERVER_STATUS: ConnectionStatus = { kind: 'connecting' };
export const serverConnectionStatus = (): ConnectionStatus => SERVER_STATUS;
