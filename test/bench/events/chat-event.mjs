/* global Buffer, process */
/**
 * The baselines' chat event: the same fields, filled the same way, as Parley's frame for
 * a new message under the benchmark's selection of the feed under test (BENCH_FEED), so
 * every server writes about as many bytes per delivery.
 */
export const ROOM_ID = 'general';

/** `text` posted by `author` ({ id, name }), as the `seq`-th message of the room. */
export function chatEvent(seq, text, author) {
  return process.env.BENCH_FEED === 'messageAdded' ? newMessage(seq, text, author) : roomEvent(seq, text, author);
}

/** `messageAdded { id text createdAt author { id name } }`, the contract's benchmark selection. */
function newMessage(seq, text, author) {
  return {
    id: String(seq),
    text,
    createdAt: new Date().toISOString(),
    author: { id: String(author.id), name: String(author.name) },
  };
}

/**
 * `roomEvents` under the task's selection. A new message has no edit, no reaction, no
 * reply and no mention: Parley sends those as null and empty lists, and so does this.
 */
function roomEvent(seq, text, author) {
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
