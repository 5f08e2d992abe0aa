import { describe, expect, it } from 'vitest';
import {
  type MessageAction,
  type MessageState,
  initialMessageState,
  messageReducer,
} from '../../web/lib/chat/message-state';
import { withOptimistic } from '../../web/lib/chat/optimistic';
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

describe('the room feed applied to the held messages', () => {
  it('puts added messages in seq order, whatever order they arrive in', () => {
    const state = run(
      initialMessageState(page([message(1), message(2)])),
      event('MESSAGE_ADDED', message(5)),
      event('MESSAGE_ADDED', message(3)),
      event('MESSAGE_ADDED', message(4)),
    );
    expect(seqs(state)).toEqual([1, 2, 3, 4, 5]);
    expect(state.ids.size).toBe(5);
  });

  it('replaces a known message on a repeated MESSAGE_ADDED instead of holding it twice', () => {
    const edited = message(2, { text: 'edited since', editedAt: '2026-01-01T13:00:00.000Z' });
    const state = run(initialMessageState(page([message(1), message(2)])), event('MESSAGE_ADDED', edited));
    expect(seqs(state)).toEqual([1, 2]);
    expect(state.messages[1]).toEqual(edited);
  });

  it('replaces held messages on edits, deletions and reactions, in place', () => {
    const deleted = message(1, { text: '', deletedAt: '2026-01-01T13:00:00.000Z' });
    const reacted = message(2, { reactions: [{ emoji: '👍', count: 1, viewerReacted: false, users: [bob] }] });
    const edited = message(3, { text: 'better', editedAt: '2026-01-01T13:00:00.000Z' });
    const state = run(
      initialMessageState(page([message(1), message(2), message(3)])),
      event('MESSAGE_DELETED', deleted),
      event('REACTIONS_CHANGED', reacted),
      event('MESSAGE_EDITED', edited),
    );
    expect(state.messages).toEqual([deleted, reacted, edited]);
  });

  it('ignores changes to messages older than the loaded history', () => {
    const before = initialMessageState(page([message(10), message(11)], true));
    const after = run(before, event('MESSAGE_EDITED', message(3, { text: 'old news' })));
    expect(after).toBe(before);
  });

  it('takes in a message first seen through a later change (a replay compacted its addition away)', () => {
    const edited = message(4, { text: 'added, then edited', editedAt: '2026-01-01T13:00:00.000Z' });
    const state = run(initialMessageState(page([message(2), message(3)], true)), event('MESSAGE_EDITED', edited));
    expect(state.messages.at(-1)).toEqual(edited);
    expect(state.ids.has('m4')).toBe(true);
  });

  it('leaves an addition older than the loaded history to the page that holds it', () => {
    const before = initialMessageState(page([message(10), message(11)], true));
    expect(run(before, event('MESSAGE_ADDED', message(3)))).toBe(before);
  });

  it('ignores member and room events', () => {
    const before = initialMessageState(page([message(1)]));
    expect(run(before, { type: 'event', kind: 'MEMBER_JOINED', message: null, viewerId: alice.id })).toBe(before);
  });

  it('keeps quotes of a changed message current, even when the original is not held', () => {
    const reply = message(12, { author: bob, replyTo: { id: 'm3', text: 'first', deletedAt: null, author: alice } });
    const state = run(
      initialMessageState(page([message(11), reply], true)),
      event('MESSAGE_DELETED', message(3, { text: '', deletedAt: '2026-01-01T13:00:00.000Z' })),
    );
    expect(state.messages[1]?.replyTo).toEqual({
      id: 'm3',
      text: '',
      deletedAt: '2026-01-01T13:00:00.000Z',
      author: alice,
    });
  });

  it('gives a compacted replay the same result as the steps it stands for', () => {
    const start = initialMessageState(page([message(1), message(2)]));
    const steps = run(
      start,
      event('MESSAGE_ADDED', message(3)),
      event('MESSAGE_EDITED', message(3, { text: 'v2', editedAt: '2026-01-01T13:00:00.000Z' })),
      event('MESSAGE_EDITED', message(2, { text: 'v2', editedAt: '2026-01-01T13:00:01.000Z' })),
    );
    const compacted = run(
      start,
      event('MESSAGE_EDITED', message(2, { text: 'v2', editedAt: '2026-01-01T13:00:01.000Z' })),
      event('MESSAGE_ADDED', message(3, { text: 'v2', editedAt: '2026-01-01T13:00:00.000Z' })),
    );
    expect(compacted.messages).toEqual(steps.messages);
  });

  it('confirms a pending send by its id, or by author and text before the answer came', () => {
    let state = run(
      initialMessageState(page([])),
      { type: 'sending', pending: { clientId: 'a', text: ' hello ', createdAt: '' } },
      { type: 'sending', pending: { clientId: 'b', text: 'second', createdAt: '' } },
      { type: 'sent', clientId: 'b', id: 'm2' },
    );
    state = run(state, event('MESSAGE_ADDED', message(2, { text: 'second' })));
    expect(state.pending.map((p) => p.clientId)).toEqual(['a']);
    state = run(state, event('MESSAGE_ADDED', message(1, { text: 'hello' })));
    expect(state.pending).toEqual([]);
    expect(seqs(state)).toEqual([1, 2]);
  });

  it('withdraws a send that slow mode refused: no pending line and no retry left behind', () => {
    const state = run(
      initialMessageState(page([])),
      { type: 'sending', pending: { clientId: 'a', text: 'first', createdAt: '' } },
      { type: 'sending', pending: { clientId: 'b', text: 'too soon', createdAt: '' } },
      { type: 'withdrawn', clientId: 'b' },
    );
    expect(state.pending.map((p) => p.clientId)).toEqual(['a']);
    expect(state.pending[0]?.failed).toBeUndefined();
  });

  it('does not take a message by someone else as the confirmation of the viewer’s send', () => {
    const state = run(
      initialMessageState(page([])),
      { type: 'sending', pending: { clientId: 'a', text: 'hi', createdAt: '' } },
      event('MESSAGE_ADDED', message(1, { text: 'hi', author: bob })),
    );
    expect(state.pending).toHaveLength(1);
  });

  it('merges an older page below the held messages, each id once', () => {
    const state = run(initialMessageState(page([message(3), message(4)], true)), {
      type: 'older',
      page: page([message(1), message(2), message(3)]),
    });
    expect(seqs(state)).toEqual([1, 2, 3, 4]);
    expect(state.hasOlder).toBe(false);
  });
});

describe('optimistic changes', () => {
  const thumbs = (count: number, users = [bob], viewerReacted = false) => [
    { emoji: '👍', count, viewerReacted, users },
  ];

  it('shows a reaction at once and rolls it back with a notice when refused', () => {
    let state = run(initialMessageState(page([message(1, { reactions: thumbs(1) })])), {
      type: 'optimistic',
      optimistic: { key: 'k', messageId: 'm1', change: { kind: 'react', emoji: '👍', on: true, viewer: alice } },
    });
    expect(withOptimistic(state.messages, state.optimistic)[0]?.reactions).toEqual(thumbs(2, [bob, alice], true));
    state = run(state, { type: 'refused', key: 'k', error: 'Too many reactions' });
    expect(withOptimistic(state.messages, state.optimistic)[0]?.reactions).toEqual(thumbs(1));
    expect(state.notices).toEqual([{ messageId: 'm1', text: 'Too many reactions' }]);
  });

  it('does not count a reaction twice when the feed shows it before the answer', () => {
    let state = run(initialMessageState(page([message(1)])), {
      type: 'optimistic',
      optimistic: { key: 'k', messageId: 'm1', change: { kind: 'react', emoji: '🎉', on: true, viewer: alice } },
    });
    const shown = message(1, { reactions: [{ emoji: '🎉', count: 1, viewerReacted: true, users: [alice] }] });
    state = run(state, event('REACTIONS_CHANGED', shown));
    expect(withOptimistic(state.messages, state.optimistic)[0]).toEqual(shown);
    // Confirmed after the feed already showed it: nothing left to draw.
    state = run(state, { type: 'settled', key: 'k' });
    expect(state.optimistic).toEqual([]);
  });

  it('keeps a confirmed change drawn until the feed shows it, then drops it', () => {
    let state = run(
      initialMessageState(page([message(1)])),
      {
        type: 'optimistic',
        optimistic: { key: 'k', messageId: 'm1', change: { kind: 'edit', text: 'fixed', at: '2026-01-01T13:00:00Z' } },
      },
      { type: 'settled', key: 'k' },
    );
    expect(withOptimistic(state.messages, state.optimistic)[0]?.text).toBe('fixed');
    state = run(state, event('MESSAGE_EDITED', message(1, { text: 'fixed', editedAt: '2026-01-01T13:00:00.5Z' })));
    expect(state.optimistic).toEqual([]);
  });

  it('draws nothing over a message deleted meanwhile', () => {
    const tombstone = message(1, { text: '', deletedAt: '2026-01-01T13:00:00Z' });
    const state = run(
      initialMessageState(page([message(1)])),
      {
        type: 'optimistic',
        optimistic: { key: 'k', messageId: 'm1', change: { kind: 'react', emoji: '👍', on: true, viewer: alice } },
      },
      event('MESSAGE_DELETED', tombstone),
    );
    expect(withOptimistic(state.messages, state.optimistic)[0]).toEqual(tombstone);
  });

  it('removes the viewer’s reaction, and the emoji when nobody else reacted with it', () => {
    const state = run(initialMessageState(page([message(1, { reactions: thumbs(1, [alice], true) })])), {
      type: 'optimistic',
      optimistic: { key: 'k', messageId: 'm1', change: { kind: 'react', emoji: '👍', on: false, viewer: alice } },
    });
    expect(withOptimistic(state.messages, state.optimistic)[0]?.reactions).toEqual([]);
  });
});
