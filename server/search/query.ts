import { badInput } from '../graphql/errors.js';
import { SEARCH_MAX_WORDS, SEARCH_QUERY_MAX_CHARS } from '../limits.js';
import type { SearchTerm } from '../store/index.js';
import { searchTokens } from '../store/search-words.js';
import { charCount } from '../text.js';

/** A search as the user typed it, understood. */
export interface ParsedSearch {
  readonly terms: SearchTerm[];
  /** The author's name, from `from:name`. */
  readonly from: string | null;
}

/**
 * A quoted phrase (to the closing quote, or to the end when there is none), or a run of
 * anything else up to the next space or quote.
 */
const PART = /"([^"]*)"?|([^\s"]+)/g;
const FROM = /^from:(.*)$/i;

/**
 * Reads the user's query into words, phrases and an author. Whatever the text, what
 * reaches the store is folded tokens (letters and digits) only: quotes, operators,
 * `*`, `NEAR` or parentheses are punctuation here, never the engine's syntax.
 */
export function parseSearch(query: string): ParsedSearch {
  const text = query.trim();
  if (text.length === 0) throw badInput('Type something to search for.', 'query');
  if (charCount(text) > SEARCH_QUERY_MAX_CHARS)
    throw badInput(`A search is at most ${SEARCH_QUERY_MAX_CHARS} characters.`, 'query');
  const terms: SearchTerm[] = [];
  let from: string | null = null;
  for (const [, quoted, plain] of text.matchAll(PART)) {
    if (quoted !== undefined) {
      const tokens = searchTokens(quoted);
      if (tokens.length > 0) terms.push({ tokens, phrase: true });
      continue;
    }
    const author = FROM.exec(plain!);
    if (author) {
      const name = author[1]!.replace(/^@/, '');
      if (!name) throw badInput('Say whose messages: from:name.', 'query');
      if (from !== null && from.toLowerCase() !== name.toLowerCase())
        throw badInput('One from:name at a time.', 'query');
      from = name;
      continue;
    }
    for (const token of searchTokens(plain!)) terms.push({ tokens: [token], phrase: false });
  }
  const words = terms.reduce((sum, t) => sum + t.tokens.length, 0);
  if (words > SEARCH_MAX_WORDS) throw badInput(`A search has at most ${SEARCH_MAX_WORDS} words.`, 'query');
  if (terms.length === 0 && from === null) throw badInput('Search for at least one word (letters or digits).', 'query');
  return { terms: dedupe(terms), from };
}

/** The same word twice asks nothing more. */
function dedupe(terms: SearchTerm[]): SearchTerm[] {
  const seen = new Set<string>();
  return terms.filter((t) => {
    const key = `${t.phrase ? '"' : ''}${t.tokens.join(' ')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
