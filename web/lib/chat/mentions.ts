import { type TextPart, linkify } from './linkify';
import type { User } from './types';

export type RichPart = TextPart | { kind: 'mention'; text: string; user: User };

/**
 * The server's reading of `@name` (server/messages/text.ts): not inside a word or an
 * address, 2–32 name characters. A trailing `.` or `-` may end the sentence rather than
 * the name, so the longer reading is tried first, then the trimmed one.
 */
const MENTION = /(?<![\p{L}\p{N}_.@-])@([A-Za-z0-9_.-]{2,32})/gu;
const NAME_CHAR = /[A-Za-z0-9_.-]/;
const BEFORE_MENTION = /[\p{L}\p{N}_.@-]/u;

function readings(name: string): string[] {
  const trimmed = name.replace(/[.-]+$/, '');
  return trimmed.length >= 2 && trimmed !== name ? [name, trimmed] : [name];
}

/** Splits a plain run at the `@name`s of `mentions` (the users the server says it names). */
function splitMentions(text: string, byName: ReadonlyMap<string, User>): RichPart[] {
  const parts: RichPart[] = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const reading = readings(match[1] ?? '').find((r) => byName.has(r.toLowerCase()));
    if (!reading) continue;
    const user = byName.get(reading.toLowerCase())!;
    if (match.index > last) parts.push({ kind: 'text', text: text.slice(last, match.index) });
    parts.push({ kind: 'mention', text: `@${reading}`, user });
    last = match.index + reading.length + 1;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/** Message text as runs of plain text, http(s) links and mentions of members, in order. */
export function richText(text: string, mentions: readonly User[]): RichPart[] {
  if (mentions.length === 0) return linkify(text);
  const byName = new Map(mentions.map((u) => [u.name.toLowerCase(), u]));
  return linkify(text).flatMap((part) => (part.kind === 'text' ? splitMentions(part.text, byName) : [part]));
}

/** The `@name` being typed at the caret: where its `@` is and what follows it so far. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  let start = caret;
  while (start > 0 && caret - start < 32 && NAME_CHAR.test(text[start - 1] ?? '')) start--;
  if (text[start - 1] !== '@') return null;
  const before = text[start - 2];
  if (before !== undefined && BEFORE_MENTION.test(before)) return null;
  return { start: start - 1, query: text.slice(start, caret) };
}

/** `text` with the `@query` at `start` completed to `@name `, and where the caret goes. */
export function completeMention(
  text: string,
  start: number,
  caret: number,
  name: string,
): { text: string; caret: number } {
  const rest = text.slice(caret).replace(/^[A-Za-z0-9_.-]*/, '');
  const inserted = `@${name}${rest.startsWith(' ') ? '' : ' '}`;
  return {
    text: text.slice(0, start) + inserted + rest,
    caret: start + inserted.length + (rest.startsWith(' ') ? 1 : 0),
  };
}

/** Members whose name starts with the query first, then those containing it, at most `limit`. */
export function suggestMembers(members: readonly User[], query: string, excludeId: string, limit = 8): User[] {
  const q = query.toLowerCase();
  const others = members.filter((m) => m.id !== excludeId);
  const starts = others.filter((m) => m.name.toLowerCase().startsWith(q));
  const contains = others.filter((m) => !m.name.toLowerCase().startsWith(q) && m.name.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, limit);
}
