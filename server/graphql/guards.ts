import type { RoomModel } from '../rooms/model.js';
import type { UserRow } from '../store/index.js';
import type { GraphQLContext } from './context.js';
import { forbidden, roomNotFound, unauthenticated } from './errors.js';

/** Why an operation that brought the browser's cookie runs signed out (trusted-documents.ts). */
const COOKIE_SET_ASIDE =
  "This browser is signed in, but its cookie acts only in the web UI's own operations: " +
  'send Authorization: Bearer <token> (in GraphiQL, the Headers tab) to run others.';

export function requireViewer(ctx: GraphQLContext): UserRow {
  if (!ctx.viewer) throw unauthenticated(ctx.cookieSetAside ? COOKIE_SET_ASIDE : undefined);
  return ctx.viewer;
}

/**
 * The room if the viewer may see it. A private room the viewer is not in answers
 * exactly like a missing one: same error, same text, and the same queries. A public
 * room the viewer is banned from is not theirs to read either.
 */
export async function visibleRoom(ctx: GraphQLContext, roomId: string): Promise<RoomModel | undefined> {
  const viewer = requireViewer(ctx);
  const room = await ctx.services.roomAccess.visible(roomId, viewer.id);
  return room?.isBanned ? undefined : room;
}

/** The room the viewer may use, else NOT_FOUND (FORBIDDEN for a public room they are banned from). */
export async function requireRoom(ctx: GraphQLContext, roomId: string): Promise<RoomModel> {
  const viewer = requireViewer(ctx);
  const room = await ctx.services.roomAccess.visible(roomId, viewer.id);
  if (!room) throw roomNotFound(roomId);
  if (room.isBanned) throw forbidden(`You were banned from "${room.name}".`);
  return room;
}
