import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MESSAGE_FIELDS,
  type Session,
  codes,
  createRoom,
  gql,
  gqlOk,
  history,
  sendMessage,
  signUp,
  uniqueName,
} from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { waitOnline } from './helpers/wait.js';
import { type TestSocket, errorsOf, openSocket } from './helpers/ws.js';

interface Room {
  id: string;
  name: string;
  isPrivate: boolean;
  isMember: boolean;
}
const ROOM_FIELDS = 'id name isPrivate isMember';

let server: TestServer;
let owner: Session;
let outsider: Session;
let outsiderSocket: TestSocket;
beforeAll(async () => {
  server = await startServer();
  [owner, outsider] = await Promise.all([signUp(server.url), signUp(server.url)]);
  outsiderSocket = openSocket(server.wsUrl, { token: outsider.token });
  await outsiderSocket.connected;
});
afterAll(async () => {
  await outsiderSocket?.close();
  await server?.stop();
});

const rooms = async (token: string) =>
  (await gqlOk<{ rooms: Room[] }>(server.url, `{ rooms { ${ROOM_FIELDS} } }`, {}, { token })).rooms;

const room = async (token: string, id: string) =>
  (
    await gqlOk<{ room: Room | null }>(
      server.url,
      `query($id: ID!) { room(id: $id) { ${ROOM_FIELDS} } }`,
      { id },
      { token },
    )
  ).room;

async function createNamed(token: string, name: string, isPrivate = false) {
  return gql<{ createRoom: Room }>(
    server.url,
    `mutation($name: String!, $isPrivate: Boolean) { createRoom(name: $name, isPrivate: $isPrivate) { ${ROOM_FIELDS} } }`,
    { name, isPrivate },
    { token },
  );
}

describe('rooms', () => {
  it('has the public room "general" on a fresh install', async () => {
    const general = (await rooms(owner.token)).find((r) => r.id === 'general');
    expect(general).toMatchObject({ id: 'general', name: 'General', isPrivate: false });
    expect(await room(owner.token, 'general')).toMatchObject({ id: 'general', isPrivate: false });
  });

  it('creates a room whose id is the slug of its name, with its creator as a member', async () => {
    const tag = uniqueName('x').replace(/[^a-z0-9]/g, '');
    const result = await createNamed(owner.token, `Café  Talk! ${tag}`);
    expect(result.errors).toBeUndefined();
    expect(result.data?.createRoom).toEqual({
      id: `cafe-talk-${tag}`,
      name: `Café  Talk! ${tag}`,
      isPrivate: false,
      isMember: true,
    });
    expect((await rooms(outsider.token)).map((r) => r.id)).toContain(`cafe-talk-${tag}`);
  });

  it('answers CONFLICT when the slug of a new room’s name is taken', async () => {
    const tag = uniqueName('y').replace(/[^a-z0-9]/g, '');
    expect((await createNamed(owner.token, `Book Club ${tag}`)).errors).toBeUndefined();
    for (const name of [`Book Club ${tag}`, `book-club-${tag}`, `BOOK CLUB ${tag}!`]) {
      const result = await createNamed(outsider.token, name, true);
      expect(codes(result), name).toEqual(['CONFLICT']);
    }
    expect(codes(await createNamed(owner.token, 'General'))).toEqual(['CONFLICT']);
  });

  it('refuses a room name without a letter or digit as BAD_USER_INPUT', async () => {
    for (const name of ['', '   ', '!!!', 'x'.repeat(65)]) {
      expect(codes(await createNamed(owner.token, name)), JSON.stringify(name)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('lists the public rooms and the viewer’s own private rooms, not others’ private rooms', async () => {
    const privateId = await createRoom(server.url, owner.token, true, 'secret');
    const publicId = await createRoom(server.url, owner.token, false, 'open');
    const mine = await rooms(owner.token);
    expect(mine.find((r) => r.id === privateId)).toMatchObject({ isPrivate: true, isMember: true });
    expect(mine.find((r) => r.id === publicId)).toMatchObject({ isPrivate: false, isMember: true });
    const theirs = await rooms(outsider.token);
    expect(theirs.map((r) => r.id)).toContain(publicId);
    expect(theirs.map((r) => r.id)).not.toContain(privateId);
    expect(theirs.find((r) => r.id === publicId)?.isMember).toBe(false);
  });

  it('lets anyone join a public room', async () => {
    const publicId = await createRoom(server.url, owner.token);
    const joined = await gqlOk<{ joinRoom: Room }>(
      server.url,
      `mutation($id: ID!) { joinRoom(id: $id) { ${ROOM_FIELDS} } }`,
      { id: publicId },
      { token: outsider.token },
    );
    expect(joined.joinRoom).toMatchObject({ id: publicId, isMember: true });
    expect((await rooms(outsider.token)).find((r) => r.id === publicId)?.isMember).toBe(true);
  });
});

describe('a private room', () => {
  let privateId: string;
  const missingId = 'no-such-room-anywhere';
  beforeAll(async () => {
    privateId = await createRoom(server.url, owner.token, true, 'hidden');
    await sendMessage(server.url, owner.token, privateId, 'for members only');
  });

  /** The error of an operation by the outsider, for the private room and for a missing one. */
  async function bothErrors(query: string) {
    return Promise.all([
      gql(server.url, query, { id: privateId }, { token: outsider.token }),
      gql(server.url, query, { id: missingId }, { token: outsider.token }),
    ]);
  }

  it('reads as missing to a non-member: room(id) is null', async () => {
    expect(await room(outsider.token, privateId)).toBeNull();
    expect(await room(outsider.token, missingId)).toBeNull();
    expect(await room(owner.token, privateId)).toMatchObject({ id: privateId, isPrivate: true });
  });

  it.each([
    ['sendMessage', `mutation($id: ID!) { sendMessage(roomId: $id, text: "let me in") { id } }`],
    ['setTyping', `mutation($id: ID!) { setTyping(roomId: $id, isTyping: true) }`],
    ['joinRoom', `mutation($id: ID!) { joinRoom(id: $id) { id } }`],
    ['invite', `mutation($id: ID!) { invite(roomId: $id, userName: "anybody") { id } }`],
  ])('answers %s from a non-member with NOT_FOUND, exactly like a missing room', async (_name, query) => {
    const [hidden, missing] = await bothErrors(query);
    expect(codes(hidden)).toEqual(['NOT_FOUND']);
    expect(codes(missing)).toEqual(['NOT_FOUND']);
    expect(hidden.errors![0]!.message.replace(privateId, 'ID')).toBe(
      missing.errors![0]!.message.replace(missingId, 'ID'),
    );
    expect(hidden.data ?? null).toBeNull();
  });

  it('does not let a non-member send into it or join it', async () => {
    await gql(
      server.url,
      `mutation($id: ID!) { joinRoom(id: $id) { id } }`,
      { id: privateId },
      { token: outsider.token },
    );
    await gql(
      server.url,
      `mutation($id: ID!) { sendMessage(roomId: $id, text: "sneaky") { id } }`,
      { id: privateId },
      {
        token: outsider.token,
      },
    );
    const texts = (await history(server.url, owner.token, privateId)).map((m) => m.text);
    expect(texts).toEqual(['for members only']);
    expect(await room(outsider.token, privateId)).toBeNull();
  });

  it.each([
    ['messageAdded', `subscription($id: ID!) { messageAdded(roomId: $id) { id text } }`],
    ['userTyping', `subscription($id: ID!) { userTyping(roomId: $id) { isTyping } }`],
    ['presenceChanged', `subscription($id: ID!) { presenceChanged(roomId: $id) { online } }`],
  ])('answers a %s subscription from a non-member with NOT_FOUND, like a missing room', async (_name, query) => {
    for (const id of [privateId, missingId]) {
      const sub = outsiderSocket.subscribe(query, { id });
      const failure = await sub.waitForError();
      expect(
        errorsOf(failure).map((e) => e.extensions?.code),
        id,
      ).toEqual(['NOT_FOUND']);
      expect(sub.items).toEqual([]);
    }
  });

  it('becomes visible, with its history, to a user a member invites', async () => {
    const guest = await signUp(server.url);
    const invited = await gqlOk<{ invite: Room }>(
      server.url,
      `mutation($id: ID!, $name: String!) { invite(roomId: $id, userName: $name) { id isPrivate } }`,
      { id: privateId, name: guest.user.name.toUpperCase() },
      { token: owner.token },
    );
    expect(invited.invite).toEqual({ id: privateId, isPrivate: true });

    expect((await rooms(guest.token)).find((r) => r.id === privateId)).toMatchObject({ isMember: true });
    expect(await room(guest.token, privateId)).toMatchObject({ id: privateId, isMember: true });
    expect((await history(server.url, guest.token, privateId)).map((m) => m.text)).toContain('for members only');

    // The guest can now subscribe, be seen online, and talk.
    const socket = openSocket(server.wsUrl, { token: guest.token });
    const sub = socket.subscribe<{ messageAdded: { text: string } }>(
      `subscription($id: ID!) { messageAdded(roomId: $id) { ${MESSAGE_FIELDS} } }`,
      { id: privateId },
    );
    await waitOnline(server.url, owner.token, privateId, guest.user.name);
    await sendMessage(server.url, guest.token, privateId, 'thanks for the invite');
    const [received] = await sub.waitFor(1);
    expect(received!.messageAdded.text).toBe('thanks for the invite');
    await socket.close();

    // Everyone else still cannot see it.
    expect(await room(outsider.token, privateId)).toBeNull();
  });

  it('answers an invite of an unknown user with NOT_FOUND and of a public room with BAD_USER_INPUT', async () => {
    const unknown = await gql(
      server.url,
      `mutation($id: ID!) { invite(roomId: $id, userName: "${uniqueName('ghost')}") { id } }`,
      { id: privateId },
      { token: owner.token },
    );
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    const publicId = await createRoom(server.url, owner.token);
    const publicInvite = await gql(
      server.url,
      `mutation($id: ID!, $name: String!) { invite(roomId: $id, userName: $name) { id } }`,
      { id: publicId, name: outsider.user.name },
      { token: owner.token },
    );
    expect(codes(publicInvite)).toEqual(['BAD_USER_INPUT']);
  });
});
