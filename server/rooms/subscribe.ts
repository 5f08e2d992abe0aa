import { Repeater } from 'graphql-yoga';
import type { GraphQLContext } from '../graphql/context.js';
import { requireViewer } from '../graphql/guards.js';
import { boundedPush } from '../graphql/room-subscription.js';
import type { RoomRow } from '../store/index.js';

const FIELD = 'viewerRoomsChanged';

/**
 * `viewerRoomsChanged`: over graphql-ws the subscriber joins the shared delivery
 * (realtime/viewer-rooms.ts: one execution per room change and selection); over SSE it
 * gets the rooms to execute for itself.
 */
export async function viewerRoomsChanged(ctx: GraphQLContext): Promise<AsyncIterable<RoomRow>> {
  const viewer = requireViewer(ctx);
  const { viewerRooms } = ctx.services;
  if (ctx.fanout) return viewerRooms.subscribe(viewer, ctx.fanout);
  return new Repeater<RoomRow>(async (repeaterPush, stop) => {
    const { push } = boundedPush(ctx, FIELD, repeaterPush, stop);
    const leave = await viewerRooms.listen(viewer, (room) => void push(room));
    try {
      await stop;
    } finally {
      leave();
    }
  });
}
