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

/**
 * Cases graphql-ws's own adapter suite (tests/use.test.ts) runs against every adapter,
 * held against our fork: the protocol, the context's `extra`, errors in hooks, init
 * timeouts and disposal behave as graphql-ws's `useServer` does, except where the fork
 * documents otherwise (an internal error closes with 4500 and a generic reason).
 */
describe('graphql-ws on ws, adapter conformance', () => {
  const schema = buildSchema('type Query { hello: String }');

  async function serve(options: Parameters<typeof useServer>[0], hooks?: { onInternalError?: (e: unknown) => void }) {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await once(wss, 'listening');
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const server = useServer(options, wss, { keepAliveMs: 0, ...hooks });
    return { wss, url, server };
  }

  function client(url: string, protocol: string | string[] = 'graphql-transport-ws') {
    const socket = new WebSocket(url, protocol);
    const frames: { type: string; [key: string]: unknown }[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as { type: string }));
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
    return { socket, frames, closed, opened: once(socket, 'open') };
  }

  it('speaks graphql-transport-ws only, closing others with 4406', async () => {
    const { url, server } = await serve({ schema });
    try {
      // No subprotocol at all (asking for another one, `ws` itself refuses the answer).
      const wrong = client(url, []);
      await wrong.opened;
      expect((await wrong.closed).code).toBe(4406);
      const right = client(url);
      await right.opened;
      expect(right.socket.protocol).toBe('graphql-transport-ws');
      right.socket.close();
      await right.closed;
    } finally {
      await server.dispose();
    }
  });

  it("puts the socket and what the context needs of the upgrade request in the context's extra", async () => {
    let extra: { socket: unknown; request: { headers: Record<string, unknown>; socket: unknown } } | undefined;
    const { url, server } = await serve({
      schema,
      onConnect: (ctx) => {
        extra = ctx.extra as typeof extra;
        return true;
      },
    });
    try {
      const { socket, opened, frames } = client(url);
      await opened;
      socket.send(JSON.stringify({ type: 'connection_init' }));
      await once(socket, 'message');
      expect(frames[0]?.type).toBe('connection_ack');
      expect(extra?.socket).toBeInstanceOf(WebSocket);
      expect(Object.keys(extra!.request.headers).sort()).toEqual(['cookie', 'x-forwarded-for']);
      expect(extra!.request.socket).toEqual({ remoteAddress: '127.0.0.1' });
      socket.close();
    } finally {
      await server.dispose();
    }
  });

  it('closes with 4500 and a generic reason when a hook throws, and reports the error', async () => {
    const reported: unknown[] = [];
    const { url, server } = await serve(
      {
        schema,
        onConnect: () => {
          throw new Error('secret detail');
        },
      },
      { onInternalError: (error) => reported.push(error) },
    );
    try {
      const { socket, opened, closed } = client(url);
      await opened;
      socket.send(JSON.stringify({ type: 'connection_init' }));
      const { code, reason } = await closed;
      expect(code).toBe(4500);
      expect(reason).not.toContain('secret');
      expect(reported).toHaveLength(1);
      expect((reported[0] as Error).message).toBe('secret detail');
    } finally {
      await server.dispose();
    }
  });

  it('closes a socket that never sends connection_init with 4408, and lets go of the timer once it does', async () => {
    const { url, server } = await serve({ schema, connectionInitWaitTimeout: 100 });
    try {
      const silent = client(url);
      const prompt = client(url);
      await Promise.all([silent.opened, prompt.opened]);
      prompt.socket.send(JSON.stringify({ type: 'connection_init' }));
      expect((await silent.closed).code).toBe(4408);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(prompt.socket.readyState).toBe(WebSocket.OPEN);
      prompt.socket.close();
    } finally {
      await server.dispose();
    }
  });

  it('keeps a socket whose connection_init came in time but was read after its timer was due (a busy node)', async () => {
    const { url, server } = await serve({
      schema,
      connectionInitWaitTimeout: 50,
      // A slow sign-in: the ack comes well after the timeout.
      onConnect: () => new Promise((resolve) => setTimeout(() => resolve(true), 150)),
    });
    try {
      const late = client(url);
      await late.opened;
      late.socket.send(JSON.stringify({ type: 'connection_init' }));
      // The node is busy past the timeout: the message is in its socket, unread, when the
      // timer is due (server and client share this process's event loop).
      const until = performance.now() + 120;
      while (performance.now() < until);
      const first = await new Promise<string>((resolve) => {
        late.socket.once('message', (data) => resolve(String(data)));
        late.socket.once('close', (code) => resolve(`closed with ${code}`));
      });
      expect(first).toBe(JSON.stringify({ type: 'connection_ack' }));
      expect(late.socket.readyState).toBe(WebSocket.OPEN);
      late.socket.close();
    } finally {
      await server.dispose();
    }
  });

  it('closes every socket with 1001 when disposed', async () => {
    const { url, server } = await serve({ schema });
    const { opened, closed } = client(url);
    await opened;
    await server.dispose();
    expect((await closed).code).toBe(1001);
  });

  it("tells the owner of each socket's opening, refused frames and closing", async () => {
    const seen: string[] = [];
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, maxPayload: 1024 });
    await once(wss, 'listening');
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const server = useServer({ schema }, wss, {
      keepAliveMs: 0,
      hooks: {
        opened: () => seen.push('opened'),
        error: () => seen.push('error'),
        closed: (code) => seen.push(`closed ${code}`),
      },
    });
    try {
      const { socket, opened, closed } = client(url);
      await opened;
      socket.send('x'.repeat(2048)); // past maxPayload: ws refuses it and closes with 1009
      expect((await closed).code).toBe(1009);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // The server's side of a socket ws closed for a refused frame ends abnormally.
      expect(seen).toEqual(['opened', 'error', 'closed 1006']);
    } finally {
      await server.dispose();
    }
  });
});
