import type { WebSocket } from 'ws';

/**
 * Encode once, write everywhere. A server's WebSocket frames are not masked, so one
 * complete frame (header and payload in one Buffer) can be written as-is to every socket
 * that should receive it, sparing `ws` from framing the same bytes per socket.
 */

const FIN_TEXT = 0x81; // FIN bit + opcode 1 (text)

/** One unmasked, unfragmented text frame carrying `text`. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
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
  frame.write(text, header);
  return frame;
}

/** The parts of ws's internals the direct write relies on (ws 8). */
interface WsInternals {
  _socket?: { write(chunk: Buffer): boolean } | null;
  _sender?: { _state: number; _queue: unknown[] };
}

const SENDER_IDLE = 0; // ws Sender's DEFAULT state: nothing being deflated or read

/**
 * Writes a prepared frame straight to the socket when ws has nothing queued ahead of it
 * (so frames keep their order); otherwise lets ws send the text itself.
 */
export function writeFrame(socket: WebSocket, frame: Buffer, text: () => string): void {
  const internals = socket as unknown as WsInternals;
  const sender = internals._sender;
  if (internals._socket && sender && sender._state === SENDER_IDLE && sender._queue.length === 0) {
    internals._socket.write(frame);
  } else {
    socket.send(text());
  }
}
