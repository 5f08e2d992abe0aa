/**
 * The benches' HTTP client: one keep-alive connection, one request at a time, as a browser
 * or an app holds it (undici's fetch adds ~1.5 ms a request here), and the percentile the
 * benches report.
 */
import http from 'node:http';

/** The one connection every request below goes over. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** GET on the same keep-alive connection: what a request costs here with no work in it. */
export function get(url: string, path: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    http
      .get({ hostname, port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      })
      .on('error', reject);
  });
}

export function post(url: string, path: string, body: string, token: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = http.request({ hostname, port, path, method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One GraphQL operation at `url`/graphql; throws on GraphQL errors. */
export async function gql<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const body = JSON.parse(await post(url, '/graphql', JSON.stringify({ query, variables }), token)) as {
    data: T;
    errors?: unknown[];
  };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
