/**
 * Messages and typing across two nodes: what one node publishes, the other delivers,
 * once, in the one order every node agrees on, with the sender's own typing filtered.
 * Skipped without PostgreSQL and Redis: the embedded default is one node by definition.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_CACHE_MS } from '../../server/limits.js';
import { type Message, type Session, createRoom, gql, gqlOk, history, sendMessage, signUp } from '../helpers/http.js';
import { waitUntil } from '../helpers/wait.js';
import type { Subscription } from '../helpers/ws.js';
import { CLUSTER_BACKENDS, type NodeProcess } from './harness.js';
import { type Added, SEND, duplicates, ids, subscribeOn, useTwoNodes } from './support.js';

type Typing = { userTyping: { user: { name: string }; isTyping: boolean } };
const ON_TYPING = 'subscription($roomId: ID!) { userTyping(roomId: $roomId) { user { name } isTyping } }';

describe.runIf(CLUSTER_BACKENDS)("two nodes deliver each other's events", () => {
  const { socketOn, A, B } = useTwoNodes();
  let users: Session[];
  beforeAll(async () => {
    // Accounts made on either node work on both: one database.
    users = await Promise.all(Array.from({ length: 8 }, (_, i) => signUp((i % 2 ? B() : A()).url)));
  }, 30_000);

  it('stops honouring a token on every node as soon as it is signed out on one', async () => {
    const user = await signUp(A().url);
    const me = (node: NodeProcess) =>
      gql<{ me: { name: string } | null }>(node.url, '{ me { name } }', {}, { token: user.token });
    // Both nodes have just proven the token (and may remember it for SESSION_CACHE_MS).
    for (const node of [A(), B()]) expect((await me(node)).data?.me?.name).toBe(user.user.name);
    await gqlOk(A().url, 'mutation { signOut }', {}, { token: user.token });
    // Well within SESSION_CACHE_MS: node B heard of the sign-out through Redis.
    // `me` is null for whoever the server does not know.
    await waitUntil(async () => (await me(B())).data?.me === null, {
      timeoutMs: SESSION_CACHE_MS / 2,
      what: 'node B refusing the signed-out token',
    });
    expect((await me(A())).data?.me).toBeNull();
  });

  it('delivers a message sent on either node once to subscribers on both, in history order', async () => {
    const [alice, bob, carol, dave] = users as [Session, Session, Session, Session];
    const roomId = await createRoom(A().url, alice.token);
    const subs = [
      await subscribeOn(socketOn, A(), carol, roomId),
      await subscribeOn(socketOn, B(), bob, roomId),
      await subscribeOn(socketOn, B(), dave, roomId),
    ];
    const sent: Message[] = [];
    for (let i = 0; i < 20; i++) {
      const [node, user] = i % 2 ? [B(), bob] : [A(), alice];
      sent.push(await sendMessage(node.url, user.token, roomId, `hop ${i}`));
    }
    const expected = sent.map((m) => m.id);
    // Anything delivered twice would arrive before this fence.
    const fence = await sendMessage(A().url, alice.token, roomId, 'fence');
    for (const [i, sub] of subs.entries()) {
      await sub.waitFor((items) => items.some((m) => m.messageAdded.id === fence.id), 10_000);
      expect(ids(sub), `subscriber ${i}`).toEqual([...expected, fence.id]);
    }
    expect(subs[1]!.items[1]!.messageAdded).toEqual(sent[1]); // the whole message, as sent
    expect((await history(B().url, bob.token, roomId)).map((m) => m.id)).toEqual([...expected, fence.id]);
  });

  it("carries typing to the other node but never to the typist's own sockets there", async () => {
    const [alice, bob, carol, dave] = users as [Session, Session, Session, Session];
    const roomId = await createRoom(A().url, alice.token);
    const typing = (user: Session, node: NodeProcess, isTyping: boolean) =>
      gqlOk(
        node.url,
        'mutation($r: ID!, $t: Boolean!) { setTyping(roomId: $r, isTyping: $t) }',
        { r: roomId, t: isTyping },
        { token: user.token },
      );
    const has = (name: string, isTyping: boolean) => (items: Typing[]) =>
      items.some((i) => i.userTyping.user.name === name && i.userTyping.isTyping === isTyping);
    // Dave's events only prove a subscription live; the assertions leave them out.
    const events = (sub: Subscription<Typing>) =>
      sub.items
        .filter((i) => i.userTyping.user.name !== dave.user.name)
        .map((i) => `${i.userTyping.user.name}:${i.userTyping.isTyping}`);

    const aliceOnA = socketOn(A(), alice).subscribe<Typing>(ON_TYPING, { roomId });
    const aliceOnB = socketOn(B(), alice).subscribe<Typing>(ON_TYPING, { roomId });
    const bobOnB = socketOn(B(), bob).subscribe<Typing>(ON_TYPING, { roomId });
    const all = [aliceOnA, aliceOnB, bobOnB];
    // Presence cannot tell when alice's second subscription is live (she is online
    // already), so dave types on A until all three have heard it: a node that heard him
    // once does not repeat it, and a subscription that heard anything is live.
    await waitUntil(
      async () => {
        await typing(dave, A(), true);
        return all.every((sub) => has(dave.user.name, true)(sub.items));
      },
      { timeoutMs: 10_000, intervalMs: 300, what: "dave's typing on all three subscriptions" },
    );

    await typing(alice, A(), true);
    await bobOnB.waitFor(has(alice.user.name, true), 5_000);
    await typing(alice, A(), false);
    await bobOnB.waitFor(has(alice.user.name, false), 5_000);
    // Carol types on B: a fence. Had either of alice's sockets been told about her own
    // typing, it would have come before this.
    await typing(carol, B(), true);
    await aliceOnB.waitFor(has(carol.user.name, true), 5_000);
    await aliceOnA.waitFor(has(carol.user.name, true), 5_000);
    await bobOnB.waitFor(has(carol.user.name, true), 5_000);

    expect(events(bobOnB)).toEqual([`${alice.user.name}:true`, `${alice.user.name}:false`, `${carol.user.name}:true`]);
    expect(events(aliceOnB), "alice's socket on node B").toEqual([`${carol.user.name}:true`]);
    expect(events(aliceOnA), "alice's socket on node A").toEqual([`${carol.user.name}:true`]);
  });

  it('gives 2 nodes × 4 concurrent writers × 250 messages one gap-free order on every subscriber', async () => {
    const PER_WRITER = 250;
    const roomId = await createRoom(A().url, users[0]!.token);
    const subs: (Subscription<Added> & { where: string })[] = [];
    for (const [node, where] of [
      [A(), 'A'],
      [A(), 'A'],
      [B(), 'B'],
      [B(), 'B'],
    ] as const) {
      const reader = users[subs.length]!;
      subs.push(Object.assign(await subscribeOn(socketOn, node, reader, roomId), { where }));
    }
    // 8 writers, 4 per node, each sending over its own graphql-ws socket, one message at
    // a time: the order of one writer's messages is known, the interleaving is not.
    const writers = Array.from({ length: 8 }, (_, w) => ({
      node: w % 2 ? B() : A(),
      user: users[w]!,
      name: `w${w}`,
    }));
    const started = Date.now();
    const acknowledged = await Promise.all(
      writers.map(async ({ node, user, name }) => {
        const socket = socketOn(node, user);
        const sent: string[] = [];
        for (let i = 0; i < PER_WRITER; i++) {
          const result = await socket.request<{ sendMessage: Message }>(SEND, { roomId, text: `${name} ${i}` });
          if (!result.data?.sendMessage) throw new Error(`${name} send ${i} failed: ${JSON.stringify(result)}`);
          sent.push(result.data.sendMessage.id);
        }
        return sent;
      }),
    );
    const total = writers.length * PER_WRITER;
    const sendMs = Date.now() - started;

    const storedA = (await history(A().url, users[0]!.token, roomId)).map((m) => m.id);
    const storedB = (await history(B().url, users[1]!.token, roomId)).map((m) => m.id);
    expect(storedB, 'history on node B equals history on node A').toEqual(storedA);
    expect(storedA).toHaveLength(total);
    expect(new Set(storedA)).toEqual(new Set(acknowledged.flat()));
    // Each writer's messages appear in the order it sent them.
    const position = new Map(storedA.map((id, i) => [id, i]));
    for (const [w, sent] of acknowledged.entries()) {
      const at = sent.map((id) => position.get(id)!);
      expect(
        at.every((p, i) => i === 0 || p > at[i - 1]!),
        `writer ${w}'s messages in history out of its order`,
      ).toBe(true);
    }
    for (const [i, sub] of subs.entries()) {
      await sub.waitFor(total, 60_000).catch((error: Error) => {
        throw new Error(`subscriber ${i} on node ${sub.where}: ${error.message.slice(0, 300)}`);
      });
      const got = ids(sub);
      expect(duplicates(got), `subscriber ${i} on node ${sub.where} got duplicates`).toEqual([]);
      const firstDifference = got.findIndex((id, k) => id !== storedA[k]);
      expect(firstDifference, `subscriber ${i} on node ${sub.where} differs from history at`).toBe(-1);
      expect(got).toHaveLength(total);
    }
    console.info(`cluster order: ${total} messages from 8 writers on 2 nodes stored in ${sendMs} ms`);
  }, 120_000);
});
