import type { Resolvers } from '../graphql/generated/resolvers.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import { RATE_SET_TYPING } from '../limits.js';
import { roomTopic } from '../pubsub/index.js';
import type { TypingState } from '../realtime/room-hub.js';
import { roomSubscription } from '../graphql/room-subscription.js';
import type { UserRow } from '../store/index.js';
import { type TypingBatchState, othersTyping, sameTyping } from './view.js';

export const typingResolvers: Resolvers = {
  Mutation: {
    async setTyping(_root, { roomId, isTyping }, ctx) {
      const viewer = requireViewer(ctx);
      await ctx.services.limiter.consume('setTyping', RATE_SET_TYPING, viewer.id);
      const room = await requireRoom(ctx, roomId);
      await ctx.services.pubsub.publish(roomTopic(room.id), {
        kind: 'typing',
        roomId: room.id,
        user: viewer,
        isTyping,
      });
      return true;
    },
  },

  Subscription: {
    userTyping: {
      subscribe: async (_root, { roomId }, ctx) => {
        const viewer = requireViewer(ctx);
        const room = await requireRoom(ctx, roomId);
        const { hub } = ctx.services;
        return roomSubscription<TypingState>(ctx, room.id, 'userTyping', async ({ push, live }) => {
          // The typists this subscriber was told of: each window's change is told as the
          // stops and starts that take them to the window's picture.
          let shown: readonly UserRow[] = [];
          const show = (next: readonly UserRow[]) => {
            for (const user of shown) if (!next.some((u) => u.id === user.id)) void push({ user, isTyping: false });
            for (const user of next) if (!shown.some((u) => u.id === user.id)) void push({ user, isTyping: true });
            shown = next;
          };
          await live({ typing: (view) => show(othersTyping(view, viewer.id).users) });
          show(othersTyping(hub.typing(room.id), viewer.id).users);
        });
      },
      resolve: (event: TypingState) => event,
    },
    roomTyping: {
      subscribe: async (_root, { roomId }, ctx) => {
        const viewer = requireViewer(ctx);
        const room = await requireRoom(ctx, roomId);
        const { hub } = ctx.services;
        return roomSubscription<TypingBatchState>(ctx, room.id, 'roomTyping', async ({ push, live }) => {
          let told: TypingBatchState | undefined;
          const tell = (next: TypingBatchState) => {
            if (told && sameTyping(told, next)) return; // the window changed only what this viewer is not told
            told = next;
            void push(next);
          };
          await live({ typing: (view) => tell(othersTyping(view, viewer.id)) });
          tell(othersTyping(hub.typing(room.id), viewer.id));
        });
      },
      resolve: (batch: TypingBatchState) => batch,
    },
  },
};
