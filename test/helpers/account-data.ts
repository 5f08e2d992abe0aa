import { request } from 'node:http';

/** Exports and account deletion as the tests drive them. */
export const DELETE_ACCOUNT = 'mutation($p: String!) { deleteAccount(password: $p) }';

export interface ExportResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** How many chunks the body arrived in. */
  readonly chunks: number;
}

/**
 * GETs `path` of the server with a bearer token, or with `headers` (a cookie, an Origin),
 * on a connection of its own (a kept-alive one the server closed meanwhile would reset).
 */
export function getExport(
  url: string,
  path: string,
  auth: { token?: string; headers?: Record<string, string> },
): Promise<ExportResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        agent: false,
        headers: { ...(auth.token && { authorization: `Bearer ${auth.token}` }), ...auth.headers },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            text: Buffer.concat(parts).toString('utf8'),
            chunks: parts.length,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
