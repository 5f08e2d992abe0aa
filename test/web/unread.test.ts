import { describe, expect, it } from 'vitest';
import { groupMessages } from '../../web/lib/chat/groups';
import { dividerMessageId, firstUnreadSeq, markReadTarget, readMarkerSeq } from '../../web/lib/chat/unread';
import { alice, bob, message } from './fixtures';

describe('where the unread messages start', () => {
  it('is the last seq minus the unread count, plus one', () => {
    expect(firstUnreadSeq({ lastSeq: 10, unreadCount: 3 })).toBe(8);
    expect(firstUnreadSeq({ lastSeq: 10, unreadCount: 10 })).toBe(1);
    expect(firstUnreadSeq({ lastSeq: 10, unreadCount: 0 })).toBeNull();
    expect(firstUnreadSeq({ lastSeq: 0, unreadCount: 0 })).toBeNull();
  });

  it('puts the read marker just before them', () => {
    expect(readMarkerSeq({ lastSeq: 10, unreadCount: 3 })).toBe(7);
    expect(readMarkerSeq({ lastSeq: 10, unreadCount: 0 })).toBe(10);
    expect(readMarkerSeq({ lastSeq: 0, unreadCount: 0 })).toBe(0);
  });

  it('places the divider above the first held message by someone else from there on', () => {
    const messages = [
      message(6, { author: bob }),
      message(7, { author: alice }),
      message(8, { author: alice }),
      message(9, { author: bob }),
    ];
    expect(dividerMessageId(messages, 7, alice.id)).toBe('m9');
    expect(dividerMessageId(messages, 6, alice.id)).toBe('m6');
    expect(dividerMessageId(messages, null, alice.id)).toBeNull();
    expect(dividerMessageId(messages, 10, alice.id)).toBeNull();
  });

  it('asks markRead for the newest message only when the marker is behind it', () => {
    const messages = [message(1), message(2)];
    expect(markReadTarget(messages, 1)?.id).toBe('m2');
    expect(markReadTarget(messages, 2)).toBeNull();
    expect(markReadTarget([], 0)).toBeNull();
  });

  it('starts a new group at the divider, even within one author\u2019s run', () => {
    const messages = [message(1, { author: bob }), message(2, { author: bob }), message(3, { author: bob })];
    const groups = groupMessages(messages, [], alice, 'm2');
    expect(groups.map((g) => g.items.map((i) => i.key))).toEqual([['m1'], ['m2', 'm3']]);
    expect(groups.map((g) => g.startsUnread ?? false)).toEqual([false, true]);
    expect(groupMessages(messages, [], alice).length).toBe(1);
  });
});

describe('the divider and history not loaded yet', () => {
  it('stands nowhere while the first unread message is older than the loaded page', () => {
    const messages = [message(51, { author: bob }), message(52, { author: bob })];
    expect(dividerMessageId(messages, 10, alice.id, true)).toBeNull();
    expect(dividerMessageId(messages, 51, alice.id, true)).toBe('m51');
    expect(dividerMessageId(messages, 10, alice.id, false)).toBe('m51');
  });
});
