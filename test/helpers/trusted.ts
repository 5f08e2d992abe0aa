import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GqlResult, endpoint } from './http.js';

/** The web UI's trusted documents, as `npm run codegen` wrote them: `sha256:<hex>` → text. */
const manifest = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'web', 'gql', 'persisted-documents.json'), 'utf8'),
) as Record<string, string>;

/** The hash (without `sha256:`) of the web UI's operation named `name`. */
export function trustedHash(name: string): string {
  const declares = new RegExp(`^(query|mutation|subscription) ${name}\\b`, 'm');
  const keys = Object.keys(manifest).filter((key) =>
    declares.test(manifest[key]!.replace(/^fragment .*?(?=(query|mutation|subscription) )/s, '')),
  );
  if (keys.length !== 1) throw new Error(`the web UI has ${keys.length} operations named ${name}`);
  return keys[0]!.slice('sha256:'.length);
}

/** Apollo's persisted-query extension naming `hash`, as the web UI sends it. */
export const persistedQuery = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

/** POSTs a trusted document by its hash alone, as the web UI does. */
export async function gqlPersisted<T = Record<string, unknown>>(
  url: string,
  name: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<GqlResult<T> & { status: number }> {
  const response = await fetch(endpoint(url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ operationName: name, variables, extensions: persistedQuery(trustedHash(name)) }),
  });
  return { ...((await response.json()) as GqlResult<T>), status: response.status };
}
