/**
 * A file uploaded through one node is served by the other (its bytes are in PostgreSQL),
 * access taken back on one is refused on the other, and a profile changed on one reaches
 * subscribers of the other. Skipped without PostgreSQL and Redis.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fetchFile, jpegWithGps, png, sendWithFiles, upload } from '../helpers/files.js';
import { createRoom, gqlOk, joinRoom, signUp } from '../helpers/http.js';
import { CLUSTER_BACKENDS } from './harness.js';
import { useTwoNodes } from './support.js';

describe.runIf(CLUSTER_BACKENDS)('files on two nodes', () => {
  const { socketOn, A, B } = useTwoNodes();

  it('serves on one node what was uploaded on the other, byte for byte and without its EXIF', async () => {
    const [alice, bob] = await Promise.all([signUp(A().url), signUp(A().url)]);
    const roomId = await createRoom(A().url, alice.token);
    await joinRoom(B().url, bob.token, roomId);
    // Larger than one stored part (256 KiB): served from several.
    const big = Buffer.alloc(700 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
    const file = await upload(A().url, alice.token, roomId, big, 'data.bin');
    const photo = await upload(A().url, alice.token, roomId, await jpegWithGps(), 'photo.jpg');
    await sendWithFiles(A().url, alice.token, roomId, [file.id, photo.id], 'two files');

    const served = await fetchFile(B().url, file.url, bob.token);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(big)).toBe(true);
    const range = await fetchFile(B().url, file.url, bob.token, { headers: { range: 'bytes=262140-262149' } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).equals(big.subarray(262_140, 262_150))).toBe(true);
    const image = Buffer.from(await (await fetchFile(B().url, photo.url, bob.token)).arrayBuffer());
    expect((await sharp(image).metadata()).exif).toBeUndefined();
    expect(image.includes('SecretCam')).toBe(false);
  }, 60_000);

  it('refuses on one node the file of a message deleted on the other', async () => {
    const [alice, bob] = await Promise.all([signUp(A().url), signUp(A().url)]);
    const roomId = await createRoom(A().url, alice.token);
    await joinRoom(A().url, bob.token, roomId);
    const file = await upload(A().url, alice.token, roomId, await png(16, 16), 'x.png');
    const message = await sendWithFiles(A().url, alice.token, roomId, [file.id]);
    expect((await fetchFile(B().url, file.url, bob.token)).status).toBe(200);
    await gqlOk(
      B().url,
      'mutation($id: ID!) { deleteMessage(id: $id) { id } }',
      { id: message.id },
      { token: alice.token },
    );
    expect((await fetchFile(A().url, file.url, bob.token)).status).toBe(404);
    expect((await fetchFile(B().url, file.url, bob.token)).status).toBe(404);
  }, 60_000);

  it('tells subscribers on one node of a profile changed on the other', async () => {
    const [alice, bob] = await Promise.all([signUp(A().url), signUp(A().url)]);
    const feed = socketOn(B(), bob).subscribe<{ profileChanged: { id: string; displayName: string | null } }>(
      'subscription { profileChanged { id displayName } }',
    );
    const change = (displayName: string) =>
      gqlOk(
        A().url,
        'mutation($d: String) { updateProfile(displayName: $d) { id } }',
        { d: displayName },
        { token: alice.token },
      );
    // Until the subscription is live on B, a change may pass it by: change again until one arrives.
    for (let i = 0; i < 100 && feed.items.length === 0; i++) {
      await change(`Alice ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await change('Alice at last');
    const items = await feed.waitFor(
      (all) => all.some((e) => e.profileChanged.displayName === 'Alice at last'),
      10_000,
    );
    expect(items.at(-1)!.profileChanged).toEqual({ id: alice.user.id, displayName: 'Alice at last' });
    // B's own reads say the same.
    const read = await gqlOk<{ users: { displayName: string | null }[] }>(
      B().url,
      'query($p: String!) { users(prefix: $p) { displayName } }',
      { p: alice.user.name },
      { token: bob.token },
    );
    expect(read.users).toEqual([{ displayName: 'Alice at last' }]);
  }, 60_000);
});
