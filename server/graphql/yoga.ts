import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { type YogaServerInstance, createYoga, maskError } from 'graphql-yoga';
import { useUploads } from '../files/uploads.js';
import {
  HTTP_MAX_BODY_BYTES,
  QUERY_MAX_ALIASES,
  QUERY_MAX_COST,
  QUERY_MAX_DEPTH,
  QUERY_MAX_DIRECTIVES,
  QUERY_MAX_FIELDS,
  QUERY_MAX_TOKENS,
  UPLOAD_MAX_BODY_BYTES,
} from '../limits.js';
import type { Services } from '../services.js';
import { useBodyLimit } from './body-limit.js';
import { useGraphQLSSE } from './graphql-sse.js';
import { useCompiledQueries } from './compiled-queries.js';
import { type GraphQLContext, createContext } from './context.js';
import { useMaxFields } from './max-fields.js';
import { useTrustedDocuments } from './trusted-documents.js';
import { buildSchema } from './schema.js';

export interface ServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

export type ParleyYoga = YogaServerInstance<ServerContext, GraphQLContext>;

/** Where the GraphQL over SSE protocol is served in both its modes (graphql-sse's client). */
export const GRAPHQL_SSE_ENDPOINT = '/graphql/stream';

const GRAPHIQL_QUERY = /* GraphQL */ `
  # Parley's GraphQL API
  #  1. Run SignUp; copy the token it returns.
  #  2. Headers tab: {"Authorization": "Bearer <token>"}
  #  3. Run OnMessage, then SendMessage in a new tab.
  # The other tabs follow the room's change feed, edit a message and react to one.

  mutation SignUp {
    signUp(name: "ada", password: "correct horse battery") {
      token
      user {
        id
        name
      }
    }
  }

  subscription OnMessage {
    messageAdded(roomId: "general") {
      id
      text
      createdAt
      author {
        name
      }
    }
  }

  mutation SendMessage {
    sendMessage(roomId: "general", text: "Hello from GraphiQL, @ada") {
      id
      seq
      mentions {
        name
      }
    }
  }
`;

/** GraphiQL's tabs on a first visit: the walk-through, then the change feed and its mutations. */
export const GRAPHIQL_TABS = [
  { query: GRAPHIQL_QUERY },
  {
    query: /* GraphQL */ `
      # Every change to the room: new, edited and deleted messages, reactions, members.
      # Resume with "after": the cursor of the last event you received, or a room's eventCursor.
      subscription RoomEvents($roomId: ID!, $after: String) {
        roomEvents(roomId: $roomId, after: $after) {
          kind
          cursor
          message {
            id
            seq
            text
            editedAt
            deletedAt
            author {
              name
            }
            reactions {
              emoji
              count
              viewerReacted
            }
            replyTo {
              id
              text
            }
          }
          user {
            name
          }
        }
      }
    `,
    variables: JSON.stringify({ roomId: 'general' }, null, 2),
  },
  {
    query: /* GraphQL */ `
      # Edit one of your messages (its id from SendMessage or RoomEvents), or delete it.
      mutation EditMessage($id: ID!, $text: String!) {
        editMessage(id: $id, text: $text) {
          id
          text
          editedAt
        }
      }

      mutation DeleteMessage($id: ID!) {
        deleteMessage(id: $id) {
          id
          deletedAt
        }
      }
    `,
    variables: JSON.stringify({ id: '1', text: 'Edited in GraphiQL' }, null, 2),
  },
  {
    query: /* GraphQL */ `
      # React to a message with one emoji; adding it twice changes nothing.
      mutation AddReaction($messageId: ID!, $emoji: String!) {
        addReaction(messageId: $messageId, emoji: $emoji) {
          id
          reactions {
            emoji
            count
            viewerReacted
          }
        }
      }

      mutation RemoveReaction($messageId: ID!, $emoji: String!) {
        removeReaction(messageId: $messageId, emoji: $emoji) {
          id
          reactions {
            emoji
            count
          }
        }
      }
    `,
    variables: JSON.stringify({ messageId: '1', emoji: '👍' }, null, 2),
  },
];

/**
 * Yoga serves GraphQL over HTTP and SSE, and lends its envelop (parse and validate
 * caches, armor limits, masking, context) to the WebSocket transport.
 */
export function createParleyYoga(services: Services): ParleyYoga {
  const armor = new EnvelopArmor({
    maxDepth: { n: QUERY_MAX_DEPTH, ignoreIntrospection: true },
    maxAliases: { n: QUERY_MAX_ALIASES },
    maxTokens: { n: QUERY_MAX_TOKENS },
    maxDirectives: { n: QUERY_MAX_DIRECTIVES },
    // flattenFragments: a fragment spread costs what the same fields inline do (without
    // it armor multiplies by another depth factor, and a 50-message page with a Message
    // fragment was refused at 7,025 while the inline one passed).
    costLimit: { maxCost: QUERY_MAX_COST, ignoreIntrospection: true, flattenFragments: true },
    blockFieldSuggestion: { enabled: true },
  });
  const log = services.log.child({ component: 'graphql' });
  return createYoga<ServerContext, GraphQLContext>({
    schema: buildSchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    maxRequestBodySize: false, // useBodyLimit below
    context: (initial) => createContext(services, initial),
    graphiql: { title: 'Parley · GraphiQL', subscriptionsProtocol: 'WS', defaultTabs: GRAPHIQL_TABS },
    // GraphiQL's scripts are served from this process, not a CDN: it works offline and
    // behind a strict firewall. Loaded on the first GraphiQL page only: the module holds
    // about 30 MB of script text, which every node would otherwise keep in its heap.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    // Unexpected errors reach clients as "Unexpected error." with no stack or SQL,
    // even when NODE_ENV=development (Yoga would otherwise attach the original).
    maskedErrors: { maskError: (error, message) => maskError(error, message, false) },
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => {
        const err = args.find((a) => a instanceof Error);
        log.error(
          { err },
          args
            .filter((a) => !(a instanceof Error))
            .map(String)
            .join(' ') || 'GraphQL error',
        );
      },
    },
    plugins: [
      useBodyLimit(HTTP_MAX_BODY_BYTES, UPLOAD_MAX_BODY_BYTES),
      // Multipart uploads, streamed to temporary files (files/uploads.ts), in place of Yoga's own parser.
      useUploads(services),
      useTrustedDocuments(services.trustedDocuments),
      ...armor.protect().plugins,
      useMaxFields(QUERY_MAX_FIELDS),
      ...useCompiledQueries(),
      // The GraphQL over SSE protocol in both its modes (distinct connections, and a single
      // connection with PUT reservations), as the graphql-sse client speaks it. /graphql
      // also answers SSE in distinct-connections mode, as Yoga does by itself.
      useGraphQLSSE(GRAPHQL_SSE_ENDPOINT),
    ],
  });
}
