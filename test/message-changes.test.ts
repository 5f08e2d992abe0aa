import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_MAX_REACTIONS } from '../server/limits.js';
import { DELETE, EDIT, type FullMessage, REACT, SEND_FULL, UNREACT, change, send, snapshot } from './helpers/events.js';
import { codes, createRoom, gql, joinRoom, type Session, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';

/** The contract's "Messages change": edit, delete, reply, react, mention, and their errors. */
describe('messages that change', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  let roomId: string;

  beforeAll(async () => {
    server = await startServer();
    [alice, bob, carol] = await Promise.all([signUp(server.url), signUp(server.url), signUp(server.url)]);
    roomId = await createRoom(server.url, alice.token);
    for (const user of [bob, carol]) await joinRoom(server.url, user.token, roomId);
  });
  afterAll(() => server.stop());

  const url = () => server.url;
  const ok = async (token: string, mutation: string, variables: Record<string, unknown>): Promise<FullMessage> => {
    const result = await change(url(), token, mutation, variables);
    expect(result.errors).toBeUndefined();
    return Object.values(result.data!)[0]!;
  };
  const refused = async (token: string, mutation: string, variables: Record<string, unknown>) => {
    const result = await change(url(), token, mutation, variables);
    return { code: codes(result)[0], field: result.errors?.[0]?.extensions?.field, data: result.data };
  };

  it('numbers messages and edits only the author’s own, keeping id and seq', async () => {
    const first = await send(url(), alice.token, roomId, 'teh first');
    const second = await send(url(), bob.token, roomId, 'second');
    expect(second.seq).toBe(first.seq + 1);
    expect(first).toMatchObject({ editedAt: null, deletedAt: null, replyTo: null, reactions: [], mentions: [] });

    const edited = await ok(alice.token, EDIT, { id: first.id, text: '  the first  ' });
    expect(edited).toMatchObject({ id: first.id, seq: first.seq, text: 'the first' });
    expect(Date.parse(edited.editedAt!)).toBeGreaterThanOrEqual(Date.parse(first.createdAt));

    expect(await refused(bob.token, EDIT, { id: first.id, text: 'mine now' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(alice.token, EDIT, { id: first.id, text: '   ' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'text',
    });
    expect(await refused(alice.token, EDIT, { id: first.id, text: 'x'.repeat(4001) })).toMatchObject({
      field: 'text',
    });
    // Nothing half-applied: the failed edits left the text as it was.
    const { messages } = await snapshot(url(), alice.token, roomId);
    expect(messages.find((m) => m.id === first.id)).toMatchObject({ text: 'the first', editedAt: edited.editedAt });
  });

  it('deletes to a tombstone that keeps id and seq, for the author or a moderator only', async () => {
    const mine = await send(url(), bob.token, roomId, `bye @${carol.user.name}`);
    await ok(carol.token, REACT, { id: mine.id, emoji: '👋' });
    expect(await refused(carol.token, DELETE, { id: mine.id })).toMatchObject({ code: 'FORBIDDEN' });

    const tombstone = await ok(bob.token, DELETE, { id: mine.id });
    expect(tombstone).toMatchObject({ id: mine.id, seq: mine.seq, text: '', reactions: [], mentions: [] });
    expect(tombstone.deletedAt).not.toBeNull();
    // Deleting again returns it unchanged; editing or reacting to it is refused.
    expect(await ok(bob.token, DELETE, { id: mine.id })).toEqual(tombstone);
    expect(await refused(bob.token, EDIT, { id: mine.id, text: 'back' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await refused(carol.token, REACT, { id: mine.id, emoji: '👍' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'messageId',
    });
    const { messages } = await snapshot(url(), carol.token, roomId);
    expect(messages.find((m) => m.id === mine.id)).toEqual(tombstone);

    // The room's owner (its creator) may delete anyone's message.
    const carols = await send(url(), carol.token, roomId, 'moderate me');
    expect((await ok(alice.token, DELETE, { id: carols.id })).deletedAt).not.toBeNull();
  });

  it('answers a message of the same room only, showing the original as it is now', async () => {
    const original = await send(url(), alice.token, roomId, 'question?');
    const answer = await send(url(), bob.token, roomId, 'answer', original.id);
    expect(answer.replyTo).toEqual({ id: original.id, text: 'question?', deletedAt: null });
    await ok(alice.token, EDIT, { id: original.id, text: 'better question?' });
    const { messages } = await snapshot(url(), bob.token, roomId);
    expect(messages.find((m) => m.id === answer.id)?.replyTo?.text).toBe('better question?');

    const elsewhere = await createRoom(url(), alice.token);
    const other = await send(url(), alice.token, elsewhere, 'elsewhere');
    for (const replyToId of [other.id, 'nope', '999999999']) {
      const result = await gql(url(), SEND_FULL, { roomId, text: 'x', replyToId }, { token: bob.token });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.extensions?.field).toBe('replyToId');
    }
  });

  it('keeps reactions in order of first use, idempotent, with each viewer’s own flag', async () => {
    const message = await send(url(), carol.token, roomId, 'react to me');
    await ok(alice.token, REACT, { id: message.id, emoji: '👍' });
    await ok(bob.token, REACT, { id: message.id, emoji: '🎉' });
    await ok(bob.token, REACT, { id: message.id, emoji: '👍' });
    const again = await ok(bob.token, REACT, { id: message.id, emoji: '👍' }); // idempotent
    expect(again.reactions).toEqual([
      { emoji: '👍', count: 2, viewerReacted: true, users: [{ name: alice.user.name }, { name: bob.user.name }] },
      { emoji: '🎉', count: 1, viewerReacted: true, users: [{ name: bob.user.name }] },
    ]);
    const forCarol = (await snapshot(url(), carol.token, roomId)).messages.find((m) => m.id === message.id)!;
    expect(forCarol.reactions.map((r) => [r.emoji, r.count, r.viewerReacted])).toEqual([
      ['👍', 2, false],
      ['🎉', 1, false],
    ]);

    await ok(alice.token, UNREACT, { id: message.id, emoji: '👍' });
    const removedTwice = await ok(alice.token, UNREACT, { id: message.id, emoji: '👍' });
    expect(removedTwice.reactions.map((r) => [r.emoji, r.count, r.viewerReacted])).toEqual([
      ['👍', 1, false],
      ['🎉', 1, false],
    ]);
    // The last one out removes the emoji; it comes back at the end.
    await ok(bob.token, UNREACT, { id: message.id, emoji: '👍' });
    const back = await ok(carol.token, REACT, { id: message.id, emoji: '👍' });
    expect(back.reactions.map((r) => r.emoji)).toEqual(['🎉', '👍']);
  });

  it('takes one RGI emoji, family and flag sequences included, and at most 20 distinct', async () => {
    const message = await send(url(), alice.token, roomId, 'emoji');
    for (const emoji of ['👍🏽', '🇫🇷', '👨‍👩‍👧‍👦', '❤️'])
      expect((await ok(bob.token, REACT, { id: message.id, emoji })).reactions.at(-1)?.emoji).toBe(emoji);
    for (const emoji of ['', 'a', '👍👍', ':+1:', '👍 ', '<b>', '1'])
      expect(await refused(bob.token, REACT, { id: message.id, emoji }), emoji).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'emoji',
      });

    const crowded = await send(url(), alice.token, roomId, 'crowded');
    const many = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩🤔'];
    for (const emoji of many.slice(0, MESSAGE_MAX_REACTIONS)) await ok(bob.token, REACT, { id: crowded.id, emoji });
    expect(await refused(bob.token, REACT, { id: crowded.id, emoji: many[MESSAGE_MAX_REACTIONS] })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'emoji',
    });
    // An emoji already there is still fine to add for someone else.
    expect((await ok(carol.token, REACT, { id: crowded.id, emoji: many[0] })).reactions[0]?.count).toBe(2);
  });

  it('mentions members named as @name, case-insensitively, each once, following edits', async () => {
    const [b, c] = [bob.user.name, carol.user.name];
    const outsider = await signUp(url());
    const message = await send(
      url(),
      alice.token,
      roomId,
      `@${b.toUpperCase()} and @${c}, also @${b} again; not mail@${c}.com nor @${outsider.user.name} nor @nobody`,
    );
    expect(message.mentions.map((m) => m.name)).toEqual([b, c]);
    const edited = await ok(alice.token, EDIT, { id: message.id, text: `just @${c}.` });
    expect(edited.mentions.map((m) => m.name)).toEqual([c]);
  });

  it('answers NOT_FOUND for a message the viewer may not read, the same as for none', async () => {
    const secret = await createRoom(url(), alice.token, true);
    const hidden = await send(url(), alice.token, secret, 'private');
    for (const [mutation, variables] of [
      [EDIT, { id: hidden.id, text: 'x' }],
      [DELETE, { id: hidden.id }],
      [REACT, { id: hidden.id, emoji: '👍' }],
      [UNREACT, { id: hidden.id, emoji: '👍' }],
    ] as const) {
      expect(await refused(bob.token, mutation, variables)).toMatchObject({ code: 'NOT_FOUND' });
      expect(await refused(bob.token, mutation, { ...variables, id: '987654321' })).toMatchObject({
        code: 'NOT_FOUND',
      });
    }
    const reply = await gql(url(), SEND_FULL, { roomId, text: 'x', replyToId: hidden.id }, { token: bob.token });
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'replyToId' });
  });
});
