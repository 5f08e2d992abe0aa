/**
 * Every limit that protects the server, in one place, each with its unit. The README's
 * limits table lists these values; change both together.
 */

// --- Input -----------------------------------------------------------------------
export const MESSAGE_MAX_CHARS = 4_000; // after trimming
export const ROOM_NAME_MAX_CHARS = 64;
export const USER_NAME_PATTERN = /^[A-Za-z0-9_.-]{2,32}$/;
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 256;
export const CLIENT_ID_MAX_CHARS = 64;
export const HISTORY_PAGE_DEFAULT = 50; // messages
export const HISTORY_PAGE_MAX = 100; // messages
/** Messages read from the store per round trip while replaying `messageAdded(after:)`. */
export const REPLAY_BATCH = 200; // messages

// --- Sessions --------------------------------------------------------------------
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000; // 30 days

// --- Typing ----------------------------------------------------------------------
/** A user not refreshing `setTyping(true)` within this time is reported stopped. */
export const TYPING_EXPIRY_MS = 6_000; // 6 seconds

// --- GraphQL documents (graphql-armor) -------------------------------------------
export const QUERY_MAX_DEPTH = 10; // levels of selection
export const QUERY_MAX_ALIASES = 15; // per operation
export const QUERY_MAX_TOKENS = 2_000; // lexer tokens per document (GraphiQL's introspection needs ~1,000)
export const QUERY_MAX_DIRECTIVES = 10; // per operation
export const QUERY_MAX_COST = 5_000; // graphql-armor cost units

// --- WebSocket -------------------------------------------------------------------
export const WS_MAX_FRAME_BYTES = 64 * 1024; // 64 KiB per incoming frame
/** A socket whose unsent output passes this is not reading: it is disconnected. */
export const WS_MAX_BUFFERED_BYTES = 1024 * 1024; // 1 MiB
export const WS_CONNECTION_INIT_TIMEOUT_MS = 3_000; // 3 seconds
/** graphql-ws server pings; proxies drop idle sockets otherwise. */
export const WS_KEEPALIVE_MS = 12_000; // 12 seconds

// --- Rate limits (per key, sliding over `durationS`) -----------------------------
export interface RateLimit {
  readonly points: number;
  readonly durationS: number;
}
export const RATE_SEND_MESSAGE: RateLimit = { points: 30, durationS: 10 }; // per user
export const RATE_SET_TYPING: RateLimit = { points: 30, durationS: 10 }; // per user
export const RATE_SIGN_UP: RateLimit = { points: 10, durationS: 3_600 }; // per address
export const RATE_SIGN_IN: RateLimit = { points: 20, durationS: 600 }; // per address
