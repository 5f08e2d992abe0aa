import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { useServer } from '../../server/transport/use-ws.js';

const KEEPALIVE_MS = 150;

/** The transport's own keepalive: one timer for every socket, graphql-ws's semantics. */
describe('graphql-ws on ws, keepalive', () => {
  let wss: WebSocketServer;
  let url: string;
  let server: { dispose(): Promise<void> };

  beforeAll(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await once(wss, 'listening');
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    server = useServer({ schema: buildSchema('type Query { hello: String }') }, wss, { keepAliveMs: KEEPALIVE_MS });
  });
  afterAll(() => server.dispose());

  const open = async (autoPong: boolean) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { autoPong });
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    let pings = 0;
    socket.on('ping', () => pings++);
    socket.on('message', () => {});
    await once(socket, 'open');
    socket.send(JSON.stringify({ type: 'connection_init' }));
    return { socket, closed, pings: () => pings };
  };

  it('pings every socket, keeps those that answer and terminates those that do not', async () => {
    const answers = await open(true);
    const silent = await open(false);
    // Pinged at the first tick, found silent at the second.
    expect(await silent.closed).toBe(1006);
    expect(silent.pings()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, KEEPALIVE_MS * 3));
    expect(answers.socket.readyState).toBe(WebSocket.OPEN);
    expect(answers.pings()).toBeGreaterThanOrEqual(3);
    answers.socket.close();
    await answers.closed;
  });

  it('spreads the pings over the period instead of pinging every socket at once', async () => {
    const opened = await Promise.all(Array.from({ length: 24 }, () => open(true)));
    const firstPing = await Promise.all(opened.map(({ socket }) => once(socket, 'ping').then(() => performance.now())));
    // 24 sockets in 12 slices: pinged at 12 moments across one period, two at each.
    const spread = Math.max(...firstPing) - Math.min(...firstPing);
    expect(spread).toBeGreaterThan(KEEPALIVE_MS / 2);
    expect(spread).toBeLessThan(KEEPALIVE_MS * 1.5);
    for (const { socket } of opened) socket.close();
    await Promise.all(opened.map(({ closed }) => closed));
  });

  it('answers operations as graphql-ws does', async () => {
    const { socket, closed } = await open(true);
    const frames: unknown[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await once(socket, 'message'); // connection_ack
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ __typename }' } }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(frames).toEqual([
      { type: 'connection_ack' },
      { id: '1', type: 'next', payload: { data: { __typename: 'Query' } } },
      { id: '1', type: 'complete' },
    ]);
    socket.close();
    expect(await closed).toBe(1005);
  });
});
