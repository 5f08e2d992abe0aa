/**
 * Deleting an account on one node signs it out on the other: its socket there closes
 * and its tokens stop working there at once. Skipped without PostgreSQL and Redis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type Session, gql, gqlOk, signUp } from './helpers/http.js';
import { DELETE_ACCOUNT } from './helpers/account-data.js';
import { CLUSTER_BACKENDS } from './cluster/harness.js';
import { useTwoNodes } from './cluster/support.js';

describe.runIf(CLUSTER_BACKENDS)('deleting an account on two nodes', () => {
  const { socketOn, A, B } = useTwoNodes();
  let alice: Session;
  beforeAll(async () => {
    alice = await signUp(A().url);
  }, 30_000);

  it('closes the person’s socket on the other node and refuses their token there', async () => {
    // Proven on B first, so that B has the token in its cache and must forget it.
    expect((await gqlOk<{ me: { id: string } }>(B().url, '{ me { id } }', {}, { token: alice.token })).me.id).toBe(
      alice.user.id,
    );
    const socket = socketOn(B(), alice);
    await socket.connected;
    await gqlOk(A().url, DELETE_ACCOUNT, { p: PASSWORD }, { token: alice.token });
    // Once A answered, B has heard it or does within a second.
    const deletedAt = Date.now();
    expect((await socket.closed).code).toBe(4403);
    expect((await gql<{ me: unknown }>(B().url, '{ me { id } }', {}, { token: alice.token })).data?.me).toBeNull();
    expect(Date.now() - deletedAt).toBeLessThan(1_000);
  });
});
