import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  SIGN_IN,
  SIGN_UP,
  codes,
  createRoom,
  gql,
  gqlOk,
  signIn,
  signUp,
  uniqueName,
} from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { openSocket } from './helpers/ws.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

const ME = '{ me { id name } }';

/** The stored password hash of each user, read straight from the database. */
async function storedHashes(names: string[]): Promise<string[]> {
  const keys = names.map((n) => n.toLowerCase());
  if (server.sqlite) {
    const db = new Database(server.databaseFile!, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('select password_hash from users where name_key = ?');
      return keys.map((k) => (row.get(k) as { password_hash: string }).password_hash);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name_key: string; password_hash: string }>(
      'select name_key, password_hash from users where name_key = any($1)',
      [keys],
    );
    return keys.map((k) => rows.find((r) => r.name_key === k)!.password_hash);
  } finally {
    await client.end();
  }
}

describe('sign up, sign in, sign out', () => {
  it('signs a user up and knows them by their token', async () => {
    const name = uniqueName('Ada');
    const session = await signUp(server.url, name);
    expect(session.user.name).toBe(name);
    expect(session.token).toMatch(/\S{20,}/);
    const { me } = await gqlOk<{ me: { id: string; name: string } }>(server.url, ME, {}, { token: session.token });
    expect(me).toEqual(session.user);
  });

  it('signs a user in with their password, giving a new working token', async () => {
    const first = await signUp(server.url);
    const second = await signIn(server.url, first.user.name);
    expect(second.user).toEqual(first.user);
    expect(second.token).not.toBe(first.token);
    const { me } = await gqlOk<{ me: { name: string } }>(server.url, ME, {}, { token: second.token });
    expect(me.name).toBe(first.user.name);
  });

  it('answers me with null for a request without credentials or with an unknown token', async () => {
    expect((await gql(server.url, ME)).data).toEqual({ me: null });
    const unknown = await gql(server.url, ME, {}, { token: 'not-a-token' });
    expect(unknown.data).toEqual({ me: null });
  });

  it.each([
    ['one character', 'a'],
    ['33 characters', 'a'.repeat(33)],
    ['a space', 'ada lovelace'],
    ['an accent', 'émile'],
    ['punctuation', 'ada;drop'],
    ['an empty name', ''],
  ])('refuses a name with %s as BAD_USER_INPUT on field "name"', async (_what, name) => {
    const result = await gql(server.url, SIGN_UP, { name, password: PASSWORD });
    expect(result.data ?? null).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('accepts names of 2 and 32 characters of letters, digits, "_", "-" and "."', async () => {
    const suffix = uniqueName('').replace(/[^a-z0-9]/g, '');
    const long = `a.b-c_${suffix}`.padEnd(32, 'z').slice(0, 32);
    expect((await signUp(server.url, long)).user.name).toBe(long);
    // Two-character names are few: accept CONFLICT from an earlier run on a shared database.
    const short = await gql(server.url, SIGN_UP, { name: `q${suffix.slice(-1)}`, password: PASSWORD });
    expect(short.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('BAD_USER_INPUT');
  });

  it('refuses a password shorter than 8 characters as BAD_USER_INPUT on field "password"', async () => {
    const result = await gql(server.url, SIGN_UP, { name: uniqueName(), password: 'short' });
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
  });

  it('answers CONFLICT for a taken name, whatever its case', async () => {
    const name = uniqueName('Grace');
    await signUp(server.url, name);
    for (const taken of [name, name.toLowerCase(), name.toUpperCase()]) {
      const result = await gql(server.url, SIGN_UP, { name: taken, password: PASSWORD });
      expect(codes(result), taken).toEqual(['CONFLICT']);
      expect(result.errors![0]!.extensions?.field).toBe('name');
    }
  });

  it('refuses a wrong password or an unknown name with UNAUTHENTICATED', async () => {
    const { user } = await signUp(server.url);
    const wrong = await gql(server.url, SIGN_IN, { name: user.name, password: 'not the password' });
    expect(codes(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(wrong.data ?? null).toBeNull();
    const unknown = await gql(server.url, SIGN_IN, { name: uniqueName('nobody'), password: PASSWORD });
    expect(codes(unknown)).toEqual(['UNAUTHENTICATED']);
  });

  it('stops honouring a token over HTTP once it is signed out, and only that token', async () => {
    const first = await signUp(server.url);
    const second = await signIn(server.url, first.user.name);
    const out = await gqlOk<{ signOut: boolean }>(server.url, 'mutation { signOut }', {}, { token: first.token });
    expect(out.signOut).toBe(true);

    expect((await gql(server.url, ME, {}, { token: first.token })).data).toEqual({ me: null });
    const send = await gql(
      server.url,
      'mutation { sendMessage(roomId: "general", text: "after sign-out") { id } }',
      {},
      { token: first.token },
    );
    expect(codes(send)).toEqual(['UNAUTHENTICATED']);
    expect(codes(await gql(server.url, 'mutation { signOut }', {}, { token: first.token }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    // The user's other session is untouched.
    const { me } = await gqlOk<{ me: { name: string } }>(server.url, ME, {}, { token: second.token });
    expect(me.name).toBe(first.user.name);
  });

  it('closes a socket opened with a token with 4403 when that token is signed out', async () => {
    const session = await signUp(server.url);
    const other = await signIn(server.url, session.user.name);
    const socket = openSocket(server.wsUrl, { token: session.token });
    const bystander = openSocket(server.wsUrl, { token: other.token });
    await Promise.all([socket.connected, bystander.connected]);
    const { me } = (await socket.request<{ me: { name: string } }>(ME)).data!;
    expect(me.name).toBe(session.user.name);

    await gqlOk(server.url, 'mutation { signOut }', {}, { token: session.token });
    expect((await socket.closed).code).toBe(4403);
    // A socket of the same user opened with another token stays open and signed in.
    const still = await bystander.request<{ me: { name: string } }>(ME);
    expect(still.data?.me.name).toBe(session.user.name);
    await bystander.close();
  });

  it('closes with 4403 a socket whose connection_init carries a signed-out token', async () => {
    const session = await signUp(server.url);
    await gqlOk(server.url, 'mutation { signOut }', {}, { token: session.token });
    const socket = openSocket(server.wsUrl, { token: session.token });
    await expect(socket.connected).rejects.toThrow(/4403/);
    expect((await socket.closed).code).toBe(4403);
  });

  it('stores passwords only as a salted scrypt hash', async () => {
    const a = await signUp(server.url);
    const b = await signUp(server.url);
    const [hashA, hashB] = await storedHashes([a.user.name, b.user.name]);
    for (const hash of [hashA!, hashB!]) {
      expect(hash).not.toContain(PASSWORD);
      expect(hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[\w-]{16,}\$[\w-]{32,}$/);
      expect(Number(hash.split('$')[1])).toBeGreaterThanOrEqual(2 ** 14);
    }
    // Same password, different salts: different hashes.
    expect(hashA).not.toBe(hashB);
  });

  it('needs a signed-in user for every operation but signUp, signIn and introspection', async () => {
    const { token } = await signUp(server.url);
    const roomId = await createRoom(server.url, token, true);
    const operations = [
      '{ rooms { id } }',
      '{ room(id: "general") { id } }',
      'mutation { createRoom(name: "anonymous room") { id } }',
      'mutation { joinRoom(id: "general") { id } }',
      `mutation { invite(roomId: "${roomId}", userName: "someone") { id } }`,
      'mutation { sendMessage(roomId: "general", text: "hi") { id } }',
      'mutation { setTyping(roomId: "general", isTyping: true) }',
      'mutation { signOut }',
    ];
    for (const query of operations) {
      const result = await gql(server.url, query);
      expect(codes(result), query).toEqual(['UNAUTHENTICATED']);
    }
    const anonymous = openSocket(server.wsUrl);
    await anonymous.connected;
    for (const query of [
      'subscription { messageAdded(roomId: "general") { id } }',
      'subscription { userTyping(roomId: "general") { isTyping } }',
      'subscription { presenceChanged(roomId: "general") { online } }',
    ]) {
      const sub = anonymous.subscribe(query);
      const error = await sub.waitForError();
      expect(
        (error as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code),
        query,
      ).toEqual(['UNAUTHENTICATED']);
    }
    await anonymous.close();

    const introspection = await gqlOk<{ __schema: { queryType: { name: string } } }>(
      server.url,
      '{ __schema { queryType { name } } __type(name: "Message") { fields { name } } }',
    );
    expect(introspection.__schema.queryType.name).toBe('Query');
  });
});
