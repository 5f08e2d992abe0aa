import type { Resolvers } from '../graphql/generated/resolvers.js';
import { requireRoom } from '../graphql/guards.js';
import type { PresenceState } from '../realtime/room-hub.js';
import { roomSubscription } from '../graphql/room-subscription.js';

export const presenceResolvers: Resolvers = {
  Subscription: {
    presenceChanged: {
      subscribe: async (_root, { roomId }, ctx) => {
        const room = await requireRoom(ctx, roomId);
        return roomSubscription<PresenceState>(ctx, room.id, 'presenceChanged', async ({ push, live }) => {
          await live({ presence: (event) => void push(event) });
        });
      },
      resolve: (event: PresenceState) => event,
    },
  },
};
