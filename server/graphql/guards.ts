import type { RoomModel } from '../rooms/model.js';
import type { UserRow } from '../store/index.js';
import type { GraphQLContext } from './context.js';
import { roomNotFound, unauthenticated } from './errors.js';

export function requireViewer(ctx: GraphQLContext): UserRow {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

/**
 * The room if the viewer may see it. A private room the viewer is not in answers
 * exactly like a missing one: same error, same text, and the same queries.
 */
export async function visibleRoom(ctx: GraphQLContext, roomId: string): Promise<RoomModel | undefined> {
  const viewer = requireViewer(ctx);
  return ctx.services.roomAccess.visible(roomId, viewer.id);
}

export async function requireRoom(ctx: GraphQLContext, roomId: string): Promise<RoomModel> {
  const room = await visibleRoom(ctx, roomId);
  if (!room) throw roomNotFound(roomId);
  return room;
}
