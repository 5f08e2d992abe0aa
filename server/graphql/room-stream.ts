import type { GraphQLContext } from './context.js';
import type { UserRow } from '../store/index.js';
import { type Feed, replay } from '../realtime/feeds.js';
import { ReplaySeam } from '../realtime/seam.js';
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
    const seam = new ReplaySeam<T>(afterSeq);
    await live({
      change: (change) => {
        const value = feed.pick(change);
        if (value !== undefined && seam.accept(feed.position(value), value)) void push(value);
      },
    });
    if (afterSeq === null) return;
    for await (const batch of replay((after) => feed.read(store, roomId, after), seam.last)) {
      for (const value of batch) {
        if (stopped()) return;
        seam.replayed(feed.position(value));
        await push(value);
      }
    }
    seam.goLive((value) => void push(value));
  });
}
