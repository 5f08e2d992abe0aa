import { useGraphQlJit } from '@envelop/graphql-jit';
import { type DocumentNode, GraphQLError, type Source, getOperationAST } from 'graphql';
import { type Plugin, type YogaServerOptions, isAsyncIterable } from 'graphql-yoga';

/** What Yoga's `plugins` option takes: its own plugins and envelop's. */
type Plugins = NonNullable<YogaServerOptions<object, object>['plugins']>;

/**
 * Queries run compiled by graphql-jit: a history page is ~400 field executions, which
 * graphql-js does one by one with an info object each (600 KB of garbage a page; about
 * half of that with the compiled query). Mutations and subscriptions keep graphql-js.
 *
 * Only documents holding a single operation: the plugin keeps one compiled operation
 * per document whatever `operationName` asks for, and Yoga shares parsed documents
 * between requests, so `query A {…} query B {…}` (as GraphiQL sends its editor) would
 * answer B with A once A ran first.
 */
export function useCompiledQueries(): Plugins {
  return [useGraphQlJit({}, { enableIf: ({ document }) => singleQuery(document) }), useErrorLocations()];
}

/** graphql-js's own answer: the document's operation if it holds exactly one. */
const singleQuery = (document: DocumentNode): boolean => getOperationAST(document)?.operation === 'query';

/**
 * graphql-jit's errors carry `locations` but not the nodes or source offsets graphql-js
 * errors have, and Yoga rebuilds every error from those before sending it (and masks
 * from them), so over HTTP the locations were lost. Rebuilt here, before Yoga's masking
 * (which Yoga adds after every plugin of ours), as graphql-js would have made them.
 */
function useErrorLocations(): Plugin {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        if (isAsyncIterable(result) || !result.errors?.some(lacksSource)) return;
        const source = args.document.loc?.source;
        if (!source) return;
        setResult({ ...result, errors: result.errors.map((e) => (lacksSource(e) ? withSource(e, source) : e)) });
      },
    }),
  };
}

const lacksSource = (error: GraphQLError): boolean => !error.nodes && !error.positions && !!error.locations?.length;

function withSource(error: GraphQLError, source: Source): GraphQLError {
  const lineStarts = [0];
  for (let i = source.body.indexOf('\n'); i !== -1; i = source.body.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const positions = (error.locations ?? []).map(({ line, column }) => (lineStarts[line - 1] ?? 0) + column - 1);
  return new GraphQLError(error.message, {
    source,
    positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
