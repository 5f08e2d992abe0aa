import { Repeater } from 'graphql-yoga';
import type { GraphQLContext } from './context.js';
import { requireViewer } from './guards.js';
import { SUBSCRIPTION_MAX_PENDING_EVENTS } from '../limits.js';
import type { RoomListener } from '../realtime/room-hub.js';
import { dropSlowConsumer } from '../realtime/slow-consumer.js';

export interface SubscriptionControl<T> {
  /** Hands a value to the subscriber; resolves once it has been taken (backpressure). */
  push(value: T): Promise<unknown>;
  /** Starts hearing the room; once it resolves, the viewer counts as online there. */
  live(listener: RoomListener): Promise<void>;
  /** True once the subscriber has gone: stop replaying. */
  stopped(): boolean;
}

/**
 * The lifecycle every room subscription shares: room events through this node's hub,
 * presence while it lives, the active-subscription gauge, and guaranteed cleanup when
 * the client completes, disconnects or errors (Repeater runs `finally` on return()).
 */
export function roomSubscription<T>(
  ctx: GraphQLContext,
  roomId: string,
  field: string,
  setup: (control: SubscriptionControl<T>) => Promise<void>,
): AsyncIterable<T> {
  const viewer = requireViewer(ctx);
  const { hub, presence, metrics } = ctx.services;
  return new Repeater<T>(async (repeaterPush, stop) => {
    const { push, stopped } = boundedPush(ctx, field, repeaterPush, stop);
    const cleanups: (() => void)[] = [];
    metrics.activeSubscriptions.inc({ field });
    try {
      await setup({
        push,
        stopped,
        live: async (listener) => {
          cleanups.push(await hub.listen(roomId, { ...listener, viewerId: viewer.id, revoked: () => stop() }));
          cleanups.push(await presence.enter(roomId, viewer));
        },
      });
      await stop;
    } finally {
      for (const cleanup of cleanups.reverse()) cleanup();
      metrics.activeSubscriptions.dec({ field });
    }
  });
}

/**
 * A stream's push, and its end when its token is revoked (SSE: a socket is closed by the
 * transport instead). The push drops a subscriber who stops taking events (graphql-ws takes
 * the next only once the last frame was written) before Repeater's queue overflows: the
 * overflow would throw inside the delivery loop and starve every listener after this one.
 */
export function boundedPush<T>(
  ctx: GraphQLContext,
  field: string,
  repeaterPush: (value: T) => Promise<unknown>,
  stop: Promise<unknown> & (() => void),
): { push(value: T): Promise<unknown>; stopped(): boolean } {
  const { metrics } = ctx.services;
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  // A stream of its own (SSE) ends when its token is revoked; a socket is closed instead.
  if (!ctx.socket && ctx.tokenHash) {
    const unwatch = ctx.services.sessions.whileValid(ctx.tokenHash, () => stop());
    void stop.then(unwatch);
  }
  let pending = 0;
  const push = (value: T): Promise<unknown> => {
    if (stopped) return Promise.resolve();
    if (pending >= SUBSCRIPTION_MAX_PENDING_EVENTS) {
      stopped = true;
      const { socket } = ctx;
      // Over graphql-ws, drop the socket, as the fan-out drops one that does not read;
      // over SSE, end this stream (what is queued stays bounded).
      if (socket) dropSlowConsumer(socket, { metrics, log: ctx.log }, { field, pending });
      else {
        metrics.rejected.inc({ reason: 'slow_consumer' });
        ctx.log.warn({ field, pending }, 'ending a stream whose client does not take its events');
        stop();
      }
      return Promise.resolve();
    }
    pending += 1;
    const taken = repeaterPush(value);
    void taken.then(
      () => (pending -= 1),
      () => (pending -= 1),
    );
    return taken;
  };
  return { push, stopped: () => stopped };
}
