import { type IncomingMessage, request } from 'node:http';
import { Feed } from './feed.js';
import { endpoint } from './http.js';

export interface SseSubscription<T> extends Feed<T> {
  /** The HTTP status and content type of the response. */
  readonly response: Promise<{ status: number; contentType: string | null }>;
  /** Drops the connection, as a closed browser tab would. */
  close(): void;
}

/**
 * A subscription over GraphQL over SSE ("distinct connections" mode, as Yoga speaks it):
 * a POST with `accept: text/event-stream`, then `event: next` / `data:` frames.
 * node:http rather than fetch: closing destroys the connection at once, like a browser.
 */
export function sseSubscribe<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): SseSubscription<T> {
  const feed = new Feed<T>() as SseSubscription<T>;
  let closed = false;
  const req = request(endpoint(url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
  });
  const response = new Promise<{ status: number; contentType: string | null }>((resolve, reject) => {
    req.once('response', (res: IncomingMessage) => {
      resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? null });
      read(res);
    });
    req.once('error', (error) => {
      reject(error);
      if (!closed) feed.fail(error);
    });
  });
  response.catch(() => {}); // reported through the feed
  (feed as { response: SseSubscription<T>['response'] }).response = response;
  feed.close = () => {
    closed = true;
    req.destroy();
  };
  req.end(JSON.stringify({ query, variables }));

  function read(res: IncomingMessage): void {
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (event === 'complete') return feed.end();
        if (event !== 'next' || data.length === 0) continue; // keep-alive comments
        const result = JSON.parse(data.join('\n')) as { data?: T; errors?: unknown[] };
        if (result.errors?.length) feed.fail(result.errors);
        if (result.data) feed.add(result.data);
      }
    });
    res.on('end', () => feed.end());
  }
  return feed;
}
