/**
 * Search across two nodes: what one node changes (an invitation, a deletion, an edit)
 * decides what the other finds, at once. Skipped without PostgreSQL and Redis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DELETE, EDIT, change, send } from '../helpers/events.js';
import { type Session, createRoom, gqlOk, signUp } from '../helpers/http.js';
import { SEARCH, type SearchResult } from '../helpers/search.js';
import { CLUSTER_BACKENDS } from './harness.js';
import { useTwoNodes } from './support.js';

describe.runIf(CLUSTER_BACKENDS)('search on two nodes', () => {
  const { A, B } = useTwoNodes();
  let alice: Session;
  let bob: Session;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([signUp(A().url), signUp(B().url)]);
  }, 30_000);

  const found = async (who: Session, q: string) =>
    (await gqlOk<{ search: SearchResult }>(B().url, SEARCH, { q }, { token: who.token })).search.edges.map(
      (e) => e.node.text,
    );

  it('finds on one node what the other made readable, and forgets what it deleted or rewrote', async () => {
    const roomId = await createRoom(A().url, alice.token, true);
    const secret = await send(A().url, alice.token, roomId, 'the pangolin protocol');
    expect(await found(bob, 'pangolin')).toEqual([]);
    await gqlOk(
      A().url,
      'mutation($r: ID!, $u: String!) { invite(roomId: $r, userName: $u) { id } }',
      { r: roomId, u: bob.user.name },
      { token: alice.token },
    );
    expect(await found(bob, 'pangolin')).toEqual(['the pangolin protocol']);
    await change(A().url, alice.token, EDIT, { id: secret.id, text: 'the armadillo protocol' });
    expect(await found(bob, 'pangolin')).toEqual([]);
    expect(await found(bob, 'armadillo')).toEqual(['the armadillo protocol']);
    await change(A().url, alice.token, DELETE, { id: secret.id });
    expect(await found(bob, 'armadillo')).toEqual([]);
  }, 60_000);
});
