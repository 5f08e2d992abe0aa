import type { Resolvers } from '../graphql/generated/resolvers.js';
import { badInput } from '../graphql/errors.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import {
  CLIENT_ID_MAX_CHARS,
  HISTORY_PAGE_DEFAULT,
  HISTORY_PAGE_MAX,
  MESSAGE_MAX_CHARS,
  RATE_SEND_MESSAGE,
  REPLAY_BATCH,
} from '../limits.js';
import { roomTopic } from '../pubsub/index.js';
import { roomSubscription } from '../realtime/room-subscription.js';
import type { MessageRow } from '../store/index.js';
import { decodeCursor, encodeCursor } from './cursor.js';

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
      const { limiter, store, pubsub, metrics } = ctx.services;
      await limiter.consume('sendMessage', RATE_SEND_MESSAGE, viewer.id);
      const body = text.trim();
      if (body.length === 0) throw badInput('A message needs some text.', 'text');
      if (body.length > MESSAGE_MAX_CHARS)
        throw badInput(`Messages are at most ${MESSAGE_MAX_CHARS} characters.`, 'text');
      if (clientId != null && (clientId.length === 0 || clientId.length > CLIENT_ID_MAX_CHARS)) {
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
        // Stored first, then announced: a failed publish loses no message, and
        // subscribers fill any gap from the store.
        await pubsub.publish(roomTopic(room.id), { kind: 'message', message });
      }
      return message;
    },
  },

  Subscription: {
    messageAdded: {
      subscribe: async (_root, { roomId, after }, ctx) => {
        const room = await requireRoom(ctx, roomId);
        const afterSeq = after == null ? null : await ctx.services.store.messageSeq(room.id, after);
        if (after != null && afterSeq === undefined)
          throw badInput(`"${after}" is not a message of room "${room.id}".`, 'after');
        // Over graphql-ws: the shared path that executes and serializes once per group.
        if (ctx.fanout) return ctx.services.fanout.subscribe(room.id, requireViewer(ctx), afterSeq ?? null, ctx.fanout);
        // Over SSE: one Repeater per subscriber.
        const { fanout } = ctx.services;
        return roomSubscription<MessageRow>(ctx, room.id, 'messageAdded', async ({ push: send, live, stopped }) => {
          const push = (message: MessageRow) => {
            fanout.delivered(1, message);
            return send(message);
          };
          // Live events are buffered from before the replay's first read, so the seam
          // has no gap; anything at or below the last replayed seq is a duplicate.
          let lastSeq = afterSeq ?? 0;
          let replaying = afterSeq !== null;
          const early: MessageRow[] = [];
          await live({
            message: (message) => {
              if (replaying) early.push(message);
              else if (message.seq > lastSeq) {
                lastSeq = message.seq;
                void push(message);
              }
            },
          });
          if (afterSeq === null) return;
          for (;;) {
            const batch = await ctx.services.store.messagesAfter(room.id, lastSeq, REPLAY_BATCH);
            for (const message of batch) {
              if (stopped()) return;
              lastSeq = message.seq;
              await push(message);
            }
            if (batch.length < REPLAY_BATCH || stopped()) break;
          }
          for (const message of early) {
            if (message.seq > lastSeq) {
              lastSeq = message.seq;
              void push(message);
            }
          }
          replaying = false;
        });
      },
      // Runs once per subscriber (SSE) or once per group (graphql-ws fan-out): the
      // delivery metrics are counted where frames are written, not here.
      resolve: (message: MessageRow) => message,
    },
  },
};
