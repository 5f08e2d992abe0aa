/**
 * A search result's text cut into plain and matched parts, from the API's highlights:
 * UTF-16 offsets into the text (JavaScript string indexes), `end` excluded. Rendered as
 * React text nodes and <mark>s, never as HTML.
 */

export interface TextRange {
  start: number;
  end: number;
}

export interface Segment {
  text: string;
  match: boolean;
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Moves `index` off the middle of a surrogate pair: back for a start, forward for an end. */
function onBoundary(text: string, index: number, side: 'start' | 'end'): number {
  if (index <= 0 || index >= text.length) return index;
  if (!isHigh(text.charCodeAt(index - 1)) || !isLow(text.charCodeAt(index))) return index;
  return side === 'start' ? index - 1 : index + 1;
}

/**
 * The ranges that make sense for `text`, in order and merged: non-integers and empty or
 * reversed ranges dropped, ends clamped to the text, starts and ends moved off the middle
 * of a surrogate pair (an emoji is never cut in half), overlapping and touching ranges
 * made one.
 */
export function normalizeRanges(text: string, ranges: readonly TextRange[]): TextRange[] {
  const clean = ranges
    .filter((r) => Number.isInteger(r.start) && Number.isInteger(r.end))
    .map((r) => ({
      start: onBoundary(text, Math.max(0, r.start), 'start'),
      end: onBoundary(text, Math.min(text.length, r.end), 'end'),
    }))
    .filter((r) => r.start < r.end)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: TextRange[] = [];
  for (const range of clean) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** `text` as plain and matched segments, in order; their texts join back into `text`. */
export function highlightSegments(text: string, ranges: readonly TextRange[]): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const { start, end } of normalizeRanges(text, ranges)) {
    if (start > at) segments.push({ text: text.slice(at, start), match: false });
    segments.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length || segments.length === 0) segments.push({ text: text.slice(at), match: false });
  return segments;
}

export interface Excerpt {
  segments: Segment[];
  /** Text was left out before / after. */
  clippedStart: boolean;
  clippedEnd: boolean;
}

/**
 * At most about `max` characters of a long text, starting a little before its first
 * match so the match shows, cut at spaces where one is near and never inside an emoji.
 */
export function excerpt(text: string, ranges: readonly TextRange[], max = 280, lead = 60): Excerpt {
  const normal = normalizeRanges(text, ranges);
  if (text.length <= max) return { segments: highlightSegments(text, normal), clippedStart: false, clippedEnd: false };
  const first = normal[0]?.start ?? 0;
  let start = Math.max(0, Math.min(first - lead, text.length - max));
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space !== -1 && space < first && space - start < 20) start = space + 1;
    start = onBoundary(text, start, 'start');
  }
  let end = Math.min(text.length, start + max);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + max - 20) end = space;
    end = onBoundary(text, end, 'end');
  }
  const shifted = normal.map((r) => ({ start: r.start - start, end: r.end - start }));
  return {
    segments: highlightSegments(text.slice(start, end), shifted),
    clippedStart: start > 0,
    clippedEnd: end < text.length,
  };
}
