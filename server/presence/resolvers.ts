import type { Resolvers } from '../graphql/generated/resolvers.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import type { PresenceBatchState, PresenceState } from '../realtime/room-hub.js';
import { roomSubscription } from '../graphql/room-subscription.js';
import { asIs } from '../realtime/fanout.js';

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
        const { presence, fanout } = ctx.services;
        const count = async (): Promise<PresenceBatchState> => ({
          joined: [],
          joinedCount: 0,
          left: [],
          leftCount: 0,
          onlineCount: await presence.count(room.id),
        });
        // Over graphql-ws, a batch is executed once for everyone who subscribed alike; the
        // count is read once the room is heard, and every batch heard after it follows it.
        if (ctx.fanout) {
          const viewer = requireViewer(ctx);
          return fanout.subscribeSignals('roomPresence', room.id, viewer, ctx.fanout, asIs, count, (deliver) => ({
            presenceBatch: deliver,
          }));
        }
        // The count first, read before hearing the room: every batch heard after it is newer.
        return roomSubscription<PresenceBatchState>(ctx, room.id, 'roomPresence', async ({ push, live }) => {
          void push(await count());
          await live({ presenceBatch: (batch) => void push(batch) });
        });
      },
      resolve: (batch: PresenceBatchState) => batch,
    },
  },
};
