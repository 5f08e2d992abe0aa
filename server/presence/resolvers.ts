import type { Resolvers } from '../graphql/generated/resolvers.js';
import { requireRoom } from '../graphql/guards.js';
import type { PresenceBatchState, PresenceState } from '../realtime/room-hub.js';
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
    roomPresence: {
      subscribe: async (_root, { roomId }, ctx) => {
        const room = await requireRoom(ctx, roomId);
        const { presence } = ctx.services;
        return roomSubscription<PresenceBatchState>(ctx, room.id, 'roomPresence', async ({ push, live }) => {
          // The count first, read before hearing the room: every batch heard after it is newer.
          void push({ joined: [], joinedCount: 0, left: [], leftCount: 0, onlineCount: await presence.count(room.id) });
          await live({ presenceBatch: (batch) => void push(batch) });
        });
      },
      resolve: (batch: PresenceBatchState) => batch,
    },
  },
};
