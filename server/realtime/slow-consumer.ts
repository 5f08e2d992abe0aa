import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { connectionId } from '../http/request-id.js';
import { WS_MAX_BUFFERED_BYTES } from '../limits.js';
import type { Metrics } from '../metrics.js';

/** Whether `socket` holds more unsent output than a reader that keeps up ever would. */
export const fallenBehind = (socket: WebSocket): boolean => socket.bufferedAmount > WS_MAX_BUFFERED_BYTES;

/**
 * Drops a socket whose client does not read (its unsent bytes, or its queued events,
 * passed their bound), so the server never holds its output forever. Counted and logged
 * once per socket, however many of its subscriptions notice together.
 */
export function dropSlowConsumer(
  socket: WebSocket,
  { metrics, log }: { readonly metrics: Metrics; readonly log: Logger },
  detail: Record<string, unknown> = {},
): void {
  if (socket.readyState !== socket.OPEN) return;
  metrics.rejected.inc({ reason: 'slow_consumer' });
  log.warn(
    { connId: connectionId(socket), buffered: socket.bufferedAmount, ...detail },
    'closing a socket that does not read',
  );
  socket.terminate();
}
