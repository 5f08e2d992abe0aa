import { describe, expect, it } from 'vitest';
import { EMOJI, searchEmoji } from '../../web/lib/chat/emoji-data';
import { reactedBy } from '../../web/lib/chat/reactions';
import { pushRecent } from '../../web/lib/chat/recent-emoji';
import { alice, bob } from './fixtures';

describe('who reacted', () => {
  it('names the viewer as You and counts those not listed', () => {
    expect(reactedBy({ emoji: '👍', count: 1, viewerReacted: true, users: [alice] }, alice.id)).toBe('You');
    expect(reactedBy({ emoji: '👍', count: 2, viewerReacted: false, users: [alice, bob] }, '9')).toBe('alice and bob');
    expect(reactedBy({ emoji: '👍', count: 6, viewerReacted: true, users: [alice, bob] }, alice.id)).toBe(
      'You, bob and 4 others',
    );
  });
});

describe('the emoji picker’s data', () => {
  it('holds only single RGI emoji, the only reactions the API accepts', () => {
    const rgi = new RegExp('^\\p{RGI_Emoji}$', 'v');
    expect(EMOJI.filter((e) => !rgi.test(e.emoji))).toEqual([]);
    expect(new Set(EMOJI.map((e) => e.emoji)).size).toBe(EMOJI.length);
  });

  it('finds emoji by every word of the query, in names and keywords', () => {
    expect(searchEmoji('heart red').map((e) => e.emoji)).toEqual(['❤️']);
    expect(searchEmoji('TADA').map((e) => e.emoji)).toEqual(['🎉']);
    expect(searchEmoji('')).toBe(EMOJI);
  });

  it('keeps recent emoji newest first, each once, bounded', () => {
    expect(pushRecent(['👍', '🎉'], '🎉')).toEqual(['🎉', '👍']);
    expect(pushRecent(['a', 'b', 'c'], 'd', 3)).toEqual(['d', 'a', 'b']);
  });
});
