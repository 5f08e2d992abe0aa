import type { Resolvers } from '../graphql/generated/resolvers.js';
import { badInput, roomNotFound } from '../graphql/errors.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import { changeFeed } from '../realtime/feeds.js';
import { streamRoom } from '../graphql/room-stream.js';
import type { RoomChange } from '../store/index.js';
import { decodeEventCursor, encodeEventCursor } from './cursor.js';
import { changeSeqSnapshot } from './snapshot.js';

export const eventResolvers: Resolvers = {
  RoomEvent: {
    cursor: (change) => encodeEventCursor(change.roomId, change.seq),
    async room(change, _args, ctx) {
      const room = await ctx.services.store.room(change.roomId);
      if (!room) throw roomNotFound(change.roomId);
      return room;
    },
  },

  Room: {
    eventCursor: async (room, _args, ctx) => encodeEventCursor(room.id, await changeSeqSnapshot(ctx, room.id)),
  },

  Subscription: {
    roomEvents: {
      async subscribe(_root, { roomId, after }, ctx) {
        const viewer = requireViewer(ctx);
        const room = await requireRoom(ctx, roomId);
        let afterSeq: number | null = null;
        if (after != null) {
          afterSeq = decodeEventCursor(after, room.id);
          // A cursor past the room's newest change would silently skip what comes next.
          if (afterSeq > (await ctx.services.store.lastChangeSeq(room.id)))
            throw badInput('This cursor is ahead of the room: read eventCursor again.', 'after');
        }
        return streamRoom(ctx, changeFeed, room.id, viewer, afterSeq);
      },
      resolve: (change: RoomChange) => change,
    },
  },
};
