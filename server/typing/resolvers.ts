import type { Resolvers } from '../graphql/generated/resolvers.js';
import type { GraphQLContext } from '../graphql/context.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import { RATE_SET_TYPING } from '../limits.js';
import { roomTopic } from '../pubsub/index.js';
import type { Signal } from '../realtime/fanout.js';
import type { TypingState, TypingView } from '../realtime/room-hub.js';
import { roomSubscription } from '../graphql/room-subscription.js';
import { type TypingBatchState, roomTypingSignal, userTypingSignal } from './view.js';

/**
 * A typing subscription: first what `signal` tells of the room's typing now, then of
 * each window's. Over graphql-ws a window is executed once per distinct thing told, for
 * everyone who subscribed alike; over SSE each stream tells its own.
 */
async function typingSubscription<T>(
  ctx: GraphQLContext,
  roomId: string,
  field: 'userTyping' | 'roomTyping',
  signal: Signal<TypingView>,
): Promise<AsyncIterable<T>> {
  const viewer = requireViewer(ctx);
  const room = await requireRoom(ctx, roomId);
  const { hub, fanout } = ctx.services;
  if (ctx.fanout) {
    return fanout.subscribeSignals(
      field,
      room.id,
      viewer,
      ctx.fanout,
      signal,
      () => hub.typing(room.id),
      (deliver) => ({ typing: deliver }),
    );
  }
  return roomSubscription<T>(ctx, room.id, field, async ({ push, live }) => {
    let told: TypingView | undefined;
    const tell = (now: TypingView) => {
      for (const { value } of signal.tell(viewer.id, told, now)) void push(value as T);
      told = now;
    };
    await live({ typing: tell });
    tell(hub.typing(room.id));
  });
}

export const typingResolvers: Resolvers = {
  Mutation: {
    async setTyping(_root, { roomId, isTyping }, ctx) {
      const viewer = requireViewer(ctx);
      await ctx.services.limiter.consume('setTyping', RATE_SET_TYPING, viewer.id);
      const room = await requireRoom(ctx, roomId);
      await ctx.services.pubsub.publish(roomTopic(room.id), {
        kind: 'typing',
        roomId: room.id,
        user: viewer,
        isTyping,
      });
      return true;
    },
  },

  Subscription: {
    userTyping: {
      subscribe: (_root, { roomId }, ctx) =>
        typingSubscription<TypingState>(ctx, roomId, 'userTyping', userTypingSignal),
      resolve: (event: TypingState) => event,
    },
    roomTyping: {
      subscribe: (_root, { roomId }, ctx) =>
        typingSubscription<TypingBatchState>(ctx, roomId, 'roomTyping', roomTypingSignal),
      resolve: (batch: TypingBatchState) => batch,
    },
  },
};
