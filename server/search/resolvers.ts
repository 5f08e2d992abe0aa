import type { Resolvers } from '../graphql/generated/resolvers.js';
import { decodeCursor, encodeCursor } from '../graphql/cursors.js';
import { badInput } from '../graphql/errors.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import { SEARCH_PAGE_MAX } from '../limits.js';
import { highlights } from './highlight.js';
import { parseSearch } from './query.js';

/** Search cursors carry the message's id: the next page is older than it. */
const encodeSearchCursor = (id: string): string => encodeCursor(`search:${id}`);
const decodeSearchCursor = (cursor: string): string =>
  decodeCursor(cursor, /^search:(\d{1,15})$/, 'after', 'this search')[1]!;

export const searchResolvers: Resolvers = {
  Query: {
    async search(_root, { query, roomId, first, after }, ctx) {
      const viewer = requireViewer(ctx);
      const count = first ?? 20;
      if (!Number.isInteger(count) || count < 1 || count > SEARCH_PAGE_MAX)
        throw badInput(`first must be from 1 to ${SEARCH_PAGE_MAX}.`, 'first');
      const parsed = parseSearch(query);
      const beforeId = after ? decodeSearchCursor(after) : null;
      // A room the viewer may not read is NOT_FOUND, as everywhere.
      const room = roomId ? await requireRoom(ctx, roomId) : null;
      const { store } = ctx.services;
      const author = parsed.from === null ? null : await store.userByName(parsed.from);
      const empty = {
        edges: [],
        pageInfo: { hasPreviousPage: after != null, hasNextPage: false, startCursor: null, endCursor: null },
      };
      // Nobody by that name wrote anything.
      if (parsed.from !== null && !author) return empty;
      // One extra row tells whether another page exists.
      const rows = await store.search({
        userId: viewer.id,
        roomId: room?.id ?? null,
        authorId: author?.id ?? null,
        terms: parsed.terms,
        beforeId,
        limit: count + 1,
      });
      const page = rows.slice(0, count);
      const edges = page.map((node) => ({
        cursor: encodeSearchCursor(node.id),
        node,
        highlights: highlights(node.text, parsed.terms),
      }));
      return {
        edges,
        pageInfo: {
          hasPreviousPage: after != null,
          hasNextPage: rows.length > count,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  },
};
