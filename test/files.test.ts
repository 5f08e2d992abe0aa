import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_MAX_BYTES } from '../server/limits.js';
import {
  animatedGif,
  fetchFile,
  jpegWithGps,
  pixelBomb,
  png,
  sendWithFiles,
  upload,
  uploadResponse,
} from './helpers/files.js';
import { type Session, codes, createRoom, gql, gqlOk, joinRoom, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';

describe('files: upload, send, serve', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let eve: Session;
  let roomId: string;
  let privateRoom: string;

  beforeAll(async () => {
    server = await startServer();
    [alice, bob, eve] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
    roomId = await createRoom(server.url, alice.token);
    await joinRoom(server.url, bob.token, roomId);
    privateRoom = await createRoom(server.url, alice.token, true);
  });
  afterAll(() => server.stop());

  it('stores an image with its size in pixels and a thumbnail, and serves it inline to room members', async () => {
    const bytes = await png(640, 480);
    const file = await upload(server.url, alice.token, roomId, bytes, 'photo.png');
    expect(file).toMatchObject({ name: 'photo.png', contentType: 'image/png', width: 640, height: 480 });
    expect(file.url).toBe(`/files/${file.id}`);
    expect(file.thumbnailUrl).toBe(`/files/${file.id}/thumbnail`);
    const message = await sendWithFiles(server.url, alice.token, roomId, [file.id]);
    expect(message.text).toBe('');
    expect(message.attachments.map((a) => a.id)).toEqual([file.id]);

    const response = await fetchFile(server.url, file.url, bob.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-disposition')).toBe(
      `inline; filename="photo.png"; filename*=UTF-8''photo.png`,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe('sandbox');
    expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(file.size);
    expect((await sharp(body).metadata()).width).toBe(640);

    const thumbnail = await fetchFile(server.url, file.thumbnailUrl!, bob.token);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const small = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect([small.width, small.height]).toEqual([400, 300]);
  });

  it('takes the type from the bytes, not from what the client claims', async () => {
    const bytes = await png(10, 10);
    const file = await upload(server.url, alice.token, roomId, bytes, 'notes.txt', 'text/html');
    expect(file.contentType).toBe('image/png');
    const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
    const lying = await upload(server.url, alice.token, roomId, html, 'cat.png', 'image/png');
    expect(lying.contentType).toBe('application/octet-stream');
    expect(lying.thumbnailUrl).toBeNull();
    expect(lying.width).toBeNull();
  });

  it('serves HTML and SVG (with a script) as downloads, never as pages', async () => {
    const html = await upload(
      server.url,
      alice.token,
      roomId,
      Buffer.from('<html><body>hi</body></html>'),
      'page.html',
      'text/html',
    );
    const svg = await upload(
      server.url,
      alice.token,
      roomId,
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'drawing.svg',
      'image/svg+xml',
    );
    await sendWithFiles(server.url, alice.token, roomId, [html.id, svg.id], 'two files');
    for (const [file, name] of [
      [html, 'page.html'],
      [svg, 'drawing.svg'],
    ] as const) {
      const response = await fetchFile(server.url, file.url, bob.token);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).not.toMatch(/html|svg|xml/);
      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="${name}"; filename*=UTF-8''${name}`,
      );
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toBe('sandbox');
    }
  });

  it('names a file in full with filename* (RFC 6266), and without any directory part', async () => {
    const file = await upload(
      server.url,
      alice.token,
      roomId,
      Buffer.from('plain words'),
      '../../etc/Résumé (final).txt',
    );
    expect(file.name).toBe('Résumé (final).txt');
    await sendWithFiles(server.url, alice.token, roomId, [file.id]);
    const response = await fetchFile(server.url, file.url, bob.token);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="R_sum_ (final).txt"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%28final%29.txt`,
    );
  });

  it('strips EXIF (and its GPS position) from what it serves', async () => {
    const original = await jpegWithGps();
    expect((await sharp(original).metadata()).exif).toBeDefined(); // the test's own premise
    expect(original.includes('SecretCam')).toBe(true);
    const file = await upload(server.url, alice.token, roomId, original, 'where-i-live.jpg');
    await sendWithFiles(server.url, alice.token, roomId, [file.id]);
    const served = Buffer.from(await (await fetchFile(server.url, file.url, bob.token)).arrayBuffer());
    const metadata = await sharp(served).metadata();
    expect(metadata.format).toBe('jpeg');
    expect(metadata.exif).toBeUndefined();
    expect(served.includes('SecretCam')).toBe(false);
    expect(served.includes('Exif')).toBe(false);
  });

  it('turns a photo upright as its EXIF said, since the EXIF is gone', async () => {
    const sideways = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#0a0' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const file = await upload(server.url, alice.token, roomId, sideways, 'sideways.jpg');
    expect([file.width, file.height]).toEqual([80, 120]);
    const served = Buffer.from(await (await fetchFile(server.url, file.url, alice.token)).arrayBuffer());
    const metadata = await sharp(served).metadata();
    expect([metadata.width, metadata.height, metadata.orientation]).toEqual([80, 120, undefined]);
  });

  it('keeps an animated GIF animated, with a first-frame thumbnail', async () => {
    const file = await upload(server.url, alice.token, roomId, await animatedGif(3, 32), 'dance.gif');
    expect(file).toMatchObject({ contentType: 'image/gif', width: 32, height: 32 });
    await sendWithFiles(server.url, alice.token, roomId, [file.id]);
    const served = Buffer.from(await (await fetchFile(server.url, file.url, bob.token)).arrayBuffer());
    const metadata = await sharp(served, { animated: true }).metadata();
    expect(metadata.pages).toBe(3);
    const thumbnail = Buffer.from(await (await fetchFile(server.url, file.thumbnailUrl!, bob.token)).arrayBuffer());
    expect((await sharp(thumbnail, { animated: true }).metadata()).pages ?? 1).toBe(1);
  });

  it('refuses a decompression bomb from its header, and keeps nothing', async () => {
    const before = await server.app.services.store.storageUsed(alice.user.id);
    const result = await uploadResponse(server.url, roomId, await pixelBomb(30_000, 30_000), 'bomb.png', {
      token: alice.token,
    });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe('file');
    expect(result.errors?.[0]?.message).toMatch(/pixels/);
    expect(await server.app.services.store.storageUsed(alice.user.id)).toBe(before);
  });

  it('refuses a file one byte over the limit with 413, and keeps nothing', async () => {
    const before = await server.app.services.store.storageUsed(alice.user.id);
    const result = await uploadResponse(server.url, roomId, Buffer.alloc(FILE_MAX_BYTES + 1, 7), 'big.bin', {
      token: alice.token,
    });
    expect(result.status).toBe(413);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe('file');
    expect(await server.app.services.store.storageUsed(alice.user.id)).toBe(before);
  });

  it('answers 404 to a non-member of a private room, exactly as for a missing file', async () => {
    const file = await upload(server.url, alice.token, privateRoom, await png(8, 8), 'secret.png');
    await sendWithFiles(server.url, alice.token, privateRoom, [file.id]);
    expect((await fetchFile(server.url, file.url, alice.token)).status).toBe(200);
    const outsider = await fetchFile(server.url, file.url, eve.token);
    const missing = await fetchFile(server.url, '/files/AAAAAAAAAAAAAAAAAAAAAA', eve.token);
    expect(outsider.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await outsider.text()).toBe(await missing.text());
    // And eve cannot upload to it either.
    const refused = await uploadResponse(server.url, privateRoom, await png(8, 8), 'x.png', { token: eve.token });
    expect(codes(refused)).toEqual(['NOT_FOUND']);
  });

  it('serves an unsent upload to its uploader only, and never lets another send it', async () => {
    const file = await upload(server.url, alice.token, roomId, await png(8, 8), 'draft.png');
    expect((await fetchFile(server.url, file.url, alice.token)).status).toBe(200);
    expect((await fetchFile(server.url, file.url, bob.token)).status).toBe(404);
    const stolen = await gql(
      server.url,
      `mutation($roomId: ID!, $ids: [ID!]) { sendMessage(roomId: $roomId, text: "mine", attachmentIds: $ids) { id } }`,
      { roomId, ids: [file.id] },
      { token: bob.token },
    );
    expect(codes(stolen)).toEqual(['BAD_USER_INPUT']);
    expect(stolen.errors?.[0]?.extensions?.field).toBe('attachmentIds');
  });

  it('takes a file once: a second message cannot carry it, and a failed send keeps nothing', async () => {
    const file = await upload(server.url, alice.token, roomId, await png(8, 8), 'once.png');
    const other = await upload(server.url, alice.token, roomId, await png(8, 8), 'other.png');
    await sendWithFiles(server.url, alice.token, roomId, [file.id]);
    const again = await gql(
      server.url,
      `mutation($roomId: ID!, $ids: [ID!]) { sendMessage(roomId: $roomId, text: "again", attachmentIds: $ids) { id } }`,
      { roomId, ids: [other.id, file.id] },
      { token: alice.token },
    );
    expect(codes(again)).toEqual(['BAD_USER_INPUT']);
    // `other` was not taken by the refused message: it can still be sent.
    const sent = await sendWithFiles(server.url, alice.token, roomId, [other.id]);
    expect(sent.attachments.map((a) => a.id)).toEqual([other.id]);
  });

  it('refuses more than 10 files on one message', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => `file${i}`);
    const result = await gql(
      server.url,
      `mutation($roomId: ID!, $ids: [ID!]) { sendMessage(roomId: $roomId, text: "many", attachmentIds: $ids) { id } }`,
      { roomId, ids },
      { token: alice.token },
    );
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe('attachmentIds');
  });

  it('answers 404 for the files of a deleted message, which then carries none', async () => {
    const file = await upload(server.url, alice.token, roomId, await png(8, 8), 'regret.png');
    const message = await sendWithFiles(server.url, alice.token, roomId, [file.id]);
    expect((await fetchFile(server.url, file.url, bob.token)).status).toBe(200);
    const deleted = await gqlOk<{ deleteMessage: { attachments: unknown[] } }>(
      server.url,
      `mutation($id: ID!) { deleteMessage(id: $id) { attachments { id } } }`,
      { id: message.id },
      { token: alice.token },
    );
    expect(deleted.deleteMessage.attachments).toEqual([]);
    expect((await fetchFile(server.url, file.url, bob.token)).status).toBe(404);
    expect((await fetchFile(server.url, file.url, alice.token)).status).toBe(404);
  });

  it('answers HEAD, a conditional GET with 304, and a byte range', async () => {
    const bytes = Buffer.from('0123456789abcdefghij');
    const file = await upload(server.url, alice.token, roomId, bytes, 'digits.txt');
    await sendWithFiles(server.url, alice.token, roomId, [file.id]);
    const head = await fetchFile(server.url, file.url, bob.token, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect(await head.text()).toBe('');
    const etag = head.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await fetchFile(server.url, file.url, bob.token, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const range = await fetchFile(server.url, file.url, bob.token, { headers: { range: 'bytes=10-14' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 10-14/${bytes.length}`);
    expect(await range.text()).toBe('abcde');
    const past = await fetchFile(server.url, file.url, bob.token, { headers: { range: 'bytes=100-' } });
    expect(past.status).toBe(416);
  });

  it('answers 404 for a file to someone signed out, and asks an upload to sign in', async () => {
    const file = await upload(server.url, alice.token, roomId, await png(8, 8), 'x.png');
    const signedOut = await fetchFile(server.url, file.url);
    expect(signedOut.status).toBe(404);
    expect(await signedOut.text()).toMatch(/no credentials/);
    const anonymous = await uploadResponse(server.url, roomId, await png(8, 8), 'x.png');
    expect(anonymous.status).toBe(401);
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });
});
