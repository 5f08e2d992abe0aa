import { describe, expect, it } from 'vitest';
import {
  type SidebarRoom,
  directRoomName,
  hasNewMessage,
  initialSidebarState,
  roomLabel,
  sidebarReducer,
  sidebarSections,
  titleWithCount,
  totalUnread,
  unreadLabel,
} from '../../web/lib/chat/sidebar';
import { alice, bob } from './fixtures';

function room(id: string, change: Partial<SidebarRoom> = {}): SidebarRoom {
  return {
    id,
    name: id,
    kind: 'CHANNEL',
    isPrivate: false,
    isMember: true,
    viewerRole: 'MEMBER',
    unreadCount: 0,
    mentionCount: 0,
    notificationLevel: 'MENTIONS',
    online: [],
    people: [],
    lastMessage: null,
    ...change,
  };
}

function last(seq: number, author = bob): NonNullable<SidebarRoom['lastMessage']> {
  return { id: `m${seq}`, seq, text: `message ${seq}`, createdAt: '2026-01-01T12:00:00.000Z', author, mentions: [] };
}

const ids = (rooms: readonly SidebarRoom[]) => rooms.map((r) => r.id);

describe('the sidebar, kept by viewerRoomsChanged', () => {
  const start = initialSidebarState([
    room('a', { lastMessage: last(5) }),
    room('b', { lastMessage: last(3) }),
    room('c', { lastMessage: last(9) }),
  ]);

  it('moves a room with a new message to the top, with its new counts', () => {
    const next = sidebarReducer(start, { type: 'event', room: room('c', { lastMessage: last(10), unreadCount: 1 }) });
    expect(ids(next.rooms)).toEqual(['c', 'a', 'b']);
    expect(next.rooms[0]?.unreadCount).toBe(1);
  });

  it('keeps the place of a room whose counts or level changed without a new message', () => {
    const next = sidebarReducer(start, {
      type: 'event',
      room: room('b', { lastMessage: last(3), unreadCount: 0, notificationLevel: 'NOTHING' }),
    });
    expect(ids(next.rooms)).toEqual(['a', 'b', 'c']);
    expect(next.rooms[1]?.notificationLevel).toBe('NOTHING');
  });

  it('puts a new room (a new direct room, an invitation) on top', () => {
    const next = sidebarReducer(start, { type: 'event', room: room('dm', { kind: 'DIRECT', isPrivate: true }) });
    expect(ids(next.rooms)).toEqual(['dm', 'a', 'b', 'c']);
  });

  it('drops a private room the viewer left, and keeps a public one as not joined', () => {
    const withPrivate = sidebarReducer(start, { type: 'event', room: room('p', { isPrivate: true }) });
    const left = sidebarReducer(withPrivate, {
      type: 'event',
      room: room('p', { isPrivate: true, isMember: false, viewerRole: null }),
    });
    expect(ids(left.rooms)).toEqual(['a', 'b', 'c']);
    const leftPublic = sidebarReducer(start, {
      type: 'event',
      room: room('b', { isMember: false, viewerRole: null, lastMessage: last(3) }),
    });
    expect(ids(leftPublic.rooms)).toEqual(['a', 'b', 'c']);
    expect(sidebarSections(leftPublic.rooms).discover.map((r) => r.id)).toEqual(['b']);
  });

  it('does not raise the badge of the room the viewer is reading at its newest message', () => {
    const next = sidebarReducer(start, {
      type: 'event',
      room: room('a', { lastMessage: last(6), unreadCount: 1, mentionCount: 1 }),
      readingRoomId: 'a',
    });
    expect(next.rooms[0]).toMatchObject({ id: 'a', unreadCount: 0, mentionCount: 0 });
    // Another room's message counts as usual.
    const other = sidebarReducer(next, {
      type: 'event',
      room: room('b', { lastMessage: last(4), unreadCount: 1 }),
      readingRoomId: 'a',
    });
    expect(other.rooms[0]).toMatchObject({ id: 'b', unreadCount: 1 });
  });

  it('clears a badge as soon as the viewer has seen the room, and keeps it clear for counts that lag', () => {
    const unread = sidebarReducer(start, { type: 'event', room: room('b', { lastMessage: last(4), unreadCount: 2 }) });
    const seen = sidebarReducer(unread, { type: 'read', roomId: 'b', seq: 4 });
    expect(seen.rooms.find((r) => r.id === 'b')?.unreadCount).toBe(0);
    // A late event or list about what was already seen does not bring the badge back...
    const late = sidebarReducer(seen, { type: 'event', room: room('b', { lastMessage: last(4), unreadCount: 2 }) });
    expect(late.rooms.find((r) => r.id === 'b')?.unreadCount).toBe(0);
    const list = sidebarReducer(seen, {
      type: 'snapshot',
      rooms: [room('b', { lastMessage: last(4), unreadCount: 2 })],
    });
    expect(list.rooms[0]?.unreadCount).toBe(0);
    // ...but a newer message does.
    const newer = sidebarReducer(seen, { type: 'event', room: room('b', { lastMessage: last(5), unreadCount: 1 }) });
    expect(newer.rooms[0]).toMatchObject({ id: 'b', unreadCount: 1 });
  });

  it('takes a read in another tab (an event with no unread) as it comes', () => {
    const unread = sidebarReducer(start, { type: 'event', room: room('b', { lastMessage: last(4), unreadCount: 2 }) });
    const read = sidebarReducer(unread, { type: 'event', room: room('b', { lastMessage: last(4), unreadCount: 0 }) });
    expect(read.rooms[0]).toMatchObject({ id: 'b', unreadCount: 0 });
  });

  it('tells a new message from the same one again', () => {
    expect(hasNewMessage(room('a', { lastMessage: last(5) }), room('a', { lastMessage: last(5) }))).toBe(false);
    expect(hasNewMessage(room('a', { lastMessage: last(5) }), room('a', { lastMessage: last(6) }))).toBe(true);
    expect(hasNewMessage(room('a'), room('a', { lastMessage: last(1) }))).toBe(true);
    expect(hasNewMessage(room('a', { lastMessage: last(5) }), room('a', { lastMessage: last(4) }))).toBe(false);
  });
});

describe('sections, counts and names', () => {
  const rooms = [
    room('general', { unreadCount: 3, mentionCount: 1 }),
    room('dm', { kind: 'DIRECT', isPrivate: true, unreadCount: 2, notificationLevel: 'ALL' }),
    room('muted', { unreadCount: 7, notificationLevel: 'NOTHING' }),
    room('lobby', { isMember: false, viewerRole: null }),
    room('secret', { isPrivate: true, isMember: false }),
  ];

  it('splits joined channels, direct rooms and public rooms not joined, keeping the order', () => {
    const sections = sidebarSections(rooms);
    expect(ids(sections.channels)).toEqual(['general', 'muted']);
    expect(ids(sections.direct)).toEqual(['dm']);
    expect(ids(sections.discover)).toEqual(['lobby']);
  });

  it('counts unread messages of joined rooms that are not muted', () => {
    expect(totalUnread(rooms)).toBe(5);
    expect(totalUnread([])).toBe(0);
  });

  it('puts the count in front of the title, replacing an old one, and none at zero', () => {
    expect(titleWithCount('#General · Parley', 3)).toBe('(3) #General · Parley');
    expect(titleWithCount('(3) #General · Parley', 12)).toBe('(12) #General · Parley');
    expect(titleWithCount('(3) #General · Parley', 0)).toBe('#General · Parley');
    expect(titleWithCount('Parley', 0)).toBe('Parley');
  });

  it('names a direct room after the others', () => {
    expect(directRoomName(`${alice.name}, ${bob.name}`, 'ALICE')).toBe(bob.name);
    expect(directRoomName('alice, bob, carol', 'bob')).toBe('alice, carol');
    expect(directRoomName('alice', 'alice')).toBe('alice');
    expect(roomLabel({ name: 'alice, bob', kind: 'DIRECT' }, 'bob')).toBe('alice');
    expect(roomLabel({ name: 'alice, bob', kind: 'CHANNEL' }, 'bob')).toBe('alice, bob');
  });

  it('names a direct room after the names its people chose, the newest heard first', () => {
    const people = [
      { id: '1', name: 'alice', displayName: 'Alice Liddell' },
      { id: '2', name: 'bob', displayName: null },
      { id: '3', name: 'carol', displayName: '  ' },
    ];
    const room = { name: 'alice, bob, carol', kind: 'DIRECT' as const, people };
    // The viewer is left out, whatever the case of their name; a blank display name is none.
    expect(roomLabel(room, 'BOB')).toBe('Alice Liddell, carol');
    // A name changed while the page is open wins over the one the page was given.
    const profiles = new Map([
      ['1', { id: '1', name: 'alice', displayName: null }],
      ['3', { id: '3', name: 'carol', displayName: 'Carol K' }],
    ]);
    expect(roomLabel(room, 'bob', profiles)).toBe('alice, Carol K');
    // Without its people (an older answer), the room's own name, without the viewer.
    expect(roomLabel({ ...room, people: [] }, 'bob')).toBe('alice, carol');
    // A channel is its name, whoever is in it.
    expect(roomLabel({ ...room, kind: 'CHANNEL' }, 'bob')).toBe('alice, bob, carol');
  });

  it('says the counts in words', () => {
    expect(unreadLabel(3, 1)).toBe('3 unread, 1 mention');
    expect(unreadLabel(3, 2)).toBe('3 unread, 2 mentions');
    expect(unreadLabel(0, 0)).toBe('');
  });
});
