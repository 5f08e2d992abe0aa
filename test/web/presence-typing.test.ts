import { describe, expect, it } from 'vitest';
import { ONLINE_LISTED_MAX, applyPresenceBatch, presenceFromList } from '../../web/lib/chat/presence-state';
import { typingSentence } from '../../web/lib/chat/typing-sentence';

const person = (k: number) => ({ id: String(k), name: `p${k}` });
const people = (from: number, n: number) => Array.from({ length: n }, (_, k) => person(from + k));

describe('who is online, a batch at a time', () => {
  it('lists who joined, drops who left, and takes the count from the batch', () => {
    const start = presenceFromList(people(1, 2), 2);
    const next = applyPresenceBatch(start, {
      joined: people(3, 12),
      left: [{ id: '1' }],
      leftCount: 1,
      onlineCount: 13,
    });
    expect([...next.users.keys()].sort()).toEqual(
      people(2, 13)
        .map((p) => p.id)
        .sort(),
    );
    expect(next.count).toBe(13);
    expect(next.short).toBe(false);
  });

  it('keeps the list bounded in a crowd, the count saying how many', () => {
    const next = applyPresenceBatch(presenceFromList([], 0), {
      joined: people(1, 1_204),
      left: [],
      leftCount: 0,
      onlineCount: 1_204,
    });
    expect(next.users.size).toBe(ONLINE_LISTED_MAX);
    expect(next.count).toBe(1_204);
  });

  it('asks for a fresh page when listed people left while unlisted ones stayed', () => {
    const full = presenceFromList(people(1, ONLINE_LISTED_MAX), 500);
    const next = applyPresenceBatch(full, {
      joined: [],
      left: [{ id: '1' }, { id: '2' }],
      leftCount: 2,
      onlineCount: 498,
    });
    expect(next.short).toBe(true);
    // Unlisted people leaving changes only the count.
    const quiet = applyPresenceBatch(full, { joined: [], left: [{ id: '9999' }], leftCount: 1, onlineCount: 499 });
    expect(quiet.short).toBe(false);
    expect(quiet.count).toBe(499);
    // More left than the batch names: any of the unnamed may be listed.
    const many = applyPresenceBatch(full, { joined: [], left: [{ id: '9999' }], leftCount: 300, onlineCount: 200 });
    expect(many.short).toBe(true);
  });
});

describe('the typing sentence', () => {
  it('names one or two typists and says "several" past that, counting those not shown', () => {
    expect(typingSentence({ names: [], count: 0 })).toBe('');
    expect(typingSentence({ names: ['ann'], count: 1 })).toBe('ann is typing…');
    expect(typingSentence({ names: ['ann', 'bo'], count: 2 })).toBe('ann and bo are typing…');
    expect(typingSentence({ names: ['ann', 'bo', 'cy'], count: 3 })).toBe('several people are typing…');
    expect(typingSentence({ names: ['ann', 'bo', 'cy'], count: 200 })).toBe('several people are typing…');
  });
});
