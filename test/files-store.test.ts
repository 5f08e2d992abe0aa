import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Store, openStore } from '../server/store/index.js';
import type { NewFile, UserRow } from '../server/store/types.js';
import { POSTGRES_URL, type Database, postgresDatabase, sqliteDatabase } from './helpers/backends.js';

/**
 * The files part of the Store contract, on every store: SQLite (bytes on disk) always,
 * PostgreSQL (bytes in `file_blobs`) when DATABASE_URL is set.
 */
const backends: [string, () => Promise<Database>][] = [['sqlite', async () => sqliteDatabase()]];
if (POSTGRES_URL) backends.push(['postgres', () => postgresDatabase()]);

async function* chunks(bytes: Buffer, size = 10_000): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of source) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

let counter = 0;

describe.each(backends)('Store contract: files (%s)', (_name, makeDatabase) => {
  let database: Database;
  let store: Store;
  let alice: UserRow;
  let bob: UserRow;

  const newFile = (owner: UserRow, size: number, extra: Partial<NewFile> = {}): NewFile => ({
    id: `file-${++counter}-${Date.now().toString(36)}`,
    ownerId: owner.id,
    kind: 'ATTACHMENT',
    roomId: 'general',
    name: 'a.bin',
    contentType: 'application/octet-stream',
    size,
    width: null,
    height: null,
    thumbnailSize: null,
    etag: 'etag',
    createdAt: Date.now(),
    ...extra,
  });

  /** A file reserved, written and made ready. */
  async function stored(owner: UserRow, bytes: Buffer, extra: Partial<NewFile> = {}) {
    const file = newFile(owner, bytes.length, extra);
    expect(await store.reserveFile(file, 1e9)).toBe(true);
    expect(await store.writeFileBlob(file.id, 'file', chunks(bytes))).toBe(bytes.length);
    await store.finishFile(file.id);
    return file;
  }

  beforeAll(async () => {
    database = await makeDatabase();
    store = openStore(database.url);
    await store.migrate();
    alice = await store.createUser('alice', 'hash');
    bob = await store.createUser('bob', 'hash');
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('keeps bytes across several parts and reads any range of them', async () => {
    const bytes = Buffer.alloc(600 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
    const file = await stored(alice, bytes);
    expect((await read(store.readFileBlob(file.id, 'file', 0, bytes.length - 1))).equals(bytes)).toBe(true);
    for (const [start, end] of [
      [0, 0],
      [262_143, 262_144],
      [100_000, 590_000],
      [bytes.length - 5, bytes.length - 1],
    ] as const) {
      const part = await read(store.readFileBlob(file.id, 'file', start, end));
      expect(part.equals(bytes.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
  });

  it('never shows a file before it is ready', async () => {
    const file = newFile(alice, 3);
    await store.reserveFile(file, 1e9);
    await store.writeFileBlob(file.id, 'file', chunks(Buffer.from('abc')));
    expect(await store.file(file.id)).toBeUndefined();
    await store.finishFile(file.id);
    expect(await store.file(file.id)).toMatchObject({ id: file.id, ownerId: alice.id, messageId: null, size: 3 });
  });

  it("reserves a file only within its owner's quota, thumbnails counted", async () => {
    const carol = await store.createUser('carol', 'hash');
    expect(await store.reserveFile(newFile(carol, 600, { thumbnailSize: 100 }), 1000)).toBe(true);
    expect(await store.storageUsed(carol.id)).toBe(700);
    expect(await store.reserveFile(newFile(carol, 301), 1000)).toBe(false);
    expect(await store.reserveFile(newFile(carol, 300), 1000)).toBe(true);
    expect(await store.storageUsed(carol.id)).toBe(1000);
  });

  it('deletes a dead file with its bytes, and leaves one that is not dead', async () => {
    const old = await stored(bob, Buffer.from('old'), { createdAt: 1_000 });
    const fresh = await stored(bob, Buffer.from('fresh'));
    const orphanBefore = Date.now() - 60_000;
    const dead = await store.deadFiles(orphanBefore, 100);
    expect(dead).toContain(old.id);
    expect(dead).not.toContain(fresh.id);
    expect(await store.deleteFile(fresh.id, orphanBefore)).toBe(false);
    expect(await store.deleteFile(old.id, orphanBefore)).toBe(true);
    expect(await store.deleteFile(old.id, orphanBefore)).toBe(false);
    expect(await store.file(old.id)).toBeUndefined();
    await expect(read(store.readFileBlob(old.id, 'file', 0, 2))).rejects.toThrow();
    expect(await store.file(fresh.id)).toBeDefined();
  });

  it('attaches files to a message all or none, once, in order', async () => {
    const [one, two] = [await stored(alice, Buffer.from('1')), await stored(alice, Buffer.from('22'))];
    const base = { roomId: 'general', author: alice, clientId: null, replyToId: null, mentions: [] };
    const { message } = await store.appendMessage({
      ...base,
      text: '',
      createdAt: Date.now(),
      attachmentIds: [two.id, one.id],
    });
    expect(message.attachments?.map((a) => a.id)).toEqual([two.id, one.id]);
    expect((await store.message(message.id))!.attachments?.map((a) => a.id)).toEqual([two.id, one.id]);
    expect((await store.file(one.id))!.messageId).toBe(message.id);
    const three = await stored(alice, Buffer.from('333'));
    const last = await store.lastSeq('general');
    await expect(
      store.appendMessage({ ...base, text: 'again', createdAt: Date.now(), attachmentIds: [three.id, one.id] }),
    ).rejects.toThrow(/cannot be attached/);
    expect(await store.lastSeq('general')).toBe(last); // no message
    expect((await store.file(three.id))!.messageId).toBeNull(); // and nothing taken
    // Someone else's file cannot be attached either.
    await expect(
      store.appendMessage({ ...base, author: bob, text: 'mine', createdAt: Date.now(), attachmentIds: [three.id] }),
    ).rejects.toThrow(/cannot be attached/);
  });

  it('keeps profiles, and changes only what is given', async () => {
    expect((await store.profiles([alice.id])).get(alice.id)).toEqual({ displayName: null, avatarId: null });
    await store.updateProfile(alice.id, { displayName: 'Alice A.' });
    const both = await store.updateProfile(alice.id, { avatarId: 'avatar-1' });
    expect(both.profile).toEqual({ displayName: 'Alice A.', avatarId: 'avatar-1' });
    expect((await store.updateProfile(alice.id, {})).profile).toEqual(both.profile);
    expect((await store.profiles([alice.id, bob.id, 'nope'])).size).toBe(2);
  });
});
