import type { NotificationLevel, SidebarQuery, ViewerRoomsChangedSubscription } from '@/gql/graphql';
import { type Profiles, shownProfile } from '../profile';
import type { User } from './types';

/** A room as the sidebar shows it: from the `rooms` list or a `viewerRoomsChanged` event. */
export type SidebarRoom = SidebarQuery['rooms'][number];
export type RoomChange = ViewerRoomsChangedSubscription['viewerRoomsChanged'];
export type { NotificationLevel };

export interface SidebarState {
  /** Latest activity first, as the server ordered them, then moved by live events. */
  rooms: SidebarRoom[];
  /**
   * Per room, the newest `seq` this page has shown the viewer at the bottom of a visible
   * room. A count that arrives about messages at or before it is already read here (the
   * server hears of it a moment later, through markRead).
   */
  readSeq: Readonly<Record<string, number>>;
}

export type SidebarAction =
  | { type: 'snapshot'; rooms: readonly SidebarRoom[] }
  /** `readingRoomId`: the room open, visible and scrolled to its newest message, if any. */
  | { type: 'event'; room: RoomChange; readingRoomId?: string | null }
  | { type: 'read'; roomId: string; seq: number };

/** Room counts, zeroed when this page has already shown the viewer everything in it. */
function withReadState(room: SidebarRoom, readSeq: number | undefined): SidebarRoom {
  const last = room.lastMessage?.seq;
  if (readSeq === undefined || last === undefined || last > readSeq) return room;
  if (room.unreadCount === 0 && room.mentionCount === 0) return room;
  return { ...room, unreadCount: 0, mentionCount: 0 };
}

export function initialSidebarState(rooms: readonly SidebarRoom[]): SidebarState {
  return { rooms: [...rooms], readSeq: {} };
}

/** Whether `next` brings a message newer than the one `previous` showed. */
export function hasNewMessage(previous: SidebarRoom | undefined, next: SidebarRoom): boolean {
  const message = next.lastMessage;
  if (!message) return false;
  const before = previous?.lastMessage;
  return !before || (message.id !== before.id && message.seq > before.seq);
}

/**
 * The sidebar's rooms, kept by the `rooms` list and then by `viewerRoomsChanged`: an
 * event replaces its room; one that brings a new message moves it to the top (latest
 * activity first, like the server's order); a new room goes on top; a private room the
 * viewer left or was removed from goes away (a public one stays, under "Public rooms").
 */
export function sidebarReducer(state: SidebarState, action: SidebarAction): SidebarState {
  switch (action.type) {
    case 'snapshot':
      return { ...state, rooms: action.rooms.map((room) => withReadState(room, state.readSeq[room.id])) };
    case 'event': {
      const change = action.room;
      const index = state.rooms.findIndex((room) => room.id === change.id);
      const previous = index === -1 ? undefined : state.rooms[index];
      const rest = index === -1 ? state.rooms : state.rooms.filter((_, i) => i !== index);
      if (!change.isMember && change.isPrivate) return { ...state, rooms: rest };
      let readSeq = state.readSeq;
      const seq = change.lastMessage?.seq;
      if (action.readingRoomId === change.id && seq !== undefined && seq > (readSeq[change.id] ?? 0)) {
        readSeq = { ...readSeq, [change.id]: seq };
      }
      const room = withReadState(change, readSeq[change.id]);
      const rooms =
        previous && !hasNewMessage(previous, change)
          ? state.rooms.map((r, i) => (i === index ? room : r))
          : [room, ...rest];
      return { rooms, readSeq };
    }
    case 'read': {
      if ((state.readSeq[action.roomId] ?? 0) >= action.seq) return state;
      const readSeq = { ...state.readSeq, [action.roomId]: action.seq };
      return {
        readSeq,
        rooms: state.rooms.map((room) => (room.id === action.roomId ? withReadState(room, action.seq) : room)),
      };
    }
  }
}

export interface SidebarSections {
  channels: SidebarRoom[];
  direct: SidebarRoom[];
  /** Public rooms the viewer has not joined. */
  discover: SidebarRoom[];
}

export function sidebarSections(rooms: readonly SidebarRoom[]): SidebarSections {
  const sections: SidebarSections = { channels: [], direct: [], discover: [] };
  for (const room of rooms) {
    if (room.isMember) (room.kind === 'DIRECT' ? sections.direct : sections.channels).push(room);
    else if (!room.isPrivate && room.kind === 'CHANNEL') sections.discover.push(room);
  }
  return sections;
}

/** Whether a room counts towards badges and the tab title: joined and not muted. */
export function isCounted(room: Pick<SidebarRoom, 'isMember' | 'notificationLevel'>): boolean {
  return room.isMember && room.notificationLevel !== 'NOTHING';
}

/** Messages waiting over all joined rooms that are not muted: the "(N)" of the tab title. */
export function totalUnread(rooms: readonly SidebarRoom[]): number {
  return rooms.reduce((sum, room) => sum + (isCounted(room) ? room.unreadCount : 0), 0);
}

const COUNT_PREFIX = /^\(\d+\)\s+/;

/** `title` with "(N) " in front for N > 0, replacing any count already there. */
export function titleWithCount(title: string, count: number): string {
  const bare = title.replace(COUNT_PREFIX, '');
  return count > 0 ? `(${count}) ${bare}` : bare;
}

/**
 * A direct room's name without the viewer: the server names it after everyone in it
 * ("alice, bob"), and the viewer knows they are there.
 */
export function directRoomName(name: string, viewerName: string): string {
  const people = name.split(', ');
  const index = people.findIndex((person) => person.toLowerCase() === viewerName.toLowerCase());
  const others = index === -1 ? people : people.filter((_, i) => i !== index);
  return others.length > 0 ? others.join(', ') : name;
}

/**
 * What a room is called for the viewer: a channel by its name, a direct room by the others
 * in it, each by the name they chose (the newest heard in `profiles`, else the one the
 * page was given), else by their user names as the room's name has them.
 */
export function roomLabel(
  room: { name: string; kind?: SidebarRoom['kind']; people?: readonly User[] },
  viewerName: string,
  profiles?: Profiles,
): string {
  if (room.kind !== 'DIRECT') return room.name;
  const viewerKey = viewerName.toLowerCase();
  const others = (room.people ?? []).filter((person) => person.name.toLowerCase() !== viewerKey);
  if (others.length === 0) return directRoomName(room.name, viewerName);
  return others.map((person) => shownProfile(person, profiles?.get(person.id)).name).join(', ');
}

/** "3 unread, 1 mention" for screen readers; empty when there is nothing. */
export function unreadLabel(unread: number, mentions: number): string {
  const parts: string[] = [];
  if (unread > 0) parts.push(`${unread} unread`);
  if (mentions > 0) parts.push(`${mentions} mention${mentions === 1 ? '' : 's'}`);
  return parts.join(', ');
}
