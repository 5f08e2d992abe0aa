import type { Logger } from 'pino';
import { type PubSub, roomTopic } from '../pubsub/index.js';
import type { RoomChange } from '../store/index.js';
import type { RoomHub } from './room-hub.js';

/**
 * Tells every node's subscribers of a stored change. The change is accepted once stored:
 * when pub/sub is down this node's subscribers still get it, and the other nodes fill
 * the gap from the store when it is back (realtime/room-hub.ts).
 */
export async function announce(
  { pubsub, hub }: { readonly pubsub: PubSub; readonly hub: RoomHub },
  log: Logger,
  change: RoomChange,
): Promise<void> {
  const event = { kind: 'change', change } as const;
  await pubsub.publish(roomTopic(change.roomId), event).catch((error: unknown) => {
    log.warn({ err: error, roomId: change.roomId, seq: change.seq }, 'change stored but not published');
    hub.offer(change.roomId, event);
  });
}
