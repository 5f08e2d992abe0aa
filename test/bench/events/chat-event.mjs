/* global Buffer */
/**
 * The baselines' chat event: the same fields, filled the same way, as Parley's
 * `roomEvents` frame for a new message under the benchmark's selection, so every server
 * writes about as many bytes per delivery. A new message has no edit, no reaction, no
 * reply and no mention: Parley sends those as null and empty lists, and so do these.
 */
export const ROOM_ID = 'general';

/** `text` posted by `author` ({ id, name }), as the `seq`-th message of the room. */
export function chatEvent(seq, text, author) {
  return {
    kind: 'MESSAGE_ADDED',
    // Parley's cursors are base64url of "ev:<room>:<seq>"; same length here.
    cursor: Buffer.from(`ev:${ROOM_ID}:${seq}`).toString('base64url'),
    message: {
      id: String(seq),
      seq,
      text,
      editedAt: null,
      author: { id: String(author.id), name: String(author.name) },
      reactions: [],
      replyTo: null,
      mentions: [],
    },
  };
}
