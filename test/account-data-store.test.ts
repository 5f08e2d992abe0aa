import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store, type UserRow, UniqueViolation } from '../server/store/index.js';
import { POSTGRES_URL, postgresDatabase, sqliteDatabase, type Database } from './helpers/backends.js';

/** The Store contract for exports and account deletion, on every store as the main contract runs. */
const backends: [string, () => Promise<Database>][] = [['sqlite', async () => sqliteDatabase()]];
if (POSTGRES_URL) backends.push(['postgres', () => postgresDatabase()]);

describe.each(backends)('Store contract, accounts (%s)', (_name, makeDatabase) => {
  let database: Database;
  let store: Store;
  let alice: UserRow;
  let bob: UserRow;
  let carol: UserRow;

  const post = async (roomId: string, author: UserRow, text: string) =>
    (
      await store.appendMessage({
        roomId,
        author,
        text,
        clientId: null,
        replyToId: null,
        mentions: [],
        createdAt: Date.now(),
      })
    ).message;

  beforeAll(async () => {
    database = await makeDatabase();
    store = openStore(database.url);
    await store.migrate();
    alice = await store.createUser('Alice', 'hash-a');
    bob = await store.createUser('bob', 'hash-b');
    carol = await store.createUser('carol', 'hash-c');
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('pages through an author’s messages by id, across rooms, and finds the ones they reacted to', async () => {
    await store.createRoom({ id: 'one', name: 'One', isPrivate: false }, alice.id);
    await store.createRoom({ id: 'two', name: 'Two', isPrivate: true }, bob.id);
    await store.addMember('two', alice.id, bob.id);
    const written = [];
    for (let i = 0; i < 5; i++) written.push(await post(i % 2 ? 'two' : 'one', alice, `a${i}`));
    const others = await post('two', bob, 'by bob');
    await store.changeMessage('two', others.id, () => ({
      kind: 'REACTIONS_CHANGED',
      reactions: [{ emoji: '🎉', userIds: [alice.id] }],
    }));
    // Bob's own reaction on a message of his: not alice's.
    const unrelated = await post('one', bob, 'another');
    await store.changeMessage('one', unrelated.id, () => ({
      kind: 'REACTIONS_CHANGED',
      reactions: [{ emoji: '👀', userIds: [bob.id] }],
    }));

    const first = await store.messagesByAuthor(alice.id, null, 3);
    const rest = await store.messagesByAuthor(alice.id, first[2]!.id, 3);
    expect([...first, ...rest].map((m) => m.text)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(rest[0]!.author).toMatchObject({ id: alice.id, name: 'Alice' });

    const reacted = await store.messagesReactedBy(alice.id, null, 10);
    expect(reacted.filter((m) => m.reactions.some((r) => r.userIds.includes(alice.id))).map((m) => m.text)).toEqual([
      'by bob',
    ]);

    const rooms = await store.joinedRooms(alice.id);
    expect(rooms.map((r) => [r.room.id, r.role])).toEqual(
      expect.arrayContaining([
        ['one', 'OWNER'],
        ['two', 'MEMBER'],
      ]),
    );
    expect(rooms.every((r) => r.joinedAt > 0)).toBe(true);
    expect(await store.account(alice.id)).toMatchObject({ name: 'Alice', displayName: null, deletedAt: null });
  });

  it('names the earliest moderator as a room’s next owner, else its earliest member', async () => {
    await store.createRoom({ id: 'three', name: 'Three', isPrivate: false }, alice.id);
    await store.addMember('three', carol.id);
    // Joined in the same millisecond, the two would tie and the lower id (bob's) win.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.addMember('three', bob.id);
    expect((await store.successorIn('three', alice.id))?.id).toBe(carol.id);
    await store.setRole('three', bob.id, 'MODERATOR', alice.id);
    expect((await store.successorIn('three', alice.id))?.id).toBe(bob.id);
    await store.createRoom({ id: 'alone', name: 'Alone', isPrivate: false }, alice.id);
    expect(await store.successorIn('alone', alice.id)).toBeUndefined();
  });

  it('deletes an account’s tokens and webhooks and anonymizes it, keeping its name taken', async () => {
    const dave = await store.createUser('Dave', 'hash-d');
    await store.createSession('dave-signin', dave.id, Date.now() + 60_000);
    await store.createSession('dave-token', dave.id, Number.MAX_SAFE_INTEGER, undefined, 'ci');
    await store.createSession('bob-signin', bob.id, Date.now() + 60_000);
    await store.addMember('one', dave.id);
    await store.createWebhook({ id: 'hook-d', roomId: 'one', name: 'alerts', secretHash: 's' }, dave.id);
    const message = await post('one', dave, 'from dave');
    expect((await store.webhooksCreatedBy(dave.id)).map((w) => w.name)).toEqual(['alerts']);

    const revoked = await store.deleteAccount(dave.id, `deleted user #${dave.id}`, 'unusable', 1_000);
    expect(revoked.sort()).toEqual(['dave-signin', 'dave-token']);
    expect(await store.sessionUser('dave-token', Date.now())).toBeUndefined();
    expect(await store.sessionUser('bob-signin', Date.now())).toEqual({ id: bob.id, name: 'bob' });
    expect(await store.webhook('hook-d')).toBeUndefined();
    expect(await store.account(dave.id)).toMatchObject({ name: `deleted user #${dave.id}`, deletedAt: 1_000 });
    expect((await store.message(message.id))?.author.name).toBe(`deleted user #${dave.id}`);
    expect((await store.userCredentials('dave'))?.passwordHash).toBe('unusable');
    expect(await store.userByName('Dave')).toBeUndefined();
    expect(await store.usersByPrefix('dav', 10)).toEqual([]);
    await expect(store.createUser('DAVE', 'x')).rejects.toBeInstanceOf(UniqueViolation);
  });
});
