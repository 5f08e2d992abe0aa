import { headers } from 'next/headers';
import { Client, type SSRExchange, fetchExchange, ssrExchange } from '@urql/core';
import { trustedDocumentsExchange } from '../urql/trusted-documents';
import { sessionToken } from './session';

/**
 * Set by server/app.ts on every request it hands to Next: the address and port that
 * request arrived on, where this same process serves /graphql. It is always overwritten
 * there, so a client cannot point the server's API calls (and the user's token) elsewhere.
 */
const SELF_ORIGIN_HEADER = 'x-parley-self';

/**
 * Set there too: the browser's address, and the key that makes /graphql believe it
 * (server/http/internal.ts). Passed back on every call, so the API's per-address limits
 * apply to each user of the web UI, not to this process's own address.
 */
const INTERNAL_HEADERS = ['x-parley-internal', 'x-parley-client'] as const;

async function api(): Promise<{ url: string; forwarded: Record<string, string> }> {
  const incoming = await headers();
  const self = incoming.get(SELF_ORIGIN_HEADER);
  if (!self) throw new Error(`no ${SELF_ORIGIN_HEADER} header: the web UI must be served by server/app.ts`);
  const forwarded: Record<string, string> = {};
  for (const name of INTERNAL_HEADERS) {
    const value = incoming.get(name);
    if (value) forwarded[name] = value;
  }
  // The browser's own User-Agent: the API names a signed-in session after it (the account
  // page's list of devices), not after this process.
  const agent = incoming.get('user-agent');
  if (agent) forwarded['user-agent'] = agent;
  return { url: `${self}/graphql`, forwarded };
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
  const [{ url, forwarded }, bearer] = await Promise.all([api(), token ?? sessionToken()]);
  const ssr = ssrExchange({ isClient: false });
  const client = new Client({
    url,
    exchanges: [ssr, trustedDocumentsExchange, fetchExchange],
    preferGetMethod: false,
    requestPolicy: 'network-only',
    fetchOptions: {
      headers: { ...forwarded, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      cache: 'no-store',
    },
  });
  return { client, ssr };
}
