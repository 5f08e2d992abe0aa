import { type ExecutionResult, getOperationAST } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/fetch';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';

/** What a subscription's setup answers when it fails: a result, not a stream. */
const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * The GraphQL over SSE protocol in both its modes (distinct connections, and a single
 * connection with `PUT` reservations), as the graphql-sse client speaks it, on
 * `endpoint`: each operation runs through Yoga's envelop (parsing, validation, the
 * armor limits, the context with its credentials) like one over HTTP. An operation that
 * fails before it streams (not signed in, a room that is not there) answers its errors
 * with `data: null`, which the protocol's handler needs to tell a result from arguments.
 */
export function useGraphQLSSE(endpoint: string): Plugin<YogaInitialContext> {
  let handler: ((request: Request) => Promise<Response>) | undefined;
  const serverContexts = new WeakMap<Request, object>();
  return {
    onYogaInit({ yoga }) {
      handler = createHandler(
        {
          async onSubscribe(req, params) {
            const enveloped = yoga.getEnveloped({ ...serverContexts.get(req.raw), request: req.raw, params });
            const document = enveloped.parse(params.query);
            const errors = enveloped.validate(enveloped.schema, document);
            if (errors.length > 0) return { data: null, errors };
            const args = {
              schema: enveloped.schema,
              document,
              contextValue: await enveloped.contextFactory(),
              variableValues: params.variables,
              operationName: params.operationName,
            };
            const subscription = getOperationAST(document, params.operationName)?.operation === 'subscription';
            const result = (await (subscription ? enveloped.subscribe(args) : enveloped.execute(args))) as
              ExecutionResult | AsyncIterable<ExecutionResult>;
            return isAsyncIterable(result) ? result : { data: null, ...result };
          },
        },
        yoga.fetchAPI,
      );
    },
    onRequest({ request, url, endResponse, serverContext }) {
      if (url.pathname !== endpoint || !handler) return;
      serverContexts.set(request, serverContext as object);
      return handler(request).then(endResponse);
    },
  };
}
