import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store, UniqueViolation } from '../../server/store/index.js';
import { POSTGRES_URL, postgresDatabase, sqliteDatabase, type Database } from '../helpers/backends.js';

/**
 * One contract for every Store: the embedded SQLite one always, PostgreSQL when
 * DATABASE_URL is set. A behaviour the resolvers rely on belongs here.
 */
const backends: [string, () => Promise<Database>][] = [['sqlite', async () => sqliteDatabase()]];
if (POSTGRES_URL) backends.push(['postgres', () => postgresDatabase()]);

describe.each(backends)('Store contract (%s)', (_name, makeDatabase) => {
  let database: Database;
  let store: Store;
  let alice: { id: string; name: string };
  let bob: { id: string; name: string };

  beforeAll(async () => {
    database = await makeDatabase();
    store = openStore(database.url);
    await store.migrate();
    alice = await store.createUser('Alice', 'hash-a');
    bob = await store.createUser('bob', 'hash-b');
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('migrates idempotently and starts with the public room general', async () => {
    await store.migrate();
    expect(await store.room('general')).toEqual({
      id: 'general',
      name: 'General',
      isPrivate: false,
      kind: 'CHANNEL',
      topic: null,
      slowModeSeconds: 0,
    });
  });

  it('keeps user names unique without regard to case', async () => {
    await expect(store.createUser('ALICE', 'x')).rejects.toBeInstanceOf(UniqueViolation);
    expect(await store.userByName('aLiCe')).toEqual(alice);
    expect((await store.userCredentials('alice'))?.passwordHash).toBe('hash-a');
    expect(await store.usersByIds([alice.id, bob.id, 'nope'])).toHaveLength(2);
  });

  it('finds a session until it expires or is deleted', async () => {
    const now = Date.now();
    await store.createSession('live', alice.id, now + 60_000);
    await store.createSession('stale', alice.id, now - 1);
    expect(await store.sessionUser('live', now)).toEqual(alice);
    expect(await store.sessionUser('stale', now)).toBeUndefined();
    expect(await store.deleteSession('live')).toBe(true);
    expect(await store.sessionUser('live', now)).toBeUndefined();
    expect(await store.deleteSession('live')).toBe(false);
  });

  it('shows private rooms only to their members', async () => {
    await store.createRoom({ id: 'secret', name: 'Secret', isPrivate: true }, alice.id);
    await expect(store.createRoom({ id: 'secret', name: 'Other', isPrivate: false }, bob.id)).rejects.toBeInstanceOf(
      UniqueViolation,
    );
    expect((await store.roomsVisibleTo(bob.id)).map((r) => r.id)).toEqual(['general']);
    // Latest activity first: the new room before general.
    const forAlice = await store.roomsVisibleTo(alice.id);
    expect(forAlice.map((r) => [r.id, r.isMember])).toEqual([
      ['secret', true],
      ['general', false],
    ]);
    expect(await store.roomFor('secret', bob.id)).toEqual({
      id: 'secret',
      name: 'Secret',
      isPrivate: true,
      kind: 'CHANNEL',
      topic: null,
      slowModeSeconds: 0,
      isMember: false,
      isBanned: false,
    });
    expect(await store.roomFor('secret', alice.id)).toMatchObject({ id: 'secret', isMember: true });
    expect(await store.roomFor('nowhere', alice.id)).toBeUndefined();
    await store.addMember('secret', bob.id);
    await store.addMember('secret', bob.id); // idempotent
    expect(await store.isMember('secret', bob.id)).toBe(true);
    expect(await store.roomFor('secret', bob.id)).toMatchObject({ isMember: true });
    expect((await store.roomsVisibleTo(bob.id)).map((r) => r.id)).toEqual(['secret', 'general']);
  });

  it('numbers messages 1, 2, 3… per room and pages history both ways', async () => {
    await store.createRoom({ id: 'paging', name: 'Paging', isPrivate: false }, alice.id);
    for (let i = 1; i <= 7; i++) {
      const { message } = await store.appendMessage({
        roomId: 'paging',
        author: i % 2 ? alice : bob,
        text: `m${i}`,
        clientId: null,
        replyToId: null,
        mentions: [],
        createdAt: 1_000 + i,
      });
      expect(message.seq).toBe(i);
    }
    expect(await store.lastSeq('paging')).toBe(7);
    const newest = await store.messagesBefore('paging', null, 3);
    expect(newest.map((m) => m.text)).toEqual(['m5', 'm6', 'm7']);
    expect(newest[0]!.author).toEqual({ ...alice, isBot: false });
    expect((await store.messagesBefore('paging', 5, 3)).map((m) => m.seq)).toEqual([2, 3, 4]);
    expect((await store.messagesAfter('paging', 4, 2)).map((m) => m.seq)).toEqual([5, 6]);
    expect(await store.messageSeq('paging', newest[2]!.id)).toBe(7);
    expect(await store.messageSeq('general', newest[2]!.id)).toBeUndefined();
    expect(await store.messageSeq('paging', 'not-an-id')).toBeUndefined();
  });

  it('returns the first message for a repeated clientId, even under a race', async () => {
    await store.createRoom({ id: 'idem', name: 'Idem', isPrivate: false }, alice.id);
    const send = () =>
      store.appendMessage({
        roomId: 'idem',
        author: bob,
        text: 'once',
        clientId: 'c-1',
        replyToId: null,
        mentions: [],
        createdAt: 1,
      });
    const results = await Promise.all([send(), send(), send()]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    // Another author may use the same clientId.
    const other = await store.appendMessage({
      roomId: 'idem',
      author: alice,
      text: 'x',
      clientId: 'c-1',
      replyToId: null,
      mentions: [],
      createdAt: 2,
    });
    expect(other.created).toBe(true);
    expect(await store.lastSeq('idem')).toBe(2);
  });

  it('gives concurrent writers a gap-free order', async () => {
    await store.createRoom({ id: 'busy', name: 'Busy', isPrivate: false }, alice.id);
    const writes = Array.from({ length: 60 }, (_, i) =>
      store.appendMessage({
        roomId: 'busy',
        author: i % 2 ? alice : bob,
        text: `w${i}`,
        clientId: null,
        replyToId: null,
        mentions: [],
        createdAt: i,
      }),
    );
    const seqs = (await Promise.all(writes)).map((r) => r.message.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect((await store.messagesAfter('busy', 0, 100)).map((m) => m.seq)).toEqual(seqs);
  });

  it('records roles, room changes, removals and bans in the feed, with who made them', async () => {
    await store.createRoom({ id: 'modded', name: 'Modded', isPrivate: false }, alice.id);
    await store.addMember('modded', bob.id);
    const promoted = await store.setRole('modded', bob.id, 'MODERATOR', alice.id);
    expect(promoted).toMatchObject({ kind: 'ROOM_UPDATED', user: { id: bob.id }, actor: { id: alice.id } });
    expect(await store.setRole('modded', bob.id, 'MODERATOR', alice.id)).toBeUndefined(); // already
    expect(await store.ownerCount('modded')).toBe(1);

    const updated = await store.updateRoom('modded', { topic: 'Be nice', slowModeSeconds: 30 }, bob.id);
    expect(updated?.room).toMatchObject({ name: 'Modded', topic: 'Be nice', slowModeSeconds: 30 });
    expect(updated?.change).toMatchObject({ kind: 'ROOM_UPDATED', user: null, actor: { id: bob.id } });
    expect((await store.updateRoom('modded', { topic: 'Be nice' }, bob.id))?.change).toBeUndefined();

    const removed = await store.removeMember('modded', bob.id, alice.id, true);
    expect(removed).toMatchObject({ kind: 'MEMBER_LEFT', user: { id: bob.id }, actor: { id: alice.id } });
    expect(await store.removeMember('modded', bob.id, alice.id, true)).toBeUndefined();
    expect(await store.isBanned('modded', bob.id)).toBe(true);
    expect(await store.roomFor('modded', bob.id)).toMatchObject({ isMember: false, isBanned: true });

    // Read back from the feed, each change names who made it.
    const feed = await store.changesAfter('modded', 0, 100);
    expect(feed.map((c) => [c.kind, c.user?.id ?? null, c.actor?.id ?? null])).toEqual([
      ['MEMBER_JOINED', alice.id, alice.id],
      ['MEMBER_JOINED', bob.id, bob.id],
      ['ROOM_UPDATED', bob.id, alice.id],
      ['ROOM_UPDATED', null, bob.id],
      ['MEMBER_LEFT', bob.id, alice.id],
    ]);
  });

  it('says how long slow mode keeps an author waiting', async () => {
    await store.createRoom({ id: 'slow', name: 'Slow', isPrivate: false }, alice.id);
    expect(await store.slowModeWaitMs('slow', alice.id, 10, 1_000)).toBe(0);
    await store.appendMessage({
      roomId: 'slow',
      author: alice,
      text: 'first',
      clientId: null,
      replyToId: null,
      mentions: [],
      createdAt: 1_000,
    });
    expect(await store.slowModeWaitMs('slow', alice.id, 10, 4_000)).toBe(7_000);
    expect(await store.slowModeWaitMs('slow', alice.id, 10, 11_000)).toBe(0);
    expect(await store.slowModeWaitMs('slow', bob.id, 10, 4_000)).toBe(0);
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
