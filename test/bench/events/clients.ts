/**
 * The load generator's sockets, one protocol each:
 *
 * - `project`: Parley over graphql-ws (the graphql-transport-ws subprotocol), as any
 *   graphql-ws client speaks it: `connection_init { authToken }`, then `subscribe`;
 *   mutations are operations on the same kind of socket.
 * - `socketio`: Socket.IO's websocket transport spoken directly (engine.io v4 framing: `0`
 *   open, `40` connect, `2`/`3` ping and pong, `42[event, data]`), which is what
 *   socket.io-client sends once connected, without its per-socket overhead in this process.
 * - `raw`: bare JSON frames (./raw-ws.mjs).
 *
 * Incoming chat events are handed over as the raw frame (a Buffer) so the benchmark reads
 * its markers without decoding every delivery into a string or an object.
 */
import WebSocket from 'ws';

export type Proto = 'project' | 'socketio' | 'raw';

/** Whoever posts; the baselines put it in the event as the message's author. */
export interface Author {
  id: string;
  name: string;
}

/** What a graphql-ws operation answered: its `next` payload, or its `error` frame's errors. */
export interface GqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Sockets opened at once while connecting many. */
export const CONNECT_CONCURRENCY = 64;
/** How long a socket may take from opening to ready (acknowledged, subscribed). */
const READY_TIMEOUT_MS = 30_000;

const NEXT = Buffer.from('"type":"next"');
const SUBSCRIPTION_ID = 's';

export interface ClientOptions {
  proto: Proto;
  port: number;
  /** project: the session token for `connection_init`. */
  token?: string;
  /** project: the subscription this socket runs as operation `s`, if any. */
  subscription?: { query: string; variables: Record<string, unknown> };
  /** Each chat event (project: each `next` of the subscription) as received. */
  onEvent?: (frame: Buffer) => void;
  /** Anything that should not happen: error frames, early completes, closes. */
  onProblem: (what: string) => void;
}

export class Client {
  readonly ws: WebSocket;
  private opId = 0;
  private readonly pending = new Map<string, (answer: GqlAnswer) => void>();
  private readonly answers = new Map<string, GqlAnswer>();
  private closing = false;
  /** Set when the server refused this socket with 1013 and said when to come back. */
  comeBackInMs: number | undefined;

  private constructor(
    private readonly options: ClientOptions,
    private readonly ready: () => void,
  ) {
    const { proto, port } = options;
    const url =
      proto === 'project'
        ? `ws://127.0.0.1:${port}/graphql`
        : proto === 'socketio'
          ? `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`
          : `ws://127.0.0.1:${port}/`;
    this.ws =
      proto === 'project'
        ? new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false })
        : new WebSocket(url, { perMessageDeflate: false });
    this.ws.on('open', () => {
      if (proto === 'project') this.sendJson({ type: 'connection_init', payload: { authToken: options.token } });
      else if (proto === 'raw') ready();
    });
    this.ws.on('message', (data: Buffer) => this.receive(data));
    this.ws.on('close', (code, reason) => {
      // A node taking in a storm closes the sockets past its admission rate with 1013 and
      // when to come back (server/transport/admission.ts): not a problem, a turn to wait.
      const turn = code === 1013 ? /retry after (\d+) ms/.exec(String(reason)) : null;
      if (turn) this.comeBackInMs = Number(turn[1]);
      if (!this.closing) options.onProblem(`${proto} socket closed by the server (${code})`);
    });
    this.ws.on('error', (error) => options.onProblem(`${proto} socket error: ${error.message}`));
  }

  /**
   * Opens a socket and resolves once it is ready to receive (and, for project, subscribed).
   * Refused with a turn to wait (1013), it waits as told and tries again, as a client should.
   */
  static async open(options: ClientOptions): Promise<Client> {
    for (;;) {
      const refused: { client?: Client } = {};
      try {
        return await Client.openOnce(options, refused);
      } catch (error) {
        const wait = refused.client?.comeBackInMs;
        if (wait === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private static openOnce(options: ClientOptions, attempt: { client?: Client }): Promise<Client> {
    return new Promise((resolve, reject) => {
      let client: Client | undefined = undefined;
      const timer = setTimeout(() => {
        client?.close();
        reject(new Error(`${options.proto} socket not ready within ${READY_TIMEOUT_MS} ms`));
      }, READY_TIMEOUT_MS);
      const onProblem = options.onProblem;
      let isReady = false;
      client = new Client(
        {
          ...options,
          onProblem: (what) => {
            if (isReady) return onProblem(what);
            clearTimeout(timer);
            reject(new Error(what));
          },
        },
        () => {
          if (isReady) return;
          isReady = true;
          clearTimeout(timer);
          resolve(client!);
        },
      );
      attempt.client = client;
    });
  }

  private sendJson(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  private receive(data: Buffer): void {
    const { proto, onEvent } = this.options;
    if (proto === 'raw') return onEvent?.(data);
    if (proto === 'socketio') {
      // 0x34 0x32 is "42": an event packet on the default namespace.
      if (data[0] === 0x34 && data[1] === 0x32) return onEvent?.(data);
      const text = String(data);
      if (text === '2') this.ws.send('3');
      else if (text.startsWith('0{')) this.ws.send('40');
      else if (text.startsWith('40')) this.ready();
      else if (text.startsWith('41') || text.startsWith('44'))
        this.options.onProblem(`socket.io namespace refused: ${text}`);
      return;
    }
    // project: the subscription's events are by far the most frames; only they skip parsing.
    if (this.options.subscription && data.indexOf(NEXT) >= 0 && data.indexOf('"id":"s"') >= 0) return onEvent?.(data);
    const message = JSON.parse(String(data)) as { type: string; id?: string; payload?: unknown };
    switch (message.type) {
      case 'ping':
        return this.sendJson({ type: 'pong' });
      case 'pong':
        return;
      case 'connection_ack':
        if (this.options.subscription) {
          this.sendJson({ id: SUBSCRIPTION_ID, type: 'subscribe', payload: this.options.subscription });
        }
        return this.ready();
      case 'next': {
        // A mutation's result; an operation answers once, then completes.
        const payload = message.payload as GqlAnswer;
        this.answers.set(message.id!, payload);
        return;
      }
      case 'error': {
        const answer: GqlAnswer = { errors: message.payload as GqlAnswer['errors'] };
        if (message.id === SUBSCRIPTION_ID)
          return this.options.onProblem(`subscription error: ${JSON.stringify(answer.errors)}`);
        return this.settle(message.id!, answer);
      }
      case 'complete':
        if (message.id === SUBSCRIPTION_ID) return this.options.onProblem('the server completed the subscription');
        return this.settle(message.id!, this.answers.get(message.id!) ?? { errors: [{ message: 'no result' }] });
      default:
        return this.options.onProblem(`unexpected graphql-ws message: ${String(data).slice(0, 200)}`);
    }
  }

  private settle(id: string, answer: GqlAnswer): void {
    this.answers.delete(id);
    const resolve = this.pending.get(id);
    this.pending.delete(id);
    resolve?.(answer);
  }

  /** project: runs a query or mutation on this socket and resolves to its answer. */
  request(query: string, variables: Record<string, unknown>): Promise<GqlAnswer> {
    const id = `m${++this.opId}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.sendJson({ id, type: 'subscribe', payload: { query, variables } });
    });
  }

  /** socketio and raw: posts a chat message the way that server's clients do. */
  post(text: string, author: Author): void {
    if (this.options.proto === 'socketio') this.ws.send(`42${JSON.stringify(['chat message', { text, author }])}`);
    else this.sendJson({ text, author });
  }

  close(): void {
    this.closing = true;
    this.ws.terminate();
  }
}

/** Runs `open(i)` for i in [0, count), CONNECT_CONCURRENCY at a time, in order of i. */
export async function openMany<T>(count: number, open: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await open(i);
      }
    }),
  );
  return out;
}

/** GraphQL over HTTP POST, for sign-up, seeding and history reads. */
export async function httpGql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as GqlAnswer;
  if (body.errors?.length || !body.data) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body.data as T;
}
