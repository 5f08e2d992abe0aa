import {
  Client,
  cacheExchange,
  type SSRData,
  type SSRExchange,
  type SubscriptionForwarder,
  fetchExchange,
  ssrExchange,
  subscriptionExchange,
} from '@urql/next';
import { trustedDocumentsExchange } from './trusted-documents';
import { wsClient } from './ws';

/**
 * A subscription may carry `context.resumeAfter`: where the page's copy stands (for the
 * room's change feed, the cursor of the last change applied). graphql-ws re-sends the
 * same payload object after every reconnect, so reading `after` through a getter makes
 * each resubscription start from what the page already shows.
 */
export type ResumeAfter = () => string | undefined;

const forwardSubscription: SubscriptionForwarder = (request, operation) => {
  // urql's `query` is optional, graphql-ws requires a string (urql #3126).
  const payload = { ...request, query: request.query || '' };
  const resumeAfter = operation.context.resumeAfter as ResumeAfter | undefined;
  if (resumeAfter) {
    Object.defineProperty(payload, 'variables', {
      enumerable: true,
      get: () => ({ ...request.variables, after: resumeAfter() ?? request.variables?.after ?? null }),
    });
  }
  return {
    subscribe(sink) {
      return { unsubscribe: wsClient().subscribe(payload, sink) };
    },
  };
};

function noCredentialsOnTheServer(): Promise<Response> {
  return Promise.reject(
    new Error(
      'Server rendering has no credentials: fetch this data in the page (requestClient) and pass it as ssrData.',
    ),
  );
}

/**
 * The urql client of one rendered page. The page fetched its data on the server with the
 * user's token and hands it over as `ssrData`: on the server this client renders from it
 * without fetching (it has no credentials); in the browser the ssrExchange hydrates from
 * it without a refetch, then queries and mutations go over same-origin HTTP (the session
 * cookie rides along) and subscriptions over the tab's graphql-ws socket, each sent as the
 * hash of its trusted document.
 */
export function createPageClient(ssrData: SSRData): { client: Client; ssr: SSRExchange } {
  const inBrowser = typeof window !== 'undefined';
  const ssr = ssrExchange({ isClient: inBrowser, initialState: ssrData });
  const client = new Client({
    url: '/graphql',
    suspense: false,
    preferGetMethod: false,
    fetch: inBrowser ? undefined : noCredentialsOnTheServer,
    // The document cache in front: useQuery executes on render and again on mount, and the
    // ssrExchange answers each key once, so the cache serves the second execution.
    exchanges: inBrowser
      ? [cacheExchange, ssr, trustedDocumentsExchange, subscriptionExchange({ forwardSubscription }), fetchExchange]
      : [cacheExchange, ssr, trustedDocumentsExchange, fetchExchange],
  });
  return { client, ssr };
}
