import { Repeater } from 'graphql-yoga';
import type { GraphQLContext } from '../graphql/context.js';
import { requireViewer } from '../graphql/guards.js';
import type { RoomListener } from './room-hub.js';

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
  return new Repeater<T>(async (push, stop) => {
    let stopped = false;
    void stop.then(() => {
      stopped = true;
    });
    const cleanups: (() => void)[] = [];
    metrics.activeSubscriptions.inc({ field });
    try {
      await setup({
        push,
        stopped: () => stopped,
        live: async (listener) => {
          cleanups.push(await hub.listen(roomId, listener));
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
