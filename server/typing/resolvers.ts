import type { Resolvers } from '../graphql/generated/resolvers.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import { RATE_SET_TYPING } from '../limits.js';
import { roomTopic } from '../pubsub/index.js';
import type { TypingState } from '../realtime/room-hub.js';
import { roomSubscription } from '../graphql/room-subscription.js';

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
        return roomSubscription<TypingState>(ctx, room.id, 'userTyping', async ({ push, live }) => {
          // The one place a user's own typing is filtered out: by user, so none of
          // their connections (a second tab, a phone) hears it either.
          await live({
            typing: (event) => {
              if (event.user.id !== viewer.id) void push(event);
            },
          });
          for (const user of ctx.services.hub.typing(room.id)) {
            if (user.id !== viewer.id) void push({ user, isTyping: true });
          }
        });
      },
      resolve: (event: TypingState) => event,
    },
  },
};
