import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const tooLarge = () =>
  new GraphQLError('Request body too large', {
    extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413 } },
  });

/** Only one non-negative integer is a Content-Length; anything else is refused, not skipped. */
const CONTENT_LENGTH = /^\d+$/;

/**
 * A request body of at most `limit` bytes (`uploadLimit` for a multipart upload); in
 * place of Yoga's own `maxRequestBodySize`.
 *
 * Yoga pipes every body through a counting TransformStream (a Node stream pipeline per
 * request), and that pipeline keeps the request's objects alive past a young-generation
 * GC: each scavenge promoted ~1.5 MB to the old generation and took 4-6 ms instead of
 * under 1. A body with a Content-Length needs no counting: refused up front when the
 * length is over, and otherwise Node's HTTP parser hands over exactly that many bytes.
 * Only a chunked body, which has no length, is counted as it streams.
 */
export function useBodyLimit(limit: number, uploadLimit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      // An upload (multipart, files/uploads.ts) may be as large as a file; its parser
      // counts a chunked body itself. Everything else keeps the small limit.
      const upload =
        request.method === 'POST' &&
        Boolean(request.headers.get('content-type')?.toLowerCase().startsWith('multipart/form-data'));
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        if (!CONTENT_LENGTH.test(contentLength)) {
          throw new GraphQLError('Content-Length header is invalid.', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
        if (Number(contentLength) > (upload ? uploadLimit : limit)) throw tooLarge();
        return;
      }
      if (upload) return;
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((req) => {
        const body = req.body;
        if (!body) return parse(req);
        let bytes = 0;
        const counted = body.pipeThrough(
          new fetchAPI.TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              bytes += chunk.byteLength;
              if (bytes > limit) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return parse(
          new fetchAPI.Request(req.url, {
            method: req.method,
            headers: req.headers,
            signal: req.signal,
            body: counted,
            // @ts-expect-error: a streamed request body needs it; the DOM types lack it
            duplex: 'half',
          }),
        );
      });
    },
  };
}
