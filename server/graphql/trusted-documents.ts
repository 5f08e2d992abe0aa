import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, type SelectionSetNode, parse, print, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { projectRoot } from '../paths.js';
import { notFound } from './errors.js';

/**
 * Trusted documents: the web UI's own operations, which GraphQL Code Generator's client
 * preset writes to web/gql/persisted-documents.json (hash → document) at `npm run codegen`.
 * The web UI sends only a document's hash; the browser's session cookie acts for its user
 * only in those documents. Any other operation runs without the cookie, as if signed out,
 * unless it brings a token of its own (`Authorization: Bearer`, or GraphiQL's headers): a
 * script that runs in our origin with the cookie can do what the UI's operations do, and
 * nothing else (SECURITY.md, "Trusted documents").
 */
export const TRUSTED_DOCUMENTS_FILE = join('web', 'gql', 'persisted-documents.json');

/** The hash algorithm of codegen's keys (`sha256:<hex>`), which APQ clients send bare. */
const HASH_PREFIX = 'sha256:';

const TYPENAME = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } } as const;

/**
 * Adds `__typename` to every selection set below the root, as urql asks for it when it
 * sends a document's text: its document cache learns from the typenames in a result which
 * cached queries a mutation makes stale. Sent as a hash, the document is run as if urql
 * had sent its text.
 */
function withTypenames(query: string): string {
  const withSelections = (node: { selectionSet?: SelectionSetNode }) => {
    const set = node.selectionSet;
    if (!set || set.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename' && !s.alias)) {
      return undefined;
    }
    return { ...node, selectionSet: { ...set, selections: [...set.selections, TYPENAME] } };
  };
  return print(
    visit(parse(query), {
      Field: (node) => (node.selectionSet ? withSelections(node) : undefined),
      FragmentDefinition: withSelections,
      InlineFragment: withSelections,
    }),
  );
}

export class TrustedDocuments {
  private readonly byHash = new Map<string, string>();
  private readonly texts = new Set<string>();

  /** `manifest`: codegen's persisted documents, `sha256:<hex>` → document text. */
  constructor(manifest: Readonly<Record<string, string>>) {
    for (const [key, query] of Object.entries(manifest)) {
      if (!key.startsWith(HASH_PREFIX)) throw new Error(`trusted document key "${key}" is not sha256:<hex>`);
      const text = withTypenames(query);
      this.byHash.set(key.slice(HASH_PREFIX.length), text);
      this.texts.add(text);
    }
  }

  /** Reads the manifest that `npm run codegen` wrote; the server does not start without it. */
  static load(root = projectRoot()): TrustedDocuments {
    const path = join(root, TRUSTED_DOCUMENTS_FILE);
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read the web UI's trusted documents at ${path} (run npm run codegen)`, {
        cause: error,
      });
    }
    return new TrustedDocuments(manifest as Record<string, string>);
  }

  get size(): number {
    return this.byHash.size;
  }

  /** Whether `query` is the text of one of the documents, as this server runs it. */
  has(query: string | undefined): boolean {
    return query !== undefined && this.texts.has(query);
  }

  /**
   * The document a request names by hash instead of sending its text: Apollo's
   * `extensions.persistedQuery.sha256Hash` (what the web UI sends) or the GraphQL over
   * HTTP draft's `documentId` (`sha256:<hex>`). Undefined when it names none; an unknown
   * hash is NOT_FOUND (a tab left open across an upgrade reloads).
   */
  resolve(params: { query?: unknown; documentId?: unknown; extensions?: unknown }): string | undefined {
    if (typeof params.query === 'string' && params.query !== '') return undefined;
    const hash = requestedHash(params);
    if (hash === undefined) return undefined;
    const text = this.byHash.get(hash);
    if (text === undefined) {
      throw notFound('No such trusted document: this page is older than the server, so reload it.');
    }
    return text;
  }
}

function requestedHash(params: { documentId?: unknown; extensions?: unknown }): string | undefined {
  if (typeof params.documentId === 'string') {
    return params.documentId.startsWith(HASH_PREFIX) ? params.documentId.slice(HASH_PREFIX.length) : params.documentId;
  }
  const extensions = params.extensions;
  if (!extensions || typeof extensions !== 'object') return undefined;
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (!persisted || typeof persisted !== 'object') return undefined;
  const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

/** Yoga (HTTP and SSE): a request that names a trusted document by hash runs its text. */
export function useTrustedDocuments(trusted: TrustedDocuments): Plugin {
  return {
    onParams({ params, setParams }) {
      const query = trusted.resolve(params as Parameters<TrustedDocuments['resolve']>[0]);
      if (query !== undefined) setParams({ ...params, query });
    },
  };
}
