import { badInput } from '../graphql/errors.js';
import { MESSAGE_MAX_CHARS, MESSAGE_MAX_MENTIONS } from '../limits.js';
import { charCount } from '../text.js';

/** A message's text after trimming, or the error the contract gives for it. */
export function messageText(text: string): string {
  const body = text.trim();
  if (body.length === 0) throw badInput('A message needs some text.', 'text');
  if (charCount(body) > MESSAGE_MAX_CHARS)
    throw badInput(`Messages are at most ${MESSAGE_MAX_CHARS} characters.`, 'text');
  return body;
}

/**
 * `@name` not inside a word or an address ("mail a@b.co" names nobody): the characters a
 * user name may have, 2–32 of them.
 */
const MENTION = /(?<![\p{L}\p{N}_.@-])@([A-Za-z0-9_.-]{2,32})/gu;

/**
 * The names `text` may mention, in order of appearance, each once (without regard to
 * case). A name may end in `.` or `-`, and so may a sentence ("thanks @bob."): both
 * readings are candidates, and `pickMentions` keeps the longest that is a member.
 */
export function mentionCandidates(text: string): string[][] {
  const seen = new Set<string>();
  const found: string[][] = [];
  for (const [, name] of text.matchAll(MENTION)) {
    const trimmed = name!.replace(/[.-]+$/, '');
    const readings = trimmed.length >= 2 && trimmed !== name ? [name!, trimmed] : [name!];
    const key = readings.join(' ').toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    found.push(readings);
    if (found.length >= MESSAGE_MAX_MENTIONS) break;
  }
  return found;
}

/** For each mention in order, the first reading that names a member; each member once. */
export function pickMentions<U extends { readonly name: string }>(candidates: string[][], members: readonly U[]): U[] {
  const byName = new Map(members.map((m) => [m.name.toLowerCase(), m]));
  const picked: U[] = [];
  for (const readings of candidates) {
    const member = readings.map((r) => byName.get(r.toLowerCase())).find((m) => m !== undefined);
    if (member && !picked.includes(member)) picked.push(member);
  }
  return picked;
}

/** Exactly one RGI emoji (a flag, a skin tone, a family: one grapheme). */
const EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

export function isEmoji(text: string): boolean {
  return EMOJI.test(text);
}
