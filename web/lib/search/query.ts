/**
 * The search box's syntax, as far as the web UI handles it. The API understands words,
 * `"quoted phrases"` and `from:name`, so those pass through untouched; `in:room` is the
 * UI's own: taken out of the text and sent as `roomId`.
 */

export interface ParsedSearch {
  /** What the API gets as `query`: the input without its `in:` parts, spaces tidied. */
  text: string;
  /** The room an `in:` part named (the last one, when several did), as typed. */
  room: string | null;
}

interface Token {
  start: number;
  end: number;
  raw: string;
}

const isSpace = (char: string) => /\s/.test(char);

/**
 * Splits on whitespace outside double quotes: `"a phrase"` is one token, and so is
 * `in:"Quiet corner"`. A quote left open runs to the end of the input.
 */
function tokens(input: string): Token[] {
  const found: Token[] = [];
  let i = 0;
  while (i < input.length) {
    while (i < input.length && isSpace(input[i]!)) i += 1;
    if (i >= input.length) break;
    const start = i;
    let quoted = false;
    while (i < input.length && (quoted || !isSpace(input[i]!))) {
      if (input[i] === '"') quoted = !quoted;
      i += 1;
    }
    found.push({ start, end: i, raw: input.slice(start, i) });
  }
  return found;
}

const IN_PREFIX = /^in:/i;

/** The room an `in:` token names: quotes and a leading `#` dropped. */
function roomOf(raw: string): string {
  let value = raw.replace(IN_PREFIX, '').trim();
  if (value.startsWith('"')) value = value.slice(1, value.endsWith('"') && value.length > 1 ? -1 : undefined);
  return value.trim().replace(/^#/, '').trim();
}

export function parseSearch(input: string): ParsedSearch {
  let room: string | null = null;
  const kept: string[] = [];
  for (const token of tokens(input)) {
    if (!IN_PREFIX.test(token.raw)) kept.push(token.raw);
    // A bare `in:` (still being typed) is neither a room nor a word.
    else if (roomOf(token.raw) !== '') room = roomOf(token.raw);
  }
  return { text: kept.join(' '), room };
}

export interface RoomChoice {
  id: string;
  /** As the viewer sees it: a channel's name, a direct room's people. */
  name: string;
  direct: boolean;
}

const fold = (value: string) => value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/^#/, '').trim();

/**
 * The viewer's room an `in:` part names: by id first, then by name (without regard to
 * case, accents or a leading `#`; a name's spaces may be typed as `-`); null when none.
 */
export function resolveRoom(value: string, rooms: readonly RoomChoice[]): RoomChoice | null {
  const wanted = fold(value);
  if (!wanted) return null;
  return (
    rooms.find((r) => fold(r.id) === wanted) ??
    rooms.find((r) => fold(r.name) === wanted) ??
    rooms.find((r) => fold(r.name).replace(/\s+/g, '-') === wanted) ??
    null
  );
}

/** How search names a room: `#general`, or the people of a direct room. */
export function roomDisplay(room: RoomChoice): string {
  return room.direct ? room.name : `#${room.name}`;
}

/** Where a search result opens: the room, rendered around the message, scrolled to it. */
export function messageLink(roomId: string, messageId: string): string {
  const id = encodeURIComponent(messageId);
  return `/rooms/${encodeURIComponent(roomId)}?around=${id}#message-${id}`;
}

/** The shareable address of a search: /search?q=…(&room=…)(&after=…). */
export function searchLink(q: string, room?: string | null, after?: string | null): string {
  const params = new URLSearchParams({ q });
  if (room) params.set('room', room);
  if (after) params.set('after', after);
  return `/search?${params.toString()}`;
}
