import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';

/** An `X-Request-Id` a proxy may set, kept when it looks like an id and not like a payload. */
const FORWARDED_ID = /^[A-Za-z0-9._:-]{1,64}$/;

const requestIds = new WeakMap<IncomingMessage, string>();
const connectionIds = new WeakMap<WebSocket, string>();

/**
 * The id of an HTTP request (or of the upgrade that opened a WebSocket), in every log
 * line about it and in the `X-Request-Id` response header: the proxy's own, when it set
 * one, so one id follows the request through both logs.
 */
export function requestId(req: IncomingMessage): string {
  let id = requestIds.get(req);
  if (!id) {
    const forwarded = req.headers['x-request-id'];
    id = typeof forwarded === 'string' && FORWARDED_ID.test(forwarded) ? forwarded : randomUUID();
    requestIds.set(req, id);
  }
  return id;
}

/** The id of a WebSocket connection, in every log line about it and its operations. */
export function connectionId(socket: WebSocket): string {
  let id = connectionIds.get(socket);
  if (!id) {
    id = randomUUID();
    connectionIds.set(socket, id);
  }
  return id;
}
