import type { GraphQLContext } from '../graphql/context.js';
import type { UserRow } from '../store/index.js';
import type { Feed } from './feeds.js';
import { roomSubscription } from './room-subscription.js';

/**
 * A room subscription, once the viewer is authorized and `afterSeq` is known: over
 * graphql-ws the subscriber joins the shared fan-out (one execution per selection
 * group); over SSE it gets a stream of its own. Both replay what is past `afterSeq`
 * first, then continue live, with no gap or duplicate at the seam.
 */
export async function streamRoom<T>(
  ctx: GraphQLContext,
  feed: Feed<T>,
  roomId: string,
  viewer: UserRow,
  afterSeq: number | null,
): Promise<AsyncIterable<T>> {
  const { store, fanout } = ctx.services;
  if (ctx.fanout) return fanout.subscribe(feed, roomId, viewer, afterSeq, ctx.fanout);

  return roomSubscription<T>(ctx, roomId, feed.field, async ({ push: send, live, stopped }) => {
    const push = (value: T) => {
      fanout.delivered(1, feed.createdAt(value));
      return send(value);
    };
    // Live events are buffered from before the replay's first read, so the seam has no
    // gap; anything at or below the last replayed position is a duplicate.
    let last = afterSeq ?? 0;
    let replaying = afterSeq !== null;
    const early: T[] = [];
    await live({
      change: (change) => {
        const value = feed.pick(change);
        if (value === undefined) return;
        if (replaying) early.push(value);
        else if (feed.position(value) > last) {
          last = feed.position(value);
          void push(value);
        }
      },
    });
    if (afterSeq === null) return;
    for await (const batch of feed.replay(store, roomId, last)) {
      for (const value of batch) {
        if (stopped()) return;
        last = feed.position(value);
        await push(value);
      }
    }
    for (const value of early) {
      if (feed.position(value) > last) {
        last = feed.position(value);
        void push(value);
      }
    }
    replaying = false;
  });
}
