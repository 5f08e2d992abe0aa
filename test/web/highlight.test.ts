import { describe, expect, it } from 'vitest';
import { excerpt, highlightSegments, normalizeRanges } from '../../web/lib/search/highlight';

const marked = (text: string, ranges: { start: number; end: number }[]) =>
  highlightSegments(text, ranges)
    .map((s) => (s.match ? `[${s.text}]` : s.text))
    .join('');

describe('highlights', () => {
  it('marks the given ranges, end excluded, and joins back into the text', () => {
    const text = 'deploy the deployment';
    const segments = highlightSegments(text, [
      { start: 0, end: 6 },
      { start: 11, end: 17 },
    ]);
    expect(segments).toEqual([
      { text: 'deploy', match: true },
      { text: ' the ', match: false },
      { text: 'deploy', match: true },
      { text: 'ment', match: false },
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });

  it('counts in UTF-16 units: emoji before a match take two', () => {
    const text = '🎉🎉 party time';
    // '🎉🎉 ' is 5 code units.
    expect(marked(text, [{ start: 5, end: 10 }])).toBe('🎉🎉 [party] time');
    expect(marked('👩‍💻 codes', [{ start: 6, end: 11 }])).toBe('👩‍💻 [codes]');
  });

  it('never cuts an emoji in half', () => {
    const text = 'a🎉b';
    // Offsets inside the surrogate pair widen to take all of it.
    expect(marked(text, [{ start: 2, end: 3 }])).toBe('a[🎉]b');
    expect(marked(text, [{ start: 0, end: 2 }])).toBe('[a🎉]b');
    expect(normalizeRanges(text, [{ start: 2, end: 4 }])).toEqual([{ start: 1, end: 4 }]);
  });

  it('merges overlapping and touching ranges, in any order', () => {
    expect(
      marked('abcdefghij', [
        { start: 6, end: 8 },
        { start: 0, end: 3 },
        { start: 2, end: 5 },
        { start: 5, end: 6 },
      ]),
    ).toBe('[abcdefgh]ij');
    expect(
      normalizeRanges('abcdef', [
        { start: 1, end: 2 },
        { start: 1, end: 2 },
      ]),
    ).toEqual([{ start: 1, end: 2 }]);
  });

  it('ignores ranges out of the text, empty, reversed or not integers', () => {
    expect(marked('short', [{ start: 3, end: 99 }])).toBe('sho[rt]');
    expect(marked('short', [{ start: -4, end: 2 }])).toBe('[sh]ort');
    expect(marked('short', [{ start: 10, end: 20 }])).toBe('short');
    expect(marked('short', [{ start: 3, end: 3 }])).toBe('short');
    expect(marked('short', [{ start: 4, end: 1 }])).toBe('short');
    expect(marked('short', [{ start: 1.5, end: 3 }])).toBe('short');
    expect(marked('short', [{ start: Number.NaN, end: 3 }])).toBe('short');
    expect(highlightSegments('', [{ start: 0, end: 1 }])).toEqual([{ text: '', match: false }]);
  });

  it('keeps markup as text', () => {
    expect(highlightSegments('<b>bold</b>', [{ start: 3, end: 7 }])).toEqual([
      { text: '<b>', match: false },
      { text: 'bold', match: true },
      { text: '</b>', match: false },
    ]);
  });

  it('cuts a long text around its first match', () => {
    const text = `${'word '.repeat(100)}needle ${'tail '.repeat(100)}`;
    const at = text.indexOf('needle');
    const { segments, clippedStart, clippedEnd } = excerpt(text, [{ start: at, end: at + 6 }], 120, 30);
    expect(clippedStart).toBe(true);
    expect(clippedEnd).toBe(true);
    expect(segments.filter((s) => s.match).map((s) => s.text)).toEqual(['needle']);
    expect(segments.map((s) => s.text).join('').length).toBeLessThanOrEqual(120);
    expect(excerpt('short one', [{ start: 0, end: 5 }])).toEqual({
      segments: highlightSegments('short one', [{ start: 0, end: 5 }]),
      clippedStart: false,
      clippedEnd: false,
    });
  });

  it('does not split an emoji at the cut', () => {
    const text = `${'🎉'.repeat(200)} needle`;
    const at = text.indexOf('needle');
    const { segments } = excerpt(text, [{ start: at, end: at + 6 }], 51, 21);
    const shown = segments.map((s) => s.text).join('');
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    expect(loneSurrogate.test(shown)).toBe(false);
    expect(segments.find((s) => s.match)?.text).toBe('needle');
  });
});
