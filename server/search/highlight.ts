import type { SearchTerm } from '../store/index.js';
import { matchesPrefix, wordSpans } from '../store/search-words.js';

export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Where `terms` are in `text`, as the index matched them: a word wherever one of its
 * tokens starts with the term's, a phrase wherever its tokens follow each other. Whole
 * words are marked, in UTF-16 offsets of the original text, sorted, overlaps merged.
 */
export function highlights(text: string, terms: readonly SearchTerm[]): TextRange[] {
  const spans = wordSpans(text);
  // Every token with the word it belongs to, in order.
  const tokens = spans.flatMap((span) => span.tokens.map((token) => ({ token, span })));
  const ranges: TextRange[] = [];
  for (const term of terms) {
    if (!term.phrase) {
      const word = term.tokens[0]!;
      const prefix = matchesPrefix(term);
      for (const { token, span } of tokens) if (prefix ? token.startsWith(word) : token === word) ranges.push(span);
      continue;
    }
    const n = term.tokens.length;
    for (let i = 0; i + n <= tokens.length; i++) {
      if (term.tokens.every((t, k) => tokens[i + k]!.token === t))
        ranges.push({ start: tokens[i]!.span.start, end: tokens[i + n - 1]!.span.end });
    }
  }
  ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: TextRange[] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range.start <= last.end)
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, range.end) };
    else merged.push({ start: range.start, end: range.end });
  }
  return merged;
}
