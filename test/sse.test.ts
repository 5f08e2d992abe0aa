import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MESSAGE_FIELDS,
  type Message,
  type Session,
  createRoom,
  onlineNames,
  sendMessage,
  signUp,
} from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { sseSubscribe } from './helpers/sse.js';
import { waitOnline } from './helpers/wait.js';
import { errorsOf } from './helpers/ws.js';

let server: TestServer;
let reader: Session;
let writer: Session;
beforeAll(async () => {
  server = await startServer();
  [reader, writer] = await Promise.all([signUp(server.url), signUp(server.url)]);
});
afterAll(() => server?.stop());

type Added = { messageAdded: Message };
const ON_MESSAGE = `subscription($roomId: ID!, $after: ID) {
  messageAdded(roomId: $roomId, after: $after) { ${MESSAGE_FIELDS} }
}`;

describe('GraphQL over SSE', () => {
  it('delivers messageAdded over SSE to a subscriber with a Bearer header', async () => {
    const roomId = await createRoom(server.url, writer.token);
    const sub = sseSubscribe<Added>(server.url, ON_MESSAGE, { roomId }, { authorization: `Bearer ${reader.token}` });
    try {
      expect(await sub.response).toMatchObject({
        status: 200,
        contentType: expect.stringMatching(/^text\/event-stream/),
      });
      await waitOnline(server.url, writer.token, roomId, reader.user.name);
      const first = await sendMessage(server.url, writer.token, roomId, 'over SSE');
      const second = await sendMessage(server.url, writer.token, roomId, 'and again');
      const items = await sub.waitFor(2);
      expect(items.map((i) => i.messageAdded)).toEqual([first, second]);
    } finally {
      sub.close();
    }
    // Closing the stream ends the subscription: the reader goes offline.
    await expect.poll(() => onlineNames(server.url, writer.token, roomId)).not.toContain(reader.user.name);
  });

  it('replays over SSE with after', async () => {
    const roomId = await createRoom(server.url, writer.token);
    const from = await sendMessage(server.url, writer.token, roomId, 'seen');
    const missed = await sendMessage(server.url, writer.token, roomId, 'missed');
    const sub = sseSubscribe<Added>(
      server.url,
      ON_MESSAGE,
      { roomId, after: from.id },
      { authorization: `Bearer ${reader.token}` },
    );
    try {
      const [replayed] = await sub.waitFor(1);
      expect(replayed!.messageAdded).toEqual(missed);
      const live = await sendMessage(server.url, writer.token, roomId, 'live');
      await sub.waitFor(2);
      expect(sub.items.map((i) => i.messageAdded.id)).toEqual([missed.id, live.id]);
    } finally {
      sub.close();
    }
  });

  it('answers an SSE subscription without credentials with UNAUTHENTICATED', async () => {
    const sub = sseSubscribe<Added>(server.url, ON_MESSAGE, { roomId: 'general' });
    try {
      const failure = await sub.waitForError();
      expect(errorsOf(failure).map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(sub.items).toEqual([]);
    } finally {
      sub.close();
    }
  });
});
