import { describe, expect, it } from 'vitest';
import {
  type MessageAction,
  type MessageState,
  initialMessageState,
  messageReducer,
} from '../../web/lib/chat/message-state';
import type { Message, RoomEventKind } from '../../web/lib/chat/types';
import { alice, bob, message, page } from './fixtures';

const event = (kind: RoomEventKind, m: Message, viewerId = alice.id): MessageAction => ({
  type: 'event',
  kind,
  message: m,
  viewerId,
});
const run = (state: MessageState, ...actions: MessageAction[]) => actions.reduce(messageReducer, state);
const seqs = (state: MessageState) => state.messages.map((m) => m.seq);
const range = (from: number, to: number, change: Partial<Message> = {}) =>
  Array.from({ length: to - from + 1 }, (_, i) => message(from + i, change));

/** Opened at a search result: messages 10–14 of a room that goes on to 30. */
const older = () => initialMessageState(page(range(10, 14), true, true));

describe('an older stretch of the room (opened at a message)', () => {
  it('knows there is more both ways, and where to page from', () => {
    const state = older();
    expect(state.hasOlder).toBe(true);
    expect(state.hasNewer).toBe(true);
    expect(state.olderCursor).toBe('c10');
    expect(state.newerCursor).toBe('c14');
  });

  it('does not put new messages after the stretch, but counts those by others', () => {
    const state = run(
      older(),
      event('MESSAGE_ADDED', message(31, { author: bob })),
      event('MESSAGE_ADDED', message(32, { author: alice })),
      event('MESSAGE_ADDED', message(33, { author: bob, deletedAt: '2026-01-01T13:00:00.000Z', text: '' })),
    );
    expect(seqs(state)).toEqual([10, 11, 12, 13, 14]);
    expect(state.unseenNewer).toBe(1);
    expect(state.droppedSeq).toBe(33);
  });

  it('still applies changes to the messages it holds, and drops those to messages past it', () => {
    const edited = message(12, { text: 'edited', editedAt: '2026-01-01T13:00:00.000Z' });
    const state = run(older(), event('MESSAGE_EDITED', edited), event('MESSAGE_EDITED', message(20, { text: 'x' })));
    expect(state.messages[2]).toEqual(edited);
    expect(seqs(state)).toEqual([10, 11, 12, 13, 14]);
  });

  it('appends newer pages once each, and stops being older at the end', () => {
    let state = run(older(), { type: 'newer', page: page(range(14, 20), true, true) });
    expect(seqs(state)).toEqual(range(10, 20).map((m) => m.seq));
    expect(state.hasNewer).toBe(true);
    expect(state.newerCursor).toBe('c20');
    state = run(state, { type: 'newer', page: page(range(21, 30), true, false) });
    expect(state.hasNewer).toBe(false);
    // Now at the end: live messages go on the list.
    state = run(state, event('MESSAGE_ADDED', message(31, { author: bob })));
    expect(state.messages.at(-1)?.seq).toBe(31);
    expect(state.unseenNewer).toBe(0);
  });

  it('is still short of the newest when the feed announced more than the last page brought', () => {
    // Message 31 was committed after the page was read, and dropped when it arrived.
    const state = run(older(), event('MESSAGE_ADDED', message(31, { author: bob })), {
      type: 'newer',
      page: page(range(15, 30), true, false),
    });
    expect(state.hasNewer).toBe(true);
    expect(state.unseenNewer).toBe(1);
    const done = run(state, { type: 'newer', page: page([message(31, { author: bob })], true, false) });
    expect(done.hasNewer).toBe(false);
    expect(done.messages.at(-1)?.seq).toBe(31);
  });

  it('is replaced by the newest page on a jump, keeping what this tab is sending', () => {
    const sending: MessageAction = {
      type: 'sending',
      pending: { clientId: 'c1', text: 'hello', createdAt: '2026-01-01T13:00:00.000Z' },
    };
    const state = run(older(), sending, event('MESSAGE_ADDED', message(31, { author: bob })), {
      type: 'replace',
      page: page(range(12, 31), true, false),
    });
    expect(seqs(state)).toEqual(range(12, 31).map((m) => m.seq));
    expect(state.hasNewer).toBe(false);
    expect(state.unseenNewer).toBe(0);
    expect(state.pending.map((p) => p.clientId)).toEqual(['c1']);
    expect(state.stretch).toBe(1);
    expect(state.olderCursor).toBe('c12');
  });

  it('takes older pages in as before, still short of the newest', () => {
    const state = run(older(), { type: 'older', page: page(range(5, 9), false, true) });
    expect(seqs(state)[0]).toBe(5);
    expect(state.hasOlder).toBe(false);
    expect(state.hasNewer).toBe(true);
  });
});
