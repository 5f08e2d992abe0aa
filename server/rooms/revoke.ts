import type { Logger } from 'pino';
import { ACCESS_TOPIC, type AccessEvent, type AccessLossReason } from '../pubsub/index.js';
import type { RoomChange } from '../store/index.js';
import { tellViewer } from '../realtime/viewer-rooms.js';
import type { Services } from '../services.js';

/**
 * Taking access back, on one node: its room-access cache forgets, and the person's live
 * subscriptions to the room end (graphql-ws and SSE, messages, changes, typing,
 * presence), each with a last error saying why.
 */
export function applyAccessEvent(services: Services, event: AccessEvent): void {
  services.roomAccess.forget(event.roomId, event.userId);
  if (event.userId === null) return;
  services.fanout.revoke(event.roomId, event.userId, event.reason ?? 'REMOVED', event.by);
  services.hub.revoke(event.roomId, event.userId);
}

/**
 * What every node does with a room's changes besides delivering them: a MEMBER_LEFT
 * takes that access back, a change to the room forgets its cached row. The feed fills
 * gaps from the store, so a node whose pub/sub notice (ACCESS_TOPIC) was lost still does
 * it once pub/sub is back, if it serves the room at all.
 */
export function onRoomChange(services: Services, change: RoomChange): void {
  if (change.kind === 'MEMBER_LEFT' && change.user) {
    // A ban was told on ACCESS_TOPIC before this change was announced: this says left or removed.
    const left = change.actor?.id === change.user.id;
    applyAccessEvent(services, {
      kind: 'revoked',
      roomId: change.roomId,
      userId: change.user.id,
      reason: left ? 'LEFT' : 'REMOVED',
      ...(!left && change.actor && { by: change.actor.name }),
    });
  } else if (change.kind === 'ROOM_UPDATED' && !change.user) services.roomAccess.forget(change.roomId, null);
}

/**
 * Takes `userId`'s access to the room back on every node (null: every cached copy of the
 * room, which changed), at once on this one and through the pub/sub on the others; their
 * sidebars hear it too.
 */
export async function takeBack(
  services: Services,
  log: Logger,
  roomId: string,
  userId: string | null,
  reason?: AccessLossReason,
  by?: string,
): Promise<void> {
  const event: AccessEvent = { kind: 'revoked', roomId, userId, ...(reason && { reason }), ...(by && { by }) };
  applyAccessEvent(services, event);
  await services.pubsub.publish(ACCESS_TOPIC, event).catch((error: unknown) => {
    // The other nodes learn it from the room's MEMBER_LEFT once pub/sub is back, and
    // their caches forget within ROOM_ACCESS_CACHE_MS anyway.
    log.warn({ err: error, roomId }, 'access taken back here but not published');
  });
  if (userId !== null) await tellViewer(services, log, userId, { kind: 'membership', roomId, member: false });
}
