import { type DocumentNode } from 'graphql';
import { type Exchange, makeOperation, mapExchange } from '@urql/core';

/** How codegen's client preset names a document's hash (persisted-documents.json's keys). */
const HASH_PREFIX = 'sha256:';

/** The hash codegen embedded in one of our documents (`__meta__.hash`), without its prefix. */
export function documentHash(document: DocumentNode): string | undefined {
  const hash = (document as DocumentNode & { __meta__?: { hash?: unknown } }).__meta__?.hash;
  return typeof hash === 'string' && hash.startsWith(HASH_PREFIX) ? hash.slice(HASH_PREFIX.length) : undefined;
}

/**
 * Sends each operation as the hash of its trusted document (Apollo's
 * `extensions.persistedQuery`), which urql's fetch and subscription forwarding then send
 * instead of the text. The server lets the session cookie act only in those documents
 * (server/graphql/trusted-documents.ts), so everything the UI runs must go this way;
 * a document without a hash would run signed out, and fail where it needs the user.
 */
export const trustedDocumentsExchange: Exchange = mapExchange({
  onOperation(operation) {
    if (operation.kind === 'teardown') return operation;
    const sha256Hash = documentHash(operation.query);
    if (sha256Hash === undefined) return operation;
    return makeOperation(
      operation.kind,
      { ...operation, extensions: { ...operation.extensions, persistedQuery: { version: 1, sha256Hash } } },
      operation.context,
    );
  },
});
