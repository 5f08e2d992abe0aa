import type { IncomingHttpHeaders } from 'node:http';

/**
 * What a socket's context keeps of its upgrade request: the headers read after the
 * upgrade (the session cookie at `connection_init`, the forwarded address) and the peer's
 * address. The IncomingMessage itself, with its raw headers and stream state, is about
 * 1.2 KB a socket, more with a browser's headers.
 */
export interface UpgradeRequest {
  readonly headers: Pick<IncomingHttpHeaders, 'cookie' | 'x-forwarded-for'>;
  readonly socket: { readonly remoteAddress: string | undefined };
}
