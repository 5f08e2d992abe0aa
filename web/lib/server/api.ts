import { headers } from 'next/headers';
import { Client, type SSRExchange, fetchExchange, ssrExchange } from '@urql/core';
import { sessionToken } from './session';

/**
 * Set by server/app.ts on every request it hands to Next: the address and port that
 * request arrived on, where this same process serves /graphql. It is always overwritten
 * there, so a client cannot point the server's API calls (and the user's token) elsewhere.
 */
const SELF_ORIGIN_HEADER = 'x-parley-self';

async function apiUrl(): Promise<string> {
  const self = (await headers()).get(SELF_ORIGIN_HEADER);
  if (!self) throw new Error(`no ${SELF_ORIGIN_HEADER} header: the web UI must be served by server/app.ts`);
  return `${self}/graphql`;
}

export interface RequestClient {
  client: Client;
  /** Collects every result, to hand to the browser's client (UrqlRoot) for hydration. */
  ssr: SSRExchange;
}

/**
 * A urql client for one server-side request, acting for the signed-in user (or for
 * `token` when given, as right after signing in). Never shared: a module-scope client
 * would serve one user's data to another (urql #3367).
 */
export async function requestClient(token?: string): Promise<RequestClient> {
  const [url, bearer] = await Promise.all([apiUrl(), token ?? sessionToken()]);
  const ssr = ssrExchange({ isClient: false });
  const client = new Client({
    url,
    exchanges: [ssr, fetchExchange],
    preferGetMethod: false,
    requestPolicy: 'network-only',
    fetchOptions: { headers: bearer ? { authorization: `Bearer ${bearer}` } : {}, cache: 'no-store' },
  });
  return { client, ssr };
}
