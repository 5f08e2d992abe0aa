import { batched } from '../graphql/batch.js';
import type { GraphQLContext } from '../graphql/context.js';
import { requireViewer } from '../graphql/guards.js';
import type { MessageRow, ReadState } from '../store/index.js';

/** The viewer's read state in each room an operation asks about, in one store read. */
export const readState = batched<string, ReadState>((ctx, roomIds) =>
  ctx.services.store.readStates(roomIds, requireViewer(ctx).id),
);

/** Each room's newest message, for all the rooms an operation asks about at once. */
export const lastMessage = batched<string, MessageRow>((ctx, roomIds) => ctx.services.store.lastMessages(roomIds));

/** Messages after the viewer's read marker; their own never count (sending moves it). */
export async function unreadCount(ctx: GraphQLContext, roomId: string): Promise<number> {
  const state = await readState(ctx, roomId);
  return state?.isMember ? Math.max(0, state.lastSeq - state.readSeq) : 0;
}
