import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { frameText, textFrame, writeFrames } from '../../server/realtime/frames.js';

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
});
