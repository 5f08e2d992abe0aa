import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, SIGN_IN, type Session, codes, gql, gqlOk, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { sseSubscribe } from './helpers/sse.js';
import { openSocket } from './helpers/ws.js';

const SESSIONS = '{ sessions { id device createdAt lastUsedAt current } }';
type AccountSession = { id: string; device: string; createdAt: string; lastUsedAt: string; current: boolean };
const CHANGE = 'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
const ME = '{ me { name } }';

/** Account security: seeing one's sessions, signing them out, changing one's password. */
describe('account', () => {
  let server: TestServer;
  let alice: Session;

  beforeAll(async () => {
    server = await startServer();
    alice = await signUp(server.url);
  });
  afterAll(() => server.stop());

  /** Signs alice in again from a client that says it is `device`. */
  async function signInFrom(device: string, password = PASSWORD): Promise<string> {
    const result = await gqlOk<{ signIn: { token: string } }>(
      server.url,
      SIGN_IN,
      { name: alice.user.name, password },
      { headers: { 'user-agent': device } },
    );
    return result.signIn.token;
  }
  const sessionsOf = async (token: string) =>
    (await gqlOk<{ sessions: AccountSession[] }>(server.url, SESSIONS, {}, { token })).sessions;
  const me = async (token: string) =>
    (await gql<{ me: { name: string } | null }>(server.url, ME, {}, { token })).data?.me;

  it('lists the signed-in sessions with their device, and signs out one of them everywhere', async () => {
    const laptop = await signInFrom('Firefox on a laptop');
    const phone = await signInFrom('Safari on a phone');
    const listed = await sessionsOf(laptop);
    expect(listed.map((s) => s.device)).toEqual(expect.arrayContaining(['Firefox on a laptop', 'Safari on a phone']));
    expect(listed.filter((s) => s.current).map((s) => s.device)).toEqual(['Firefox on a laptop']);
    for (const s of listed) expect(Date.parse(s.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(s.createdAt));

    const socket = openSocket(server.wsUrl, { token: phone });
    await socket.connected;
    const target = listed.find((s) => s.device === 'Safari on a phone')!;
    expect(
      (
        await gqlOk<{ revokeSession: boolean }>(
          server.url,
          'mutation($id: ID!) { revokeSession(id: $id) }',
          { id: target.id },
          { token: laptop },
        )
      ).revokeSession,
    ).toBe(true);
    expect(await me(phone)).toBeNull();
    expect((await socket.closed).code).toBe(4403);
    // Not twice, and never someone else's.
    expect(
      (
        await gqlOk<{ revokeSession: boolean }>(
          server.url,
          'mutation($id: ID!) { revokeSession(id: $id) }',
          { id: target.id },
          { token: laptop },
        )
      ).revokeSession,
    ).toBe(false);
    const bob = await signUp(server.url);
    const bobs = await sessionsOf(bob.token);
    expect(
      (
        await gqlOk<{ revokeSession: boolean }>(
          server.url,
          'mutation($id: ID!) { revokeSession(id: $id) }',
          { id: bobs[0]!.id },
          { token: laptop },
        )
      ).revokeSession,
    ).toBe(false);
    expect(await me(bob.token)).toMatchObject({ name: bob.user.name });
  });

  it('changes the password only with the current one, and signs out every other session', async () => {
    const here = await signInFrom('here');
    const elsewhere = await signInFrom('elsewhere');
    const wrong = await gql(server.url, CHANGE, { c: 'not my password', n: 'a new password 1' }, { token: here });
    expect(codes(wrong)).toEqual(['FORBIDDEN']);
    const short = await gql(server.url, CHANGE, { c: PASSWORD, n: 'short' }, { token: here });
    expect(codes(short)).toEqual(['BAD_USER_INPUT']);
    expect(short.errors![0]!.extensions?.field).toBe('newPassword');

    await gqlOk(server.url, CHANGE, { c: PASSWORD, n: 'a new password 1' }, { token: here });
    expect(await me(here)).toMatchObject({ name: alice.user.name });
    expect(await me(elsewhere)).toBeNull();
    expect(await me(alice.token)).toBeNull();
    expect((await sessionsOf(here)).map((s) => s.device)).toEqual(['here']);
    // The old password is gone, the new one works.
    const old = await gql(server.url, SIGN_IN, { name: alice.user.name, password: PASSWORD });
    expect(codes(old)).toEqual(['UNAUTHENTICATED']);
    const renewed = await signInFrom('again', 'a new password 1');
    expect(await me(renewed)).toMatchObject({ name: alice.user.name });
  });

  it('signs out every other session at once', async () => {
    const keep = await signInFrom('keep', 'a new password 1');
    const others = [await signInFrom('one', 'a new password 1'), await signInFrom('two', 'a new password 1')];
    const count = (
      await gqlOk<{ signOutOthers: number }>(server.url, 'mutation { signOutOthers }', {}, { token: keep })
    ).signOutOthers;
    expect(count).toBeGreaterThanOrEqual(2);
    for (const token of others) expect(await me(token)).toBeNull();
    expect(await me(keep)).toMatchObject({ name: alice.user.name });
    expect(codes(await gql(server.url, SESSIONS))).toEqual(['UNAUTHENTICATED']);
  });

  it('issues personal access tokens that work on every transport until revoked', async () => {
    const bob = await signUp(server.url);
    const CREATE =
      'mutation($n: String!) { createAccessToken(name: $n) { token accessToken { id name createdAt lastUsedAt } } }';
    type Created = {
      createAccessToken: { token: string; accessToken: { id: string; name: string; lastUsedAt: string | null } };
    };
    const { createAccessToken: created } = await gqlOk<Created>(
      server.url,
      CREATE,
      { n: ' CI bot ' },
      { token: bob.token },
    );
    expect(created.accessToken).toMatchObject({ name: 'CI bot', lastUsedAt: null });
    const { token } = created;

    // HTTP, graphql-ws and SSE all take it as a bearer token.
    expect(await me(token)).toMatchObject({ name: bob.user.name });
    const socket = openSocket(server.wsUrl, { token });
    await socket.connected;
    const sse = sseSubscribe(
      server.url,
      'subscription { viewerRoomsChanged { id } }',
      {},
      { authorization: `Bearer ${token}` },
    );
    expect((await sse.response).status).toBe(200);

    // Listed without its value, apart from the sign-ins, used by now.
    const LIST = '{ accessTokens { id name lastUsedAt } sessions { id } }';
    const listed = await gqlOk<{
      accessTokens: { id: string; name: string; lastUsedAt: string | null }[];
      sessions: { id: string }[];
    }>(server.url, LIST, {}, { token: bob.token });
    expect(listed.accessTokens).toEqual([
      { id: created.accessToken.id, name: 'CI bot', lastUsedAt: expect.any(String) },
    ]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(listed.sessions.map((s) => s.id)).not.toContain(created.accessToken.id);
    // Signing out the other sessions leaves tokens alone.
    await gqlOk(server.url, 'mutation { signOutOthers }', {}, { token: bob.token });
    expect(await me(token)).toMatchObject({ name: bob.user.name });

    const revoke = async () =>
      (
        await gqlOk<{ revokeAccessToken: boolean }>(
          server.url,
          'mutation($id: ID!) { revokeAccessToken(id: $id) }',
          { id: created.accessToken.id },
          { token: bob.token },
        )
      ).revokeAccessToken;
    expect(await revoke()).toBe(true);
    expect(await me(token)).toBeNull();
    expect((await socket.closed).code).toBe(4403);
    // Its SSE stream ends too.
    await sse.waitForEnd(2_000);
    expect(await revoke()).toBe(false);
    sse.close();

    for (const n of ['', '   ', 'x'.repeat(65)])
      expect(codes(await gql(server.url, CREATE, { n }, { token: bob.token }))).toEqual(['BAD_USER_INPUT']);
  });
});
