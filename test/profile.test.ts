import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVATAR_PX, DISPLAY_NAME_MAX_CHARS } from '../server/limits.js';
import { fetchFile, png, upload } from './helpers/files.js';
import { type Session, codes, createRoom, gql, gqlOk, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { useSockets } from './helpers/ws.js';

const UPDATE = /* GraphQL */ `
  mutation ($displayName: String, $avatarId: ID) {
    updateProfile(displayName: $displayName, avatarId: $avatarId) {
      id
      name
      displayName
      avatarUrl
    }
  }
`;

interface ProfileUser {
  id: string;
  name: string;
  displayName: string | null;
  avatarUrl: string | null;
}

describe('profiles: display names and avatars', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let roomId: string;
  const connect = useSockets();

  beforeAll(async () => {
    server = await startServer();
    [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    roomId = await createRoom(server.url, alice.token);
  });
  afterAll(() => server.stop());

  const update = async (token: string, variables: Record<string, unknown>) =>
    (await gqlOk<{ updateProfile: ProfileUser }>(server.url, UPDATE, variables, { token })).updateProfile;

  it('sets, keeps and clears a display name, trimmed', async () => {
    expect(await update(alice.token, { displayName: '  Alice   Liddell ' })).toMatchObject({
      name: alice.user.name,
      displayName: 'Alice Liddell',
    });
    // Left out: left as it is.
    expect((await update(alice.token, {})).displayName).toBe('Alice Liddell');
    const seen = await gqlOk<{ users: ProfileUser[] }>(
      server.url,
      `query($prefix: String!) { users(prefix: $prefix) { name displayName } }`,
      { prefix: alice.user.name },
      { token: bob.token },
    );
    expect(seen.users).toEqual([{ name: alice.user.name, displayName: 'Alice Liddell' }]);
    expect((await update(alice.token, { displayName: '' })).displayName).toBeNull();
  });

  it('refuses a display name too long or with control characters, and changes nothing', async () => {
    await update(bob.token, { displayName: 'Bob' });
    for (const displayName of ['x'.repeat(DISPLAY_NAME_MAX_CHARS + 1), 'Bob\u202egnp.exe']) {
      const result = await gql(server.url, UPDATE, { displayName }, { token: bob.token });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.extensions?.field).toBe('displayName');
    }
    expect((await update(bob.token, {})).displayName).toBe('Bob');
  });

  it('crops an uploaded image to a square avatar that any signed-in user can see', async () => {
    const wide = await upload(server.url, alice.token, roomId, await png(800, 400), 'wide.png');
    const user = await update(alice.token, { avatarId: wide.id });
    expect(user.avatarUrl).toMatch(/^\/files\/[A-Za-z0-9_-]{22}$/);
    expect(user.avatarUrl).not.toBe(wide.url); // a file of its own
    // bob is in no room with alice's upload, but avatars are everyone's to see.
    const response = await fetchFile(server.url, user.avatarUrl!, bob.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    const metadata = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect([metadata.width, metadata.height]).toEqual([AVATAR_PX, AVATAR_PX]);
    expect((await fetchFile(server.url, user.avatarUrl!)).status).toBe(404); // signed out: as for anyone who may not see it
    expect((await update(alice.token, { avatarId: '' })).avatarUrl).toBeNull();
  });

  it("refuses someone else's file, or a file that is not an image, as an avatar", async () => {
    const hers = await upload(server.url, alice.token, roomId, await png(20, 20), 'hers.png');
    const text = await upload(server.url, bob.token, roomId, Buffer.from('not an image'), 'notes.txt');
    for (const avatarId of [hers.id, text.id, 'AAAAAAAAAAAAAAAAAAAAAA']) {
      const result = await gql(server.url, UPDATE, { avatarId }, { token: bob.token });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.extensions?.field).toBe('avatarId');
    }
  });

  it('tells every signed-in subscriber of a change at once (profileChanged)', async () => {
    const socket = await connect(server.wsUrl, bob.token);
    const feed = socket.subscribe<{ profileChanged: ProfileUser }>(
      'subscription { profileChanged { id name displayName avatarUrl } }',
    );
    // The subscription is live once an earlier change reaches it: retry until one does.
    const image = await upload(server.url, alice.token, roomId, await png(64, 64), 'me.png');
    let changed: ProfileUser | undefined;
    for (let i = 0; i < 50 && !changed; i++) {
      await update(alice.token, { displayName: `Alice ${i}`, avatarId: i === 0 ? image.id : undefined });
      await new Promise((resolve) => setTimeout(resolve, 50));
      changed = feed.items.at(-1)?.profileChanged;
    }
    expect(changed).toMatchObject({ id: alice.user.id, name: alice.user.name });
    expect(changed!.displayName).toMatch(/^Alice \d+$/);
    expect(changed!.avatarUrl).toMatch(/^\/files\//);
    await update(alice.token, { displayName: 'Final Alice' });
    await feed.waitFor(feed.items.length + 1);
    expect(feed.items.at(-1)!.profileChanged.displayName).toBe('Final Alice');
  });
});
