import { randomBytes } from 'node:crypto';

export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; retryAfterMs?: number; [key: string]: unknown };
  [key: string]: unknown;
}

export interface GqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: GqlError[];
}

export interface GqlOptions {
  token?: string;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

/** `url` may be the server's base URL or its `/graphql` endpoint. */
export const endpoint = (url: string): string => (url.endsWith('/graphql') ? url : `${url}/graphql`);

/** POSTs one GraphQL operation; resolves to the parsed body and the HTTP status. */
export async function gqlResponse<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: GqlOptions = {},
): Promise<GqlResult<T> & { status: number }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    ...options.headers,
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body: Record<string, unknown> = { query, variables };
  if (options.extensions) body.extensions = options.extensions;
  const response = await fetch(endpoint(url), { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  let parsed: GqlResult<T>;
  try {
    parsed = JSON.parse(text) as GqlResult<T>;
  } catch {
    throw new Error(`not JSON (HTTP ${response.status}): ${text.slice(0, 200)}`);
  }
  return { ...parsed, status: response.status };
}

/** A tiny GraphQL-over-HTTP client: `{ data, errors }` of one operation. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: GqlOptions = {},
): Promise<GqlResult<T>> {
  const { status: _status, ...result } = await gqlResponse<T>(url, query, variables, options);
  return result;
}

/** The data of an operation that must succeed; throws with the errors otherwise. */
export async function gqlOk<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: GqlOptions = {},
): Promise<T> {
  const result = await gql<T>(url, query, variables, options);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL failed: ${JSON.stringify(result.errors ?? result)}`);
  }
  return result.data;
}

/** The `extensions.code` of each error, in order. */
export const codes = (result: { errors?: readonly GqlError[] | null }): (string | undefined)[] =>
  (result.errors ?? []).map((e) => e.extensions?.code);

let counter = 0;
/** A name no other test (or earlier run on a shared database) has: `<prefix>_<n><random>`. */
export function uniqueName(prefix = 'u'): string {
  counter += 1;
  return `${prefix.slice(0, 12)}_${counter}${randomBytes(5).toString('hex')}`;
}

export const PASSWORD = 'correct horse battery';

export interface User {
  id: string;
  name: string;
}
export interface Session {
  token: string;
  user: User;
}

export const SIGN_UP = /* GraphQL */ `
  mutation SignUp($name: String!, $password: String!) {
    signUp(name: $name, password: $password) {
      token
      user {
        id
        name
      }
    }
  }
`;

export const SIGN_IN = /* GraphQL */ `
  mutation SignIn($name: String!, $password: String!) {
    signIn(name: $name, password: $password) {
      token
      user {
        id
        name
      }
    }
  }
`;

export async function signUp(url: string, name = uniqueName(), password = PASSWORD): Promise<Session> {
  return (await gqlOk<{ signUp: Session }>(url, SIGN_UP, { name, password })).signUp;
}

export async function signIn(url: string, name: string, password = PASSWORD): Promise<Session> {
  return (await gqlOk<{ signIn: Session }>(url, SIGN_IN, { name, password })).signIn;
}

/** Creates a room with a unique name; resolves to its id (slug). */
export async function createRoom(url: string, token: string, isPrivate = false, prefix = 'room'): Promise<string> {
  const data = await gqlOk<{ createRoom: { id: string } }>(
    url,
    `mutation($name: String!, $isPrivate: Boolean) { createRoom(name: $name, isPrivate: $isPrivate) { id } }`,
    { name: uniqueName(prefix), isPrivate },
    { token },
  );
  return data.createRoom.id;
}

/** Joins a public room as the user of `token`. */
export async function joinRoom(url: string, token: string, roomId: string): Promise<void> {
  await gqlOk(url, 'mutation($id: ID!) { joinRoom(id: $id) { id } }', { id: roomId }, { token });
}

export interface Message {
  id: string;
  roomId: string;
  text: string;
  author: User;
  createdAt: string;
}

export const MESSAGE_FIELDS = 'id roomId text createdAt author { id name }';

export async function sendMessage(
  url: string,
  token: string,
  roomId: string,
  text: string,
  clientId?: string,
): Promise<Message> {
  const data = await gqlOk<{ sendMessage: Message }>(
    url,
    `mutation($roomId: ID!, $text: String!, $clientId: ID) {
      sendMessage(roomId: $roomId, text: $text, clientId: $clientId) { ${MESSAGE_FIELDS} }
    }`,
    { roomId, text, clientId },
    { token },
  );
  return data.sendMessage;
}

/** Every message of a room, oldest first, walking history pages of `pageSize`. */
export async function history(url: string, token: string, roomId: string, pageSize = 100): Promise<Message[]> {
  const all: Message[] = [];
  let before: string | null = null;
  for (;;) {
    const data: { room: { messages: HistoryPage } | null } = await gqlOk(
      url,
      `query($id: ID!, $last: Int, $before: String) {
        room(id: $id) {
          messages(last: $last, before: $before) {
            edges { cursor node { ${MESSAGE_FIELDS} } }
            pageInfo { hasPreviousPage startCursor }
          }
        }
      }`,
      { id: roomId, last: pageSize, before },
      { token },
    );
    if (!data.room) throw new Error(`room ${roomId} is not visible`);
    const page = data.room.messages;
    all.unshift(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasPreviousPage) return all;
    before = page.pageInfo.startCursor;
  }
}

export interface HistoryPage {
  edges: { cursor: string; node: Message }[];
  pageInfo: { hasPreviousPage: boolean; startCursor: string | null };
}

/** Names of the users `room(id).online` lists, as `token`'s user sees it. */
export async function onlineNames(url: string, token: string, roomId: string): Promise<string[]> {
  const data = await gqlOk<{ room: { online: User[] } | null }>(
    url,
    `query($id: ID!) { room(id: $id) { online { name } } }`,
    { id: roomId },
    { token },
  );
  return data.room?.online.map((u) => u.name) ?? [];
}
