/* global process, console */
/**
 * The classic Socket.IO chat server (socket.io's "Get started" tutorial): whatever a
 * client emits as 'chat message' goes to everyone with `io.emit`. The one addition is
 * that the server numbers the message and sends the same event object as the other
 * servers of the benchmark (./chat-event.mjs), so the payloads are comparable.
 *
 *   PORT=4000 node test/bench/events/socketio.mjs
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { chatEvent } from './chat-event.mjs';

const port = Number(process.env.PORT);
const server = createServer((_req, res) => res.end('ok'));
const io = new Server(server);
let seq = 0;

io.on('connection', (socket) => {
  socket.on('chat message', (post) => io.emit('chat message', chatEvent(++seq, post.text, post.author)));
});

server.listen(port, '127.0.0.1', () => console.log(`socket.io baseline on 127.0.0.1:${port}`));
