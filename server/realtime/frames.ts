import type { WebSocket } from 'ws';

/**
 * Encode once, write everywhere. A server's WebSocket frames are not masked, so one
 * complete frame (header and payload in one Buffer) can be written as-is to every socket
 * that should receive it, sparing `ws` from framing the same bytes per socket.
 */

const FIN_TEXT = 0x81; // FIN bit + opcode 1 (text)

/** The header's size of a server's text frame of `length` bytes. */
const headerSize = (length: number): number => (length < 126 ? 2 : length < 65_536 ? 4 : 10);

/** An unmasked, unfragmented text frame of `length` bytes, its header written, its payload not. */
function emptyTextFrame(length: number): Buffer {
  const frame = Buffer.allocUnsafe(headerSize(length) + length);
  frame[0] = FIN_TEXT;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  return frame;
}

/** One unmasked, unfragmented text frame carrying `text`. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const frame = emptyTextFrame(length);
  frame.write(text, headerSize(length));
  return frame;
}

const CLOSING_BRACE = 0x7d;

/**
 * The frame of a graphql-ws `next`: `prefix` (`{"id":…,"type":"next","payload":`), the
 * payload's UTF-8 bytes, encoded once for everyone who gets it, and the closing brace.
 * Clients number their subscriptions with UUIDs, so each subscriber's frame is its own:
 * this copies the shared bytes rather than encoding the whole text again per subscriber.
 */
export function nextFrame(prefix: string, payload: Buffer): Buffer {
  const prefixLength = Buffer.byteLength(prefix);
  const length = prefixLength + payload.length + 1;
  const frame = emptyTextFrame(length);
  const at = headerSize(length);
  frame.write(prefix, at);
  payload.copy(frame, at + prefixLength);
  frame[at + length - 1] = CLOSING_BRACE;
  return frame;
}

/** The parts of ws's internals the direct write relies on (ws 8). */
interface WsInternals {
  _socket: { write(chunk: Buffer): boolean; cork(): void; uncork(): void };
  _sender: { _state: number; _queue: unknown[] };
}

const SENDER_IDLE = 0; // ws Sender's DEFAULT state: nothing being deflated or read

/**
 * The internals of `socket` if they have the shape the direct write needs, else
 * undefined: a `ws` release that renames them must cost speed, never correctness
 * (engine.io feature-detects `_sender.sendFrame` the same way). Checked per call: a
 * socket whose underlying stream was destroyed has `_socket` null.
 */
export function directInternals(socket: WebSocket): WsInternals | undefined {
  const { _socket: raw, _sender: sender } = socket as unknown as Partial<Record<keyof WsInternals, unknown>>;
  if (!raw || !sender || typeof raw !== 'object' || typeof sender !== 'object') return undefined;
  const { write, cork, uncork } = raw as Partial<WsInternals['_socket']>;
  if (typeof write !== 'function' || typeof cork !== 'function' || typeof uncork !== 'function') return undefined;
  const { _state: state, _queue: queue } = sender as Partial<WsInternals['_sender']>;
  if (typeof state !== 'number' || !Array.isArray(queue)) return undefined;
  return socket as unknown as WsInternals;
}

/** The text a frame made by `textFrame` carries. */
export function frameText(frame: Buffer): string {
  const marker = frame[1]!;
  const header = marker < 126 ? 2 : marker === 126 ? 4 : 10;
  return frame.toString('utf8', header);
}

/**
 * Writes prepared frames straight to the socket, several in one system call (a corked
 * writev), when ws has nothing queued ahead of them (so frames keep their order);
 * otherwise, or when ws's internals are not what `directInternals` expects, lets ws
 * send their text itself. Stops, answering false, before a frame
 * once the socket's unsent bytes pass `maxBuffered`: the caller drops that reader.
 */
export function writeFrames(socket: WebSocket, frames: readonly Buffer[], maxBuffered: number): boolean {
  return writeFramesFrom(socket, frames, 0, maxBuffered) === frames.length;
}

/**
 * `writeFrames` from `frames[start]` on; answers where it stopped (`frames.length` when
 * it wrote them all), for a writer that waits for the reader and goes on from there.
 */
export function writeFramesFrom(
  socket: WebSocket,
  frames: readonly Buffer[],
  start: number,
  maxBuffered: number,
): number {
  const internals = directInternals(socket);
  const raw = internals?._socket;
  const direct = raw && internals._sender._state === SENDER_IDLE && internals._sender._queue.length === 0;
  const corked = direct && frames.length - start > 1;
  if (corked) raw.cork();
  let next = start;
  for (; next < frames.length; next++) {
    // Counts what is corked too: bufferedAmount is the socket's whole unsent output.
    if (socket.bufferedAmount > maxBuffered) break;
    const frame = frames[next]!;
    if (direct) raw.write(frame);
    else socket.send(frameText(frame));
  }
  if (corked) raw.uncork();
  return next;
}
