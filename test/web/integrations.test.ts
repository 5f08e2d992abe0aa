import { describe, expect, it } from 'vitest';
import { SHOWN_ONCE_NOTE, lastUsedText, nameProblem } from '../../web/lib/integrations/labels';

const now = Date.parse('2026-03-01T12:00:00Z');

describe('webhooks and access tokens: labels', () => {
  it('last posted or used: "never" before the first time, else how long ago', () => {
    expect(lastUsedText(null, now)).toBe('never');
    expect(lastUsedText(undefined, now)).toBe('never');
    expect(lastUsedText('2026-03-01T11:59:30Z', now)).toBe('just now');
    expect(lastUsedText('2026-03-01T11:45:00Z', now)).toBe('15 min ago');
  });

  it('names: 1–64 characters once trimmed, counted as characters', () => {
    expect(nameProblem('')).toBe('Enter a name.');
    expect(nameProblem('   ')).toBe('Enter a name.');
    expect(nameProblem(' deploys ')).toBeNull();
    expect(nameProblem('x'.repeat(64))).toBeNull();
    expect(nameProblem('x'.repeat(65))).toBe('Use at most 64 characters.');
    expect(nameProblem('🚀'.repeat(64))).toBeNull();
  });

  it('the note shown beside a secret given once', () => {
    expect(SHOWN_ONCE_NOTE).toBe('Copy it now: it will not be shown again');
  });
});
