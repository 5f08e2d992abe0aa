import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { directInternals, frameText, textFrame, writeFrames } from '../../server/realtime/frames.js';

/** A frame encoded once must read, in any client, exactly like one ws would have sent. */
describe('pre-encoded frames', () => {
  let server: WebSocketServer;
  let url: string;

  beforeAll(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('round-trips texts across every length encoding, in order, mixed with ordinary sends', async () => {
    const texts = [0, 5, 125, 126, 127, 65_535, 65_536, 70_000].map(
      (n) => 'é'.repeat(Math.floor(n / 2)) + 'x'.repeat(n % 2),
    );
    texts.push('{"id":"s","type":"next","payload":{"data":{"x":"<script>ü</script>"}}}');
    server.once('connection', (socket) => {
      // One at a time, in batches of two and three (one corked writev each), and through ws.
      let i = 0;
      for (const size of [1, 2, 0, 3, 0, 1]) {
        if (size === 0) socket.send(texts[i++]!);
        else expect(writeFrames(socket, texts.slice(i, (i += size)).map(textFrame), 1 << 30)).toBe(true);
      }
      expect(i).toBe(texts.length);
    });
    const client = new WebSocket(url);
    const received: string[] = [];
    client.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      received.push(data.toString());
    });
    await new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      const check = setInterval(() => {
        if (received.length === texts.length) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    expect(received).toEqual(texts);
    client.close();
  });

  it('gives back the text of a frame, for when ws has to send it itself', () => {
    for (const n of [0, 1, 125, 126, 65_535, 65_536, 100_000]) {
      const text = 'ü'.repeat(Math.floor(n / 2)) + 'y'.repeat(n % 2);
      expect(frameText(textFrame(text))).toBe(text);
    }
  });

  it('falls back to ws sending the text itself when its internals are not the expected shape', async () => {
    const texts = ['one', 'two', 'x'.repeat(200)];
    const damages: [string, (socket: Record<string, unknown>) => void][] = [
      ['no _sender', (s) => (s._sender = undefined)],
      ['a _queue that is not an array', (s) => ((s._sender as Record<string, unknown>)._queue = undefined)],
      ['a _socket without cork', (s) => ((s._socket as Record<string, unknown>).cork = undefined)],
      ['_state renamed', (s) => ((s._sender as Record<string, unknown>)._state = undefined)],
    ];
    for (const [what, damage] of damages) {
      const received: string[] = [];
      const client = new WebSocket(url);
      client.on('message', (data) => received.push(data.toString()));
      const [socket] = (await once(server, 'connection')) as [WebSocket];
      await once(client, 'open');
      expect(directInternals(socket), 'intact').toBeDefined();
      // A view of the socket with damaged internals; what it sends goes through the
      // real socket, which must then be the only path the frames take.
      const sender = (socket as unknown as { _sender: object })._sender;
      const raw = (socket as unknown as { _socket: object })._socket;
      const view = Object.create(socket) as Record<string, unknown>;
      view._sender = Object.assign(Object.create(Object.getPrototypeOf(sender) as object), sender);
      view._socket = Object.assign(Object.create(raw), { write: () => expect.fail(`${what}: wrote directly`) });
      view.send = socket.send.bind(socket);
      Object.defineProperty(view, 'bufferedAmount', { get: () => socket.bufferedAmount });
      damage(view);
      expect(directInternals(view as unknown as WebSocket), what).toBeUndefined();
      expect(writeFrames(view as unknown as WebSocket, texts.map(textFrame), 1 << 30), what).toBe(true);
      await new Promise<void>((resolve) => {
        const check = setInterval(() => received.length >= texts.length && (clearInterval(check), resolve()), 5);
      });
      expect(received, what).toEqual(texts);
      client.close();
    }
  });
});
