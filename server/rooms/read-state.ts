import { batched } from '../graphql/batch.js';
import type { GraphQLContext } from '../graphql/context.js';
import { requireViewer } from '../graphql/guards.js';
import type { MessageRow, NotificationLevel, ReadState, RoomKind } from '../store/index.js';

/** The viewer's read state in each room an operation asks about, in one store read. */
export const readState = batched<string, ReadState>((ctx, roomIds) =>
  ctx.services.store.readStates(roomIds, requireViewer(ctx).id),
);

/** Each room's newest message, for all the rooms an operation asks about at once. */
export const lastMessage = batched<string, MessageRow>((ctx, roomIds) => ctx.services.store.lastMessages(roomIds));

/**
 * Messages after the viewer's read marker; their own never count (sending moves it).
 * Answered from what this node keeps of a live sidebar subscriber, else from the store.
 */
export async function unreadCount(ctx: GraphQLContext, roomId: string): Promise<number> {
  const known = ctx.known?.(roomId);
  if (known !== undefined) return known?.unread ?? 0;
  const state = await readState(ctx, roomId);
  return state?.isMember ? Math.max(0, state.lastSeq - state.readSeq) : 0;
}

/** Of the unread messages, those that mention the viewer; in a direct room, all of them. */
export async function mentionCount(ctx: GraphQLContext, room: { id: string; kind: RoomKind }): Promise<number> {
  if (room.kind === 'DIRECT') return unreadCount(ctx, room.id);
  const known = ctx.known?.(room.id);
  if (known !== undefined) return known?.mentions ?? 0;
  const state = await readState(ctx, room.id);
  return state?.isMember ? state.mentions : 0;
}

/** A channel notifies of mentions only, a direct conversation of every message. */
export const defaultLevel = (kind: RoomKind): NotificationLevel => (kind === 'DIRECT' ? 'ALL' : 'MENTIONS');
