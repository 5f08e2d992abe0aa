/**
 * What search sees of a text: its words, folded, the same way for the index (both
 * stores) and for queries. A word is a run of letters, digits and combining marks in any
 * script; folding takes it to compatibility form, drops the marks and lowercases it, so
 * "Café", "CAFÉ" and "cafe" are one word, in Latin, Greek and Cyrillic alike. What this
 * does not do: split scripts written without spaces (Chinese, Japanese, Thai), where a
 * whole run of characters is one word.
 */

import { SEARCH_PREFIX_MIN_CHARS } from '../limits.js';

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const MARKS = /\p{M}+/gu;
/** Folding may leave other characters in a word ("¼" is "1⁄4"): they separate tokens too. */
const TOKEN = /[\p{L}\p{N}]+/gu;

/** A word of the original text, where it is (UTF-16 offsets), and its folded tokens. */
export interface WordSpan {
  readonly start: number;
  readonly end: number;
  readonly tokens: readonly string[];
}

/** The folded tokens of one word. */
function fold(word: string): string[] {
  return word.normalize('NFKD').replace(MARKS, '').toLowerCase().match(TOKEN) ?? [];
}

/** Every word of `text` with its place and tokens. */
export function wordSpans(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const match of text.matchAll(WORD)) {
    const tokens = fold(match[0]);
    if (tokens.length > 0) spans.push({ start: match.index, end: match.index + match[0].length, tokens });
  }
  return spans;
}

/** The folded tokens of `text`, in order. */
export function searchTokens(text: string): string[] {
  return wordSpans(text).flatMap((span) => span.tokens);
}

/** Whether a search term matches the starts of words (else whole words only). */
export const matchesPrefix = (term: { readonly tokens: readonly string[]; readonly phrase: boolean }): boolean =>
  !term.phrase && term.tokens[0]!.length >= SEARCH_PREFIX_MIN_CHARS;

/** What the index holds of a message: its tokens, separated by spaces. */
export const searchWords = (text: string): string => searchTokens(text).join(' ');
