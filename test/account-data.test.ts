import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  type Session,
  codes,
  createRoom,
  gql,
  gqlOk,
  joinRoom,
  sendMessage,
  signIn,
  signUp,
} from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { openSocket } from './helpers/ws.js';
import { CREATE_WEBHOOK } from './helpers/webhooks.js';
import { DELETE_ACCOUNT, getExport } from './helpers/account-data.js';

const SET_ROLE =
  'mutation($r: ID!, $u: String!, $role: RoomRole!) { setRole(roomId: $r, userName: $u, role: $role) { id } }';
const INVITE = 'mutation($r: ID!, $u: String!) { invite(roomId: $r, userName: $u) { id } }';
const UPDATE_PROFILE = 'mutation($d: String) { updateProfile(displayName: $d) { id } }';
const cookie = (token: string) => `parley_session=${encodeURIComponent(token)}`;

interface MeExport {
  format: string;
  profile: { id: string; name: string; displayName: string | null; avatarUrl: string | null; createdAt: string };
  rooms: { id: string; name: string; kind: string; role: string; joinedAt: string }[];
  messages: {
    roomId: string;
    id: string;
    seq: number;
    text: string;
    replyToId: string | null;
    deletedAt: string | null;
  }[];
  reactions: { roomId: string; messageId: string; emoji: string }[];
  accessTokens: { name: string }[];
  webhooks: { name: string; roomId: string }[];
}
interface RoomExport {
  format: string;
  room: { id: string; name: string };
  messages: { id: string; seq: number; text: string; author: { id: string; name: string; isDeleted: boolean } }[];
}

/** Your data: downloading it, a room's history for its owner, and deleting one's account. */
describe('your data', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it('downloads a person’s profile, rooms, messages, reactions, token names and webhooks as one JSON file', async () => {
    const alice = await signUp(server.url);
    const roomId = await createRoom(server.url, alice.token);
    const first = await sendMessage(server.url, alice.token, roomId, 'hello, my data');
    await gqlOk(
      server.url,
      'mutation($r: ID!, $t: String!, $to: ID) { sendMessage(roomId: $r, text: $t, replyToId: $to) { id } }',
      { r: roomId, t: 'a reply', to: first.id },
      { token: alice.token },
    );
    await gqlOk(
      server.url,
      'mutation($m: ID!) { addReaction(messageId: $m, emoji: "👍") { id } }',
      { m: first.id },
      { token: alice.token },
    );
    const issued = await gqlOk<{ createAccessToken: { token: string } }>(
      server.url,
      'mutation { createAccessToken(name: "ci") { token } }',
      {},
      { token: alice.token },
    );
    await gqlOk(server.url, CREATE_WEBHOOK, { r: roomId, n: 'deploys' }, { token: alice.token });

    const res = await getExport(server.url, '/export/me.json', { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="parley-${alice.user.name}-\\d{4}-\\d{2}-\\d{2}\\.json"$`),
    );
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const data = JSON.parse(res.text) as MeExport;
    expect(data.format).toBe('parley-export/1');
    expect(data.profile).toMatchObject({ id: alice.user.id, name: alice.user.name, avatarUrl: null });
    expect(Date.parse(data.profile.createdAt)).toBeGreaterThan(0);
    expect(data.rooms).toContainEqual(expect.objectContaining({ id: roomId, role: 'OWNER', kind: 'CHANNEL' }));
    expect(data.messages.map((m) => m.text)).toEqual(['hello, my data', 'a reply']);
    expect(data.messages[1]!.replyToId).toBe(first.id);
    expect(data.reactions).toEqual([{ roomId, messageId: first.id, emoji: '👍' }]);
    expect(data.accessTokens.map((t) => t.name)).toEqual(['ci']);
    expect(data.webhooks).toEqual([expect.objectContaining({ name: 'deploys', roomId })]);
    // A token's name, never its value; nor the sign-in's.
    expect(res.text).not.toContain(issued.createAccessToken.token);
    expect(res.text).not.toContain(alice.token);
  });

  it('accepts the sign-in cookie from the web UI, and refuses it from another site', async () => {
    const alice = await signUp(server.url);
    const own = await getExport(server.url, '/export/me.json', { headers: { cookie: cookie(alice.token) } });
    expect(own.status).toBe(200);
    expect((JSON.parse(own.text) as MeExport).profile.name).toBe(alice.user.name);
    const sameOrigin = await getExport(server.url, '/export/me.json', {
      headers: { cookie: cookie(alice.token), origin: server.url },
    });
    expect(sameOrigin.status).toBe(200);
    const foreign = await getExport(server.url, '/export/me.json', {
      headers: { cookie: cookie(alice.token), origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(401);
    expect(foreign.text).not.toContain(alice.user.name);
    expect((await getExport(server.url, '/export/me.json', {})).status).toBe(401);
  });

  it('exports a room for its owners and moderators only, hiding a private room from others', async () => {
    const [owner, mod, member, stranger] = await Promise.all([1, 2, 3, 4].map(() => signUp(server.url)));
    const open = await createRoom(server.url, owner!.token);
    const hidden = await createRoom(server.url, owner!.token, true);
    for (const id of [open, hidden]) {
      if (id === hidden) {
        await gqlOk(server.url, INVITE, { r: id, u: mod!.user.name }, { token: owner!.token });
        await gqlOk(server.url, INVITE, { r: id, u: member!.user.name }, { token: owner!.token });
      } else {
        await joinRoom(server.url, mod!.token, id);
        await joinRoom(server.url, member!.token, id);
      }
      await gqlOk(server.url, SET_ROLE, { r: id, u: mod!.user.name, role: 'MODERATOR' }, { token: owner!.token });
      await sendMessage(server.url, member!.token, id, `said in ${id}`);
    }
    for (const who of [owner!, mod!]) {
      const res = await getExport(server.url, `/export/rooms/${hidden}.json`, { token: who.token });
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toMatch(new RegExp(`filename="parley-${hidden}-`));
      const data = JSON.parse(res.text) as RoomExport;
      expect(data.room.id).toBe(hidden);
      expect(data.messages.map((m) => [m.author.name, m.text])).toEqual([[member!.user.name, `said in ${hidden}`]]);
    }
    expect((await getExport(server.url, `/export/rooms/${hidden}.json`, { token: member!.token })).status).toBe(403);
    expect((await getExport(server.url, `/export/rooms/${open}.json`, { token: member!.token })).status).toBe(403);
    expect((await getExport(server.url, `/export/rooms/${open}.json`, { token: stranger!.token })).status).toBe(403);
    // Someone else's private room reads exactly as one that does not exist.
    const secret = await getExport(server.url, `/export/rooms/${hidden}.json`, { token: stranger!.token });
    const missing = await getExport(server.url, `/export/rooms/no-such-room.json`, { token: stranger!.token });
    expect([secret.status, secret.text]).toEqual([missing.status, missing.text]);
    expect(secret.status).toBe(404);
  });

  it('streams thousands of messages page by page into one complete, valid file', async () => {
    const alice = await signUp(server.url);
    const roomId = await createRoom(server.url, alice.token);
    const { store } = server.app.services;
    const COUNT = 2_345; // more than four pages of the export's 500
    for (let i = 1; i <= COUNT; i++)
      await store.appendMessage({
        roomId,
        author: alice.user,
        text: `message ${i}`,
        clientId: null,
        replyToId: null,
        mentions: [],
        createdAt: Date.now(),
      });
    const download = await getExport(server.url, '/export/me.json', { token: alice.token });
    // Written as the pages are read, not as one body at the end.
    expect(download.headers['transfer-encoding']).toBe('chunked');
    expect(download.chunks).toBeGreaterThan(1);
    const mine = JSON.parse(download.text) as MeExport;
    expect(mine.messages).toHaveLength(COUNT);
    expect(mine.messages.map((m) => m.text)).toEqual(Array.from({ length: COUNT }, (_, i) => `message ${i + 1}`));
    const room = JSON.parse(
      (await getExport(server.url, `/export/rooms/${roomId}.json`, { token: alice.token })).text,
    ) as RoomExport;
    expect(room.messages.map((m) => m.seq)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
  }, 120_000);

  it('allows a person a few exports an hour, then answers 429 with when to come back', async () => {
    const limited = await startServer({ rateLimits: true });
    try {
      const alice = await signUp(limited.url);
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++)
        statuses.push((await getExport(limited.url, '/export/me.json', { token: alice.token })).status);
      expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
      const refused = await getExport(limited.url, '/export/me.json', { token: alice.token });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Someone else is not held back by it.
      const bob = await signUp(limited.url);
      expect((await getExport(limited.url, '/export/me.json', { token: bob.token })).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  describe('deleting an account', () => {
    let alice: Session;
    let bob: Session;
    let carol: Session;
    let roomId: string;
    let aliceMessage: string;

    beforeAll(async () => {
      [alice, bob, carol] = (await Promise.all([1, 2, 3].map(() => signUp(server.url)))) as [Session, Session, Session];
      roomId = await createRoom(server.url, alice.token, true);
      await gqlOk(server.url, INVITE, { r: roomId, u: carol.user.name }, { token: alice.token });
      await gqlOk(server.url, INVITE, { r: roomId, u: bob.user.name }, { token: alice.token });
      await gqlOk(server.url, SET_ROLE, { r: roomId, u: bob.user.name, role: 'MODERATOR' }, { token: alice.token });
      aliceMessage = (await sendMessage(server.url, alice.token, roomId, 'before I go')).id;
    });

    it('needs the current password, and changes nothing without it', async () => {
      const wrong = await gql(server.url, DELETE_ACCOUNT, { p: 'not my password' }, { token: alice.token });
      expect(codes(wrong)).toEqual(['FORBIDDEN']);
      expect(
        (await gqlOk<{ me: { name: string } }>(server.url, '{ me { name } }', {}, { token: alice.token })).me.name,
      ).toBe(alice.user.name);
    });

    it('signs the person out everywhere, hands their room on and keeps their messages under "deleted user"', async () => {
      const socket = openSocket(server.wsUrl, { token: alice.token });
      await socket.connected;
      const token = await gqlOk<{ createAccessToken: { token: string } }>(
        server.url,
        'mutation { createAccessToken(name: "script") { token } }',
        {},
        { token: alice.token },
      );
      await gqlOk(server.url, CREATE_WEBHOOK, { r: roomId, n: 'alerts' }, { token: alice.token });
      // Carol's page hears profile changes; the live one is heard once an update reaches it.
      const carolSocket = openSocket(server.wsUrl, { token: carol.token });
      await carolSocket.connected;
      const profiles = carolSocket.subscribe<{
        profileChanged: { id: string; name: string; displayName: string | null };
      }>('subscription { profileChanged { id name displayName } }');
      for (let i = 0; i < 50 && profiles.items.length === 0; i++) {
        await gqlOk(server.url, UPDATE_PROFILE, { d: 'Alice Doe' }, { token: alice.token });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(profiles.items.at(-1)?.profileChanged.displayName).toBe('Alice Doe');
      const heard = profiles.items.length;

      expect(
        (await gqlOk<{ deleteAccount: boolean }>(server.url, DELETE_ACCOUNT, { p: PASSWORD }, { token: alice.token }))
          .deleteAccount,
      ).toBe(true);

      expect((await socket.closed).code).toBe(4403);
      // Open pages drop her display name at once, and so does every node's cache.
      await profiles.waitFor(heard + 1);
      expect(profiles.items.at(-1)!.profileChanged).toEqual({
        id: alice.user.id,
        name: `deleted user #${alice.user.id}`,
        displayName: null,
      });
      await carolSocket.close();
      for (const t of [alice.token, token.createAccessToken.token])
        expect((await gql<{ me: unknown }>(server.url, '{ me { id } }', {}, { token: t })).data?.me).toBeNull();
      expect(
        codes(
          await gql(server.url, 'mutation($n: String!, $p: String!) { signIn(name: $n, password: $p) { token } }', {
            n: alice.user.name,
            p: PASSWORD,
          }),
        ),
      ).toEqual(['UNAUTHENTICATED']);

      // The moderator, earliest of those left, now owns the room; alice is no member.
      const room = await gqlOk<{ room: { viewerRole: string; members: { edges: { node: { name: string } }[] } } }>(
        server.url,
        '{ room(id: "' + roomId + '") { viewerRole members { edges { node { name } } } } }',
        {},
        { token: bob.token },
      );
      expect(room.room.viewerRole).toBe('OWNER');
      expect(room.room.members.edges.map((e) => e.node.name).sort()).toEqual([bob.user.name, carol.user.name].sort());

      // Her message stays, its author anonymized.
      const seen = await gqlOk<{
        room: {
          webhooks: { name: string }[];
          messages: {
            edges: {
              node: {
                id: string;
                text: string;
                author: { id: string; name: string; isDeleted: boolean; displayName: string | null };
              };
            }[];
          };
        };
      }>(
        server.url,
        'query($r: ID!) { room(id: $r) { webhooks { name } messages { edges { node { id text author { id name isDeleted displayName } } } } } }',
        { r: roomId },
        { token: bob.token },
      );
      const kept = seen.room.messages.edges.map((e) => e.node).find((m) => m.id === aliceMessage)!;
      expect(kept.text).toBe('before I go');
      expect(kept.author).toEqual({
        id: alice.user.id,
        name: `deleted user #${alice.user.id}`,
        isDeleted: true,
        displayName: null,
      });
      // Her webhooks are gone.
      expect(seen.room.webhooks.map((h) => h.name)).not.toContain('alerts');
    });

    it('keeps the old name reserved, so no one can take it and pose as them', async () => {
      const taken = await gql(
        server.url,
        'mutation($n: String!, $p: String!) { signUp(name: $n, password: $p) { token } }',
        { n: alice.user.name.toUpperCase(), p: PASSWORD },
      );
      expect(codes(taken)).toEqual(['CONFLICT']);
      // Nor is the placeholder a name anyone can sign up with.
      const placeholder = await gql(
        server.url,
        'mutation($n: String!, $p: String!) { signUp(name: $n, password: $p) { token } }',
        { n: `deleted user #${alice.user.id}`, p: PASSWORD },
      );
      expect(codes(placeholder)).toEqual(['BAD_USER_INPUT']);
      // The old name names no one: no one invites them back or opens a conversation with them.
      const invited = await gql(server.url, INVITE, { r: roomId, u: alice.user.name }, { token: bob.token });
      expect(codes(invited)).toEqual(['NOT_FOUND']);
      const direct = await gql(
        server.url,
        'mutation($n: [String!]!) { openDirect(userNames: $n) { id } }',
        { n: [alice.user.name] },
        { token: bob.token },
      );
      expect(codes(direct)).toEqual(['BAD_USER_INPUT']);
    });

    it('deletes the account of a room’s only member, who then cannot sign in', async () => {
      const dave = await signUp(server.url);
      const solo = await createRoom(server.url, dave.token);
      await sendMessage(server.url, dave.token, solo, 'alone');
      expect(
        (await gqlOk<{ deleteAccount: boolean }>(server.url, DELETE_ACCOUNT, { p: PASSWORD }, { token: dave.token }))
          .deleteAccount,
      ).toBe(true);
      await expect(signIn(server.url, dave.user.name)).rejects.toThrow();
    });
  });
});
