import type { Resolvers } from '../graphql/generated/resolvers.js';
import { badInput } from '../graphql/errors.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import {
  CLIENT_ID_MAX_CHARS,
  HISTORY_PAGE_DEFAULT,
  HISTORY_PAGE_MAX,
  MESSAGE_MAX_CHARS,
  RATE_SEND_MESSAGE,
} from '../limits.js';
import { roomTopic } from '../pubsub/index.js';
import type { MessageRow } from '../store/index.js';
import { charCount } from '../text.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { subscribeToMessages } from './subscribe.js';

export const messageResolvers: Resolvers = {
  Room: {
    async messages(room, { last, before }, ctx) {
      const count = last ?? HISTORY_PAGE_DEFAULT;
      if (!Number.isInteger(count) || count < 1 || count > HISTORY_PAGE_MAX) {
        throw badInput(`last must be from 1 to ${HISTORY_PAGE_MAX}.`, 'last');
      }
      const beforeSeq = before ? decodeCursor(before) : null;
      // One extra row tells whether an older page exists.
      const rows = await ctx.services.store.messagesBefore(room.id, beforeSeq, count + 1);
      const hasPreviousPage = rows.length > count;
      const page = hasPreviousPage ? rows.slice(1) : rows;
      const edges = page.map((node) => ({ cursor: encodeCursor(node.seq), node }));
      return {
        edges,
        pageInfo: {
          hasPreviousPage,
          hasNextPage: beforeSeq !== null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  },

  Message: {
    createdAt: (message) => message.createdAt,
  },

  Mutation: {
    async sendMessage(_root, { roomId, text, clientId }, ctx) {
      const viewer = requireViewer(ctx);
      const { limiter, store, pubsub, metrics, hub } = ctx.services;
      await limiter.consume('sendMessage', RATE_SEND_MESSAGE, viewer.id);
      const body = text.trim();
      if (body.length === 0) throw badInput('A message needs some text.', 'text');
      if (charCount(body) > MESSAGE_MAX_CHARS)
        throw badInput(`Messages are at most ${MESSAGE_MAX_CHARS} characters.`, 'text');
      if (clientId != null && (clientId.length === 0 || charCount(clientId) > CLIENT_ID_MAX_CHARS)) {
        throw badInput(`clientId is 1–${CLIENT_ID_MAX_CHARS} characters.`, 'clientId');
      }
      const room = await requireRoom(ctx, roomId);
      const { message, created } = await store.appendMessage({
        roomId: room.id,
        author: viewer,
        text: body,
        clientId: clientId ?? null,
        createdAt: Date.now(),
      });
      if (created) {
        metrics.messagesSent.inc();
        // Stored first, then announced. The message is accepted once stored: when pub/sub
        // is down this node's subscribers still get it, and the other nodes' fill the gap
        // from the store when it is back.
        const event = { kind: 'message', message } as const;
        await pubsub.publish(roomTopic(room.id), event).catch((error: unknown) => {
          ctx.log.warn({ err: error, roomId: room.id, seq: message.seq }, 'message stored but not published');
          hub.offer(room.id, event);
        });
      }
      return message;
    },
  },

  Subscription: {
    messageAdded: {
      subscribe: (_root, { roomId, after }, ctx) => subscribeToMessages(ctx, roomId, after ?? null),
      // Runs once per subscriber (SSE) or once per group (graphql-ws fan-out): the
      // delivery metrics are counted where frames are written, not here.
      resolve: (message: MessageRow) => message,
    },
  },
};
