import type { Message } from './types';

/** Where the viewer's reading stood when the room was opened. */
export interface ReadPoint {
  /** The seq of the room's newest message then, or 0 in an empty room. */
  lastSeq: number;
  /** Messages by others after the viewer's read marker then. */
  unreadCount: number;
}

/**
 * The seq of the first message the viewer had not read, or null when nothing was unread.
 * The server's unread count is the room's newest position minus the read marker, and
 * sending moves the marker, so the first unread one is `lastSeq - unreadCount + 1`.
 */
export function firstUnreadSeq({ lastSeq, unreadCount }: ReadPoint): number | null {
  if (unreadCount <= 0 || lastSeq <= 0) return null;
  return Math.max(1, lastSeq - unreadCount + 1);
}

/** The seq the viewer's read marker stood at: what markRead needs to move past. */
export function readMarkerSeq({ lastSeq, unreadCount }: ReadPoint): number {
  return Math.max(0, lastSeq - Math.max(0, unreadCount));
}

/**
 * The message the "New" divider goes above: the first held one at or after `fromSeq`
 * that someone else wrote (the viewer's own messages are never new to them). None while
 * the first unread one is older than the loaded history (`hasOlder`): the divider would
 * stand in the wrong place.
 */
export function dividerMessageId(
  messages: readonly Message[],
  fromSeq: number | null,
  viewerId: string,
  hasOlder = false,
) {
  if (fromSeq === null) return null;
  const oldest = messages[0];
  if (hasOlder && (!oldest || oldest.seq > fromSeq)) return null;
  return messages.find((m) => m.seq >= fromSeq && m.author.id !== viewerId)?.id ?? null;
}

/**
 * The newest message markRead should be called with, or null when the marker already
 * stands there (or past it).
 */
export function markReadTarget(messages: readonly Message[], markedSeq: number): Message | null {
  const newest = messages.at(-1);
  return newest && newest.seq > markedSeq ? newest : null;
}
