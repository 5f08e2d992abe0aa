import { type RoomChange, roomLabel } from './sidebar';

export interface NotifyContext {
  viewer: { id: string; name: string };
  /** document.hidden: nobody is looking at this tab. */
  hidden: boolean;
  /** Notification.permission, or 'unsupported' where the browser has no notifications. */
  permission: NotificationPermission | 'unsupported';
  /** Whether this page has already seen the room's lastMessage (in the list or an event). */
  seenBefore: boolean;
}

export interface DesktopNotification {
  title: string;
  body: string;
  /** The room id: a later notification of the same room replaces the earlier one. */
  tag: string;
  roomId: string;
  messageId: string;
}

/** Whether the room's notification level lets this message through. */
export function levelAllows(room: Pick<RoomChange, 'notificationLevel' | 'kind'>, mentionsViewer: boolean): boolean {
  switch (room.notificationLevel) {
    case 'ALL':
      return true;
    case 'MENTIONS':
      return mentionsViewer || room.kind === 'DIRECT';
    case 'NOTHING':
      return false;
  }
}

const BODY_MAX = 180; // characters of the message shown

/**
 * The desktop notification a `viewerRoomsChanged` event calls for, if any: a message not
 * seen before, by someone else, while the tab is hidden and permission is granted, in a
 * room whose level lets it through (ALL: any; MENTIONS: the viewer's mentions and direct
 * rooms; NOTHING: none).
 */
export function notificationFor(room: RoomChange, context: NotifyContext): DesktopNotification | null {
  const message = room.lastMessage;
  if (!message || context.seenBefore || !room.isMember) return null;
  if (!context.hidden || context.permission !== 'granted') return null;
  if (message.author.id === context.viewer.id) return null;
  const mentionsViewer = message.mentions.some((user) => user.id === context.viewer.id);
  if (!levelAllows(room, mentionsViewer)) return null;
  const author = message.author.name;
  const title = room.kind === 'DIRECT' ? author : `${author} in #${roomLabel(room, context.viewer.name)}`;
  const body = message.text.length > BODY_MAX ? `${message.text.slice(0, BODY_MAX - 1)}…` : message.text;
  return { title, body, tag: room.id, roomId: room.id, messageId: message.id };
}

/** Where a notification's click leads: the room, scrolled to the message. */
export function messageHref(roomId: string, messageId: string): string {
  return `/rooms/${encodeURIComponent(roomId)}#message-${encodeURIComponent(messageId)}`;
}
