import type { Message, QuotedMessage } from './types';

/** Where a message of `seq` belongs in `messages` (ascending by seq): usually at the end. */
function insertionIndex(messages: readonly Message[], seq: number): number {
  let low = 0;
  let high = messages.length;
  if (high > 0 && messages[high - 1]!.seq < seq) return high;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (messages[mid]!.seq < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** `message` put in its place by seq, replacing the held copy of the same id. */
export function upsertBySeq(messages: readonly Message[], message: Message): Message[] {
  const without = messages.filter((m) => m.id !== message.id);
  const at = insertionIndex(without, message.seq);
  return [...without.slice(0, at), message, ...without.slice(at)];
}

/** Two runs merged by seq; for an id in both, `preferred`'s copy wins. */
export function mergeBySeq(preferred: readonly Message[], other: readonly Message[]): Message[] {
  const ids = new Set(preferred.map((m) => m.id));
  return [...preferred, ...other.filter((m) => !ids.has(m.id))].sort((a, b) => a.seq - b.seq);
}

function quoteOf(message: Message): QuotedMessage {
  return { id: message.id, text: message.text, deletedAt: message.deletedAt, author: message.author };
}

/**
 * Replies hold a copy of what they answer; a change to the original must reach those
 * copies too, or a quote would go on showing text that was edited or deleted.
 */
export function refreshQuotes(messages: readonly Message[], changed: Message): Message[] {
  if (!messages.some((m) => m.replyTo?.id === changed.id)) return messages as Message[];
  const quote = quoteOf(changed);
  return messages.map((m) => (m.replyTo?.id === changed.id ? { ...m, replyTo: quote } : m));
}
