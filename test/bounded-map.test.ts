import { describe, expect, it } from 'vitest';
import { BoundedMap, ExpiringMap } from '../server/bounded-map.js';

describe('BoundedMap', () => {
  it('forgets the entry set longest ago past its bound; setting a key again puts it last', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    map.set('a', 3); // a is now the newest
    map.set('c', 4);
    expect([...map]).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
  });
});

describe('ExpiringMap', () => {
  it('answers for ttlMs after a set, then no more', () => {
    const map = new ExpiringMap<string, string>(10, 1_000);
    map.set('k', 'v', 5_000);
    expect(map.get('k', 5_999)).toBe('v');
    expect(map.get('k', 6_000)).toBeUndefined();
    map.set('k', 'w', 6_000);
    expect(map.get('k', 6_500)).toBe('w');
    map.delete('k');
    expect(map.get('k', 6_500)).toBeUndefined();
  });

  it('holds at most max entries', () => {
    const map = new ExpiringMap<number, number>(3, 1_000);
    for (let i = 0; i < 5; i++) map.set(i, i, 0);
    expect([0, 1, 2, 3, 4].map((i) => map.get(i, 1))).toEqual([undefined, undefined, 2, 3, 4]);
  });
});
