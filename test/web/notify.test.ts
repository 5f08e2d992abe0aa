import { describe, expect, it } from 'vitest';
import { type NotifyContext, levelAllows, messageHref, notificationFor } from '../../web/lib/chat/notify';
import type { RoomChange } from '../../web/lib/chat/sidebar';
import { alice, bob } from './fixtures';

function change(level: RoomChange['notificationLevel'], kind: RoomChange['kind'], mentionsAlice = false): RoomChange {
  return {
    id: kind === 'DIRECT' ? 'dm-1' : 'general',
    name: kind === 'DIRECT' ? 'alice, bob' : 'General',
    kind,
    isPrivate: kind === 'DIRECT',
    isMember: true,
    viewerRole: 'MEMBER',
    unreadCount: 1,
    mentionCount: mentionsAlice ? 1 : 0,
    notificationLevel: level,
    online: [],
    people: [],
    lastMessage: {
      id: 'm7',
      seq: 7,
      text: mentionsAlice ? '@alice lunch?' : 'lunch?',
      createdAt: '2026-01-01T12:00:00.000Z',
      author: bob,
      mentions: mentionsAlice ? [alice] : [],
    },
  };
}

const hiddenTab: NotifyContext = { viewer: alice, hidden: true, permission: 'granted', seenBefore: false };

describe('desktop notifications', () => {
  it('follows the room level: ALL any message, MENTIONS mentions and direct rooms, NOTHING none', () => {
    expect(levelAllows({ notificationLevel: 'ALL', kind: 'CHANNEL' }, false)).toBe(true);
    expect(levelAllows({ notificationLevel: 'MENTIONS', kind: 'CHANNEL' }, false)).toBe(false);
    expect(levelAllows({ notificationLevel: 'MENTIONS', kind: 'CHANNEL' }, true)).toBe(true);
    expect(levelAllows({ notificationLevel: 'MENTIONS', kind: 'DIRECT' }, false)).toBe(true);
    expect(levelAllows({ notificationLevel: 'NOTHING', kind: 'DIRECT' }, true)).toBe(false);
  });

  it('shows a direct message under its author, a channel message with its room', () => {
    expect(notificationFor(change('ALL', 'DIRECT'), hiddenTab)).toEqual({
      title: 'bob',
      body: 'lunch?',
      tag: 'dm-1',
      roomId: 'dm-1',
      messageId: 'm7',
    });
    expect(notificationFor(change('MENTIONS', 'CHANNEL', true), hiddenTab)?.title).toBe('bob in #General');
    expect(notificationFor(change('MENTIONS', 'CHANNEL'), hiddenTab)).toBeNull();
  });

  it('stays quiet for a visible tab, without permission, for a message seen before or the viewer\u2019s own', () => {
    const dm = change('ALL', 'DIRECT');
    expect(notificationFor(dm, { ...hiddenTab, hidden: false })).toBeNull();
    expect(notificationFor(dm, { ...hiddenTab, permission: 'default' })).toBeNull();
    expect(notificationFor(dm, { ...hiddenTab, permission: 'denied' })).toBeNull();
    expect(notificationFor(dm, { ...hiddenTab, permission: 'unsupported' })).toBeNull();
    expect(notificationFor(dm, { ...hiddenTab, seenBefore: true })).toBeNull();
    expect(notificationFor(dm, { ...hiddenTab, viewer: bob })).toBeNull();
    expect(notificationFor({ ...dm, lastMessage: null }, hiddenTab)).toBeNull();
    expect(notificationFor({ ...dm, isMember: false }, hiddenTab)).toBeNull();
  });

  it('shortens a long message', () => {
    const dm = change('ALL', 'DIRECT');
    const long = { ...dm, lastMessage: { ...dm.lastMessage!, text: 'x'.repeat(500) } };
    expect(notificationFor(long, hiddenTab)?.body).toHaveLength(180);
  });

  it('links to the message in its room', () => {
    expect(messageHref('dm-1', 'm7')).toBe('/rooms/dm-1#message-m7');
  });
});
