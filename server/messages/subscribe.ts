import type { GraphQLContext } from '../graphql/context.js';
import { badInput } from '../graphql/errors.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import { REPLAY_BATCH } from '../limits.js';
import { roomSubscription } from '../realtime/room-subscription.js';
import type { MessageRow } from '../store/index.js';

/**
 * `messageAdded(roomId, after)`: authorizes, then starts the stream. Over graphql-ws the
 * subscriber joins the shared fan-out (one execution per selection group); over SSE it
 * gets its own stream. Both replay past `after` first, with no gap or duplicate at the seam.
 */
export async function subscribeToMessages(
  ctx: GraphQLContext,
  roomId: string,
  after: string | null,
): Promise<AsyncIterable<MessageRow | never>> {
  const viewer = requireViewer(ctx);
  const room = await requireRoom(ctx, roomId);
  const { store, fanout } = ctx.services;
  const afterSeq = after === null ? null : await store.messageSeq(room.id, after);
  if (after !== null && afterSeq === undefined)
    throw badInput(`"${after}" is not a message of room "${room.id}".`, 'after');
  if (ctx.fanout) return fanout.subscribe(room.id, viewer, afterSeq ?? null, ctx.fanout);

  return roomSubscription<MessageRow>(ctx, room.id, 'messageAdded', async ({ push: send, live, stopped }) => {
    const push = (message: MessageRow) => {
      fanout.delivered(1, message);
      return send(message);
    };
    // Live events are buffered from before the replay's first read, so the seam has no
    // gap; anything at or below the last replayed seq is a duplicate.
    let lastSeq = afterSeq ?? 0;
    let replaying = afterSeq !== null;
    const early: MessageRow[] = [];
    await live({
      message: (message) => {
        if (replaying) early.push(message);
        else if (message.seq > lastSeq) {
          lastSeq = message.seq;
          void push(message);
        }
      },
    });
    if (afterSeq === null) return;
    for (;;) {
      const batch = await store.messagesAfter(room.id, lastSeq, REPLAY_BATCH);
      for (const message of batch) {
        if (stopped()) return;
        lastSeq = message.seq;
        await push(message);
      }
      if (batch.length < REPLAY_BATCH || stopped()) break;
    }
    for (const message of early) {
      if (message.seq > lastSeq) {
        lastSeq = message.seq;
        void push(message);
      }
    }
    replaying = false;
  });
}
