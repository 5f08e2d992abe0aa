/* global process, console */
/**
 * The floor for Node.js fan-out: a bare `ws` server that builds each chat event,
 * serializes it once and writes the same string to every open socket. No protocol, no
 * authentication, no storage. A client posts `{ "text": …, "author": { id, name } }`.
 *
 *   PORT=4000 node test/bench/events/raw-ws.mjs
 */
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { chatEvent } from './chat-event.mjs';

const port = Number(process.env.PORT);
const server = createServer((_req, res) => res.end('ok'));
const wss = new WebSocketServer({ server, perMessageDeflate: false });
let seq = 0;

wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    const post = JSON.parse(String(data));
    const frame = JSON.stringify(chatEvent(++seq, post.text, post.author));
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(frame);
  });
});

server.listen(port, '127.0.0.1', () => console.log(`raw ws baseline on 127.0.0.1:${port}`));
