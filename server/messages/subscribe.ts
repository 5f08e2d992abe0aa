import type { GraphQLContext } from '../graphql/context.js';
import { badInput } from '../graphql/errors.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import { messageFeed } from '../realtime/feeds.js';
import { streamRoom } from '../graphql/room-stream.js';
import type { MessageRow } from '../store/index.js';

/** `messageAdded(roomId, after)`: authorizes, then streams the room's new messages. */
export async function subscribeToMessages(
  ctx: GraphQLContext,
  roomId: string,
  after: string | null,
): Promise<AsyncIterable<MessageRow>> {
  const viewer = requireViewer(ctx);
  const room = await requireRoom(ctx, roomId);
  const afterSeq = after === null ? null : await ctx.services.store.messageSeq(room.id, after);
  if (after !== null && afterSeq === undefined)
    throw badInput(`"${after}" is not a message of room "${room.id}".`, 'after');
  return streamRoom(ctx, messageFeed, room.id, viewer, afterSeq ?? null);
}
