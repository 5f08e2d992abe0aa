import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FILE_LIMITS } from '../server/config.js';
import { sweepFiles } from '../server/files/sweep.js';
import { RATE_UPLOAD } from '../server/limits.js';
import { readdir } from 'node:fs/promises';
import { UPLOAD_CSRF_HEADER, staging } from '../server/files/uploads.js';
import { fetchFile, png, sendWithFiles, streamedUpload, upload, uploadResponse } from './helpers/files.js';
import { waitUntil } from './helpers/wait.js';
import { type Session, codes, createRoom, gqlOk, joinRoom, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';

const KIB = 1024;

describe('files: quota, sweep and rate', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let roomId: string;

  beforeAll(async () => {
    // A quota a test can reach, and uploads orphaned as soon as they are a moment old.
    server = await startServer({
      rateLimits: true,
      files: { ...DEFAULT_FILE_LIMITS, storagePerUserBytes: 100 * KIB, orphanMs: 200 },
    });
    [alice, bob] = await Promise.all([signUp(server.url), signUp(server.url)]);
    roomId = await createRoom(server.url, alice.token);
    await joinRoom(server.url, bob.token, roomId);
  });
  afterAll(() => server.stop());

  it('refuses an upload past the storage per person, keeps nothing, and takes one that fits', async () => {
    const { store } = server.app.services;
    await upload(server.url, bob.token, roomId, Buffer.alloc(60 * KIB, 1), 'a.bin');
    const used = await store.storageUsed(bob.user.id);
    expect(used).toBe(60 * KIB);
    const refused = await uploadResponse(server.url, roomId, Buffer.alloc(50 * KIB, 2), 'b.bin', { token: bob.token });
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors?.[0]?.extensions?.field).toBe('file');
    expect(refused.errors?.[0]?.message).toContain('at most 100 KiB');
    expect(await store.storageUsed(bob.user.id)).toBe(used);
    await upload(server.url, bob.token, roomId, Buffer.alloc(40 * KIB, 3), 'c.bin');
    expect(await store.storageUsed(bob.user.id)).toBe(100 * KIB);
  });

  it('sweeps unsent uploads and the files of deleted messages, and keeps sent ones', async () => {
    const { services } = server.app;
    const unsent = await upload(server.url, alice.token, roomId, await png(8, 8), 'unsent.png');
    const kept = await upload(server.url, alice.token, roomId, await png(8, 8), 'kept.png');
    const doomed = await upload(server.url, alice.token, roomId, await png(8, 8), 'doomed.png');
    await sendWithFiles(server.url, alice.token, roomId, [kept.id]);
    const deleted = await sendWithFiles(server.url, alice.token, roomId, [doomed.id]);
    await gqlOk(
      server.url,
      'mutation($id: ID!) { deleteMessage(id: $id) { id } }',
      { id: deleted.id },
      { token: alice.token },
    );
    const before = await services.store.storageUsed(alice.user.id);
    const gone = await Promise.all([unsent, doomed].map((f) => services.store.file(f.id)));
    const goneBytes = gone.reduce((sum, f) => sum + f!.size + (f!.thumbnailSize ?? 0), 0);
    await new Promise((resolve) => setTimeout(resolve, 300)); // past orphanMs
    // Two nodes sweeping at once: each file goes once.
    const [first, second] = await Promise.all([sweepFiles(services), sweepFiles(services)]);
    expect(first + second).toBeGreaterThanOrEqual(2);
    expect(await services.store.file(unsent.id)).toBeUndefined();
    expect(await services.store.file(doomed.id)).toBeUndefined();
    expect((await fetchFile(server.url, unsent.url, alice.token)).status).toBe(404);
    expect((await fetchFile(server.url, kept.url, bob.token)).status).toBe(200);
    expect(await services.store.storageUsed(alice.user.id)).toBe(before - goneBytes);
    expect(await sweepFiles(services)).toBe(0);
  });

  it('keeps nothing of an upload cut off midway', async () => {
    const dave = await signUp(server.url);
    await joinRoom(server.url, dave.token, roomId);
    const aborted = new AbortController();
    const cut = streamedUpload(server.url, dave.token, roomId, 2 * 1024 * KIB, { signal: aborted.signal, stall: true });
    // Midway: its bytes are being written aside.
    await waitUntil(async () => (await readdir(await staging())).length > 0, {
      what: 'the upload to be written aside',
    });
    aborted.abort();
    await expect(cut).rejects.toThrow();
    await waitUntil(async () => (await readdir(await staging())).length === 0, { what: 'the partial upload to go' });
    expect(await server.app.services.store.storageUsed(dave.user.id)).toBe(0);
    // And the next one goes through.
    expect((await upload(server.url, dave.token, roomId, Buffer.from('whole'), 'ok.txt')).size).toBe(5);
  });

  it(`limits uploads to ${RATE_UPLOAD.points} a minute per person`, async () => {
    const carol = await signUp(server.url);
    await joinRoom(server.url, carol.token, roomId);
    const tiny = Buffer.from('x');
    for (let i = 0; i < RATE_UPLOAD.points; i++) await upload(server.url, carol.token, roomId, tiny, `f${i}.txt`);
    const limited = await uploadResponse(server.url, roomId, tiny, 'one-more.txt', { token: carol.token });
    expect(codes(limited)).toEqual(['RATE_LIMITED']);
    expect(limited.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
  });

  it(`needs the ${UPLOAD_CSRF_HEADER} header on an upload signed in by cookie`, async () => {
    const cookie = `parley_session=${encodeURIComponent(alice.token)}`;
    const bytes = await png(8, 8);
    const refused = await uploadResponse(server.url, roomId, bytes, 'x.png', { headers: { cookie } });
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.message).toContain(UPLOAD_CSRF_HEADER);
    // With it, the request is read and run like any operation with the cookie.
    const read = await uploadResponse(server.url, roomId, bytes, 'x.png', {
      headers: { cookie, [UPLOAD_CSRF_HEADER]: '1' },
    });
    expect(read.status).toBe(200);
    expect(read.errors?.map((e) => e.message).join(' ') ?? '').not.toContain(UPLOAD_CSRF_HEADER);
  });
});
