import { describe, expect, it } from 'vitest';
import { WS_ADMIT_JITTER_MS } from '../../server/limits.js';
import { Admission } from '../../server/transport/admission.js';

/** An Admission on a clock the test moves, with its jitter at `jitter` (0..1) of the most. */
function admission(perSecond: number, burst: number, jitter = 0) {
  let now = 0;
  const a = new Admission(
    { perSecond, burst },
    () => now,
    () => jitter,
  );
  return { admit: () => a.admit(), advance: (ms: number) => void (now += ms) };
}

describe('admission of new WebSockets', () => {
  it('takes a burst at once, then the rate', () => {
    const a = admission(10, 3);
    expect([a.admit(), a.admit(), a.admit()]).toEqual([0, 0, 0]);
    expect(a.admit()).toBeGreaterThan(0);
    a.advance(100); // one token
    expect(a.admit()).toBe(0);
    expect(a.admit()).toBeGreaterThan(0);
  });

  it('gives the refused successive turns at the admitted rate, so they come back spread out', () => {
    const a = admission(10, 2);
    a.admit();
    a.admit();
    // Ten refused at once: the nth is told to come back n tenths of a second later.
    const waits = Array.from({ length: 10 }, () => a.admit());
    expect(waits).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * 100));
    // The backlog is worked off at the rate: a second later, the next comes in.
    a.advance(1_000);
    expect(a.admit()).toBe(0);
  });

  it('adds jitter, at most WS_ADMIT_JITTER_MS', () => {
    const none = admission(10, 1, 0);
    const most = admission(10, 1, 0.999);
    none.admit();
    most.admit();
    expect(most.admit() - none.admit()).toBe(Math.ceil(0.999 * WS_ADMIT_JITTER_MS));
  });

  it('refuses nonsense rates at construction', () => {
    expect(() => new Admission({ perSecond: 0, burst: 10 })).toThrow(/perSecond > 0/);
    expect(() => new Admission({ perSecond: 10, burst: 0 })).toThrow(/burst >= 1/);
  });
});
