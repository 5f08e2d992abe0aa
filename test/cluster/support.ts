/** What the cluster suites share besides the processes: sockets per node, sends that may fail. */
import { afterAll } from 'vitest';
import { type GqlError, MESSAGE_FIELDS, type Message, type Session, gqlResponse } from '../helpers/http.js';
import { waitOnline } from '../helpers/wait.js';
import { type Subscription, type TestSocket, openSocket } from '../helpers/ws.js';
import { type ClusterOptions, type NodeProcess, useCluster } from './harness.js';

export type Added = { messageAdded: Message };
export const ON_MESSAGE = `subscription($roomId: ID!, $after: ID) {
  messageAdded(roomId: $roomId, after: $after) { ${MESSAGE_FIELDS} }
}`;
export const SEND = `mutation($roomId: ID!, $text: String!, $clientId: ID) {
  sendMessage(roomId: $roomId, text: $text, clientId: $clientId) { ${MESSAGE_FIELDS} }
}`;

/** Sockets opened by a suite, all closed in its afterAll (call at the top of a describe). */
export function useSockets(): (node: NodeProcess, user: Session) => TestSocket {
  const sockets: TestSocket[] = [];
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
  });
  return (node, user) => {
    const socket = openSocket(node.wsUrl, { token: user.token });
    sockets.push(socket);
    return socket;
  };
}

/**
 * `user`'s messageAdded subscription on `node`, live before it resolves: the user is
 * listed online there. So `user` must not be online in the room already (elsewhere).
 */
export async function subscribeOn(
  socketOn: (node: NodeProcess, user: Session) => TestSocket,
  node: NodeProcess,
  user: Session,
  roomId: string,
  after?: string,
): Promise<Subscription<Added> & { socket: TestSocket }> {
  const socket = socketOn(node, user);
  const sub = socket.subscribe<Added>(ON_MESSAGE, { roomId, after });
  await waitOnline(node.url, user.token, roomId, user.user.name, 10_000);
  return Object.assign(sub, { socket });
}

export const ids = (sub: { items: Added[] }) => sub.items.map((i) => i.messageAdded.id);

/** What became of one sendMessage: acknowledged with the message, or failed (and how). */
export type SendOutcome = { ok: true; message: Message } | { ok: false; error: string; errors?: GqlError[] };

/** sendMessage over HTTP that never throws: a dead node or a GraphQL error is an outcome. */
export async function trySend(
  url: string,
  token: string,
  roomId: string,
  text: string,
  clientId?: string,
): Promise<SendOutcome> {
  try {
    const result = await gqlResponse<{ sendMessage: Message }>(url, SEND, { roomId, text, clientId }, { token });
    if (result.data?.sendMessage && !result.errors?.length) return { ok: true, message: result.data.sendMessage };
    return { ok: false, error: `HTTP ${result.status}: ${JSON.stringify(result.errors)}`, errors: result.errors ?? [] };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: `${(error as Error).message}${cause ? ` (${cause})` : ''}` };
  }
}

/** The ids that occur more than once. */
export function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const value of values) (seen.has(value) ? twice : seen).add(value);
  return [...twice];
}

/** The `p`th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Two nodes for the enclosing `describe` (started in beforeAll, stopped in afterAll), the
 * sockets its tests open on them (closed in afterAll), and the nodes by name.
 */
export function useTwoNodes(options: ClusterOptions | (() => ClusterOptions) = { nodes: 2 }) {
  const cluster = useCluster(options);
  return {
    socketOn: useSockets(),
    A: (): NodeProcess => cluster().nodes[0]!,
    B: (): NodeProcess => cluster().nodes[1]!,
  };
}
