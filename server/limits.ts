/**
 * Every limit that protects the server, in one place, each with its unit. The README's
 * limits table lists these values; change both together.
 */

// --- Input -----------------------------------------------------------------------
export const MESSAGE_MAX_CHARS = 4_000; // after trimming
export const ROOM_NAME_MAX_CHARS = 64;
export const ROOM_TOPIC_MAX_CHARS = 250;
/** `updateRoom(slowModeSeconds:)` at most: six hours. */
export const SLOW_MODE_MAX_SECONDS = 21_600; // seconds
export const USER_NAME_PATTERN = /^[A-Za-z0-9_.-]{2,32}$/;
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 256;
export const CLIENT_ID_MAX_CHARS = 64;
export const HISTORY_PAGE_DEFAULT = 50; // messages
export const HISTORY_PAGE_MAX = 100; // messages
/** Messages (or changes) read from the store per round trip while replaying `after`. */
export const REPLAY_BATCH = 200; // messages or changes
/**
 * Node accepts one new connection per turn of its event loop (libuv #3696), so a node
 * whose turns are long takes in a reconnect storm at a few sockets a second however idle
 * its cores would be between turns. Two bounds keep its turns short under load:
 * replay batches sent per turn across every subscriber that is replaying (the rest wait
 * their turn, in order), and sockets written per turn by the live fan-out (the rest are
 * written in the next turn, each socket's frames still in order).
 */
export const REPLAY_BATCHES_PER_TURN = 1; // batches
export const FLUSH_SOCKETS_PER_TURN = 32; // sockets
/** Distinct emoji on one message; past it, `addReaction` of a new emoji is refused. */
export const MESSAGE_MAX_REACTIONS = 20; // distinct emoji
/** Users named with `@name` that one message may mention. */
export const MESSAGE_MAX_MENTIONS = 50; // users
/** People besides the viewer in one direct conversation (`openDirect`). */
export const DIRECT_MAX_OTHERS = 8; // users
/** `Room.members(first:)` at most. */
export const MEMBERS_PAGE_MAX = 100; // users
/** Users one `Room.online(among:)` asks about: a page of `Room.members`. */
export const ONLINE_AMONG_MAX = MEMBERS_PAGE_MAX; // users
/** `users(prefix:, first:)` at most: the names a "New message" dialog suggests. */
export const USERS_PAGE_MAX = 20; // users
/** A search query's length, in characters. */
export const SEARCH_QUERY_MAX_CHARS = 256; // characters
/** Words (phrases' words included) in one search query. */
export const SEARCH_MAX_WORDS = 16; // words
/**
 * Shorter search words match whole words only: "i" is the word "i", not every word that
 * starts with an i (which would be most of them, and the slowest query there is).
 */
export const SEARCH_PREFIX_MIN_CHARS = 2; // characters
/** `search(first:)` at most. */
export const SEARCH_PAGE_MAX = 50; // messages
/** `Reaction.users(first:)` at most. */
export const REACTION_USERS_MAX = 100; // users

// --- Files and profiles ------------------------------------------------------------
/** One uploaded file, as sent; larger is refused (HTTP 413, BAD_USER_INPUT) and nothing is kept. */
export const FILE_MAX_BYTES = 25 * 1024 * 1024; // 25 MiB
/** A multipart upload's whole body: one largest file and its operation (and form framing). */
export const UPLOAD_MAX_BODY_BYTES = FILE_MAX_BYTES + 1024 * 1024; // 26 MiB
/** `sendMessage(attachmentIds:)` at most, and files in one multipart request. */
export const FILES_PER_MESSAGE_MAX = 10; // files
/** What one person's files may take in all (attachments, unsent uploads and avatars). */
export const STORAGE_PER_USER_MAX_BYTES = 1024 * 1024 * 1024; // 1 GiB
/** A file's name as kept (longer is shortened, its extension kept). */
export const FILE_NAME_MAX_CHARS = 200; // characters
/**
 * Pixels an image may have (all frames of an animation together): past it, it is refused
 * before it is decoded (decompression bombs, sharp's limitInputPixels). A 50-megapixel
 * photo passes; a tiny PNG that declares 30,000 × 30,000 does not.
 */
export const IMAGE_MAX_PIXELS = 50_000_000; // pixels
/** Images re-encoded at once per node; more wait their turn, so ten uploads do not take ten images' memory. */
export const IMAGE_PROCESSING_CONCURRENCY = 2; // images
/** A thumbnail's longer side at most. */
export const THUMBNAIL_MAX_PX = 400; // pixels
/** An avatar's side (a square, center-cropped). */
export const AVATAR_PX = 256; // pixels
/** An upload never sent with a message (or an avatar no longer shown) is removed after this. */
export const FILE_ORPHAN_MS = 24 * 60 * 60 * 1000; // 24 hours
/** How often each node looks for files no one may read any more and removes them. */
export const FILE_SWEEP_MS = 10 * 60 * 1000; // 10 minutes
/** Files removed per sweep round trip. */
export const FILE_SWEEP_BATCH = 100; // files
/** `updateProfile(displayName:)` at most. */
export const DISPLAY_NAME_MAX_CHARS = 64; // characters
/** A person's display name and avatar are believed this long per node (changes reach every node at once). */
export const PROFILE_CACHE_MS = 60_000; // 1 minute
/** Profiles remembered at most, per node. */
export const PROFILE_CACHE_MAX = 50_000; // profiles

// --- Sessions --------------------------------------------------------------------
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000; // 30 days
/**
 * A token the store confirmed is believed this long without asking again. Signing out
 * forgets it at once on every node the sessions topic reaches; while Redis is down,
 * another node may still take a signed-out token for at most this long.
 */
export const SESSION_CACHE_MS = 5_000; // 5 seconds
/** A session's "last used" is kept to this resolution: at most one write per session per interval. */
export const SESSION_TOUCH_MS = 60_000; // 1 minute
/** What a session keeps of its client's User-Agent. */
export const SESSION_DEVICE_MAX_CHARS = 160; // characters
/** An access token's name. */
export const ACCESS_TOKEN_NAME_MAX_CHARS = 64; // characters
/** Access tokens one person may hold. */
export const ACCESS_TOKENS_MAX = 50; // tokens
/** A webhook's (and its bot's) name. */
export const WEBHOOK_NAME_MAX_CHARS = 64; // characters
/** Webhooks one room may have. */
export const WEBHOOKS_PER_ROOM_MAX = 20; // webhooks
/** One POST to a webhook: larger is 413. Slack's own limit on a message is about this order. */
export const WEBHOOK_MAX_BODY_BYTES = 64 * 1024; // 64 KiB
/** A webhook's "last posted" is written at most this often. */
export const WEBHOOK_TOUCH_MS = 60_000; // 1 minute
/** Tokens remembered at most, per node. */
export const SESSION_CACHE_MAX = 10_000; // tokens

// --- Rooms -----------------------------------------------------------------------
/** A user's access to a room, once the store granted it, is believed this long per node. */
export const ROOM_ACCESS_CACHE_MS = 5_000; // 5 seconds
/** (user, room) pairs remembered at most, per node. */
export const ROOM_ACCESS_CACHE_MAX = 50_000; // pairs

// --- Database (PostgreSQL) -------------------------------------------------------
/**
 * How long a query waits for a connection: a free one from the node's pool, or a new
 * one to PostgreSQL. While PostgreSQL is down or unreachable a request fails within
 * this (INTERNAL_SERVER_ERROR, masked) instead of queueing for as long as the outage.
 */
export const DB_CONNECT_TIMEOUT_MS = 5_000; // 5 seconds
/**
 * One statement, ended by PostgreSQL itself (`statement_timeout`). The store's longest
 * query, a search of a large room, takes tens of milliseconds; migrations run on a
 * connection of their own without it, since a backfill may take minutes.
 */
export const DB_STATEMENT_TIMEOUT_MS = 5_000; // 5 seconds
/**
 * One statement, as the node waits for it (`query_timeout`): for a PostgreSQL that
 * does not answer at all (frozen, or the network lost), which cannot end its own
 * statements. The connection is then dropped and the pool opens another.
 */
export const DB_QUERY_TIMEOUT_MS = DB_STATEMENT_TIMEOUT_MS + 1_000; // 6 seconds

// --- Typing ----------------------------------------------------------------------
/** A user not refreshing `setTyping(true)` within this time is reported stopped. */
export const TYPING_EXPIRY_MS = 6_000; // 6 seconds
/**
 * Each node hands its subscribers a room's typing at most once per this window: whatever
 * changed within it (starts, stops, expiries) goes out together at its end. A room where
 * nobody typed for a window hears the next change at once.
 */
export const TYPING_BATCH_MS = 500; // 0.5 seconds
/**
 * Typists reported at a time per room and subscriber (in the order they started, the
 * viewer never among them); later ones are reported when a slot frees. `roomTyping`
 * counts all of them, so the UI can say "several people are typing".
 */
export const TYPING_SHOWN_MAX = 3; // users
/**
 * What a subscriber hears of typing, whatever the crowd: `userTyping` at most one stop and
 * one start per shown slot per window, and any second spans at most two full windows and
 * parts of two more (three window ends). `roomTyping` is at most one frame per window.
 */
export const TYPING_FRAMES_PER_SECOND_MAX = 2 * TYPING_SHOWN_MAX * (1_000 / TYPING_BATCH_MS + 1); // frames per second

// --- Presence across nodes (Redis) ----------------------------------------------
/**
 * Each node renews its users' presence in Redis this often, and sweeps entries whose
 * node stopped renewing them (announcing those users offline).
 */
export const PRESENCE_HEARTBEAT_MS = 5_000; // 5 seconds
/**
 * An entry not renewed within this time no longer counts: a node that dies takes its
 * users offline within PRESENCE_TTL_MS, and the event follows within one more heartbeat.
 */
export const PRESENCE_TTL_MS = 15_000; // 15 seconds
/**
 * Each node gathers its presence announcements per room over this window and publishes
 * one event with who came and who went (someone who came and went within it is in
 * neither): a crowd joining a room is one `roomPresence` frame per subscriber per
 * window, not one per person (n joins to n people would be n² frames).
 */
export const PRESENCE_BATCH_MS = 1_000; // 1 second
/**
 * People a `roomPresence` frame names per list (`joined`, `left`); the counts say how many
 * came and went. Every subscriber's frame is executed for them, so a window in which 250
 * arrived would otherwise cost each of thousands of subscribers 250 users' fields.
 */
export const PRESENCE_BATCH_NAMED_MAX = 20; // users per list

// --- GraphQL documents (graphql-armor) -------------------------------------------
export const QUERY_MAX_DEPTH = 10; // levels of selection
export const QUERY_MAX_ALIASES = 15; // per operation
export const QUERY_MAX_TOKENS = 2_000; // lexer tokens per document (GraphiQL's introspection needs ~1,000)
export const QUERY_MAX_DIRECTIVES = 10; // per operation
/**
 * graphql-armor's estimate, which multiplies by literal `first`/`last` and by a factor
 * per level of depth. The largest legitimate document, a page of HISTORY_PAGE_MAX
 * messages with everything a message shows (author, reply quote, reactions and who
 * reacted, mentions) and the room's eventCursor, costs about 20,400.
 */
export const QUERY_MAX_COST = 40_000; // graphql-armor cost units
/**
 * Field selections per document, counted before validation: graphql-js's
 * OverlappingFieldsCanBeMerged is quadratic in repeated fields, and a 2,000-token
 * document of 250 × `__schema { types { name } }` took 150-450 ms to validate here.
 * GraphiQL's full introspection query has 73; the web UI's largest document about 20.
 */
export const QUERY_MAX_FIELDS = 200; // field selections per document

// --- HTTP ------------------------------------------------------------------------
/** A GraphQL request body, as Yoga reads it (its default is 25 MB); larger is 413. */
export const HTTP_MAX_BODY_BYTES = 64 * 1024; // 64 KiB, the same as a WebSocket frame

// --- WebSocket -------------------------------------------------------------------
export const WS_MAX_FRAME_BYTES = 64 * 1024; // 64 KiB per incoming frame
/** A socket whose unsent output passes this is not reading: it is disconnected. */
export const WS_MAX_BUFFERED_BYTES = 1024 * 1024; // 1 MiB
export const WS_CONNECTION_INIT_TIMEOUT_MS = 3_000; // 3 seconds
/**
 * A graphql-ws operation id (a UUID is 36 bytes); longer is 4400. Every frame of the
 * operation repeats it, and graphql-ws puts it in the 4409 close reason, which may not
 * pass 123 bytes (past that, `ws` throws and the client got 4500 instead of 4409).
 */
export const WS_MAX_OPERATION_ID_BYTES = 64; // UTF-8 bytes
/** graphql-ws server pings; proxies drop idle sockets otherwise. */
export const WS_KEEPALIVE_MS = 12_000; // 12 seconds
/**
 * Authenticated sockets one user may hold open on one node (a tab holds one). The next
 * is closed with 4403 and a reason: 4403 is what graphql-ws answers when `onConnect`
 * refuses, and clients retry it with backoff, so a tab recovers once another closes
 * (4429 would be fatal for the reference client and means a second `connection_init`).
 * Lifted with the rate limits (`RATE_LIMITS=off`): the benchmark opens thousands of
 * sockets as one user.
 */
export const WS_MAX_SOCKETS_PER_USER = 20; // sockets
/**
 * New WebSockets one node takes in, whoever opens them (server/transport/admission.ts):
 * a reconnect storm is taken in at this pace, the rest closed with 1013 ("try again
 * later", which graphql-ws clients retry) and a reason naming when: the 5,000 clients of
 * a restarted node are all back within about 4 s, while the sockets it already has keep
 * being served.
 */
export const WS_ADMIT_PER_SECOND = 1_000; // sockets per second
export const WS_ADMIT_BURST = 1_000; // sockets at once, above the rate
/** Spread added to a refused socket's turn, so refused clients do not come back together. */
export const WS_ADMIT_JITTER_MS = 1_000; // 1 second
/**
 * Connections the kernel holds for a node between the TCP handshake and Node's accept()
 * (the listen backlog; Linux caps it at net.core.somaxconn). Node's default, 511, is
 * shorter than a reconnect storm: past it the kernel drops the handshake's last step and
 * those clients wait out TCP retransmissions, seconds to minutes, before admission even
 * sees them (`npm run bench:reconnect`: 33,590 handshakes dropped and 147 s until 5,000
 * clients were back, against none dropped and 22-37 s with 4,096).
 */
export const LISTEN_BACKLOG = 4_096; // connections
/**
 * Operations (subscriptions and in-flight queries or mutations) one socket may run at
 * once; past it a `subscribe` is answered with an error and the socket stays up. Without
 * it the per-user socket cap bounds nothing: one socket could hold any number of
 * subscriptions.
 */
export const WS_MAX_OPERATIONS_PER_SOCKET = 100; // operations
/**
 * Events queued for one subscriber that is not taking them (userTyping, presenceChanged,
 * messageAdded over SSE). graphql-ws takes the next event only once the last frame was
 * written, so a socket that does not read stops taking them; Repeater throws past 1,024
 * queued, inside the room's delivery loop. Past this bound the socket is dropped, as
 * the fan-out drops one whose buffer passes WS_MAX_BUFFERED_BYTES.
 */
export const SUBSCRIPTION_MAX_PENDING_EVENTS = 1_000; // events

// --- Shutdown --------------------------------------------------------------------
/**
 * On SIGTERM, how long queries and mutations in flight (HTTP and WebSocket) get to
 * answer before every connection is cut; sockets close with 1001 as soon as they are
 * idle. The process exits within SHUTDOWN_DEADLINE_MS whatever happens.
 */
export const SHUTDOWN_DRAIN_MS = 5_000; // 5 seconds
export const SHUTDOWN_DEADLINE_MS = 10_000; // 10 seconds

// --- Rate limits (per key, sliding over `durationS`) -----------------------------
export interface RateLimit {
  readonly points: number;
  readonly durationS: number;
}
export const RATE_SEND_MESSAGE: RateLimit = { points: 30, durationS: 10 }; // per user
/** Posts to one webhook (an alert storm must not flood its room). */
export const RATE_WEBHOOK: RateLimit = { points: 30, durationS: 10 }; // per webhook
export const RATE_SET_TYPING: RateLimit = { points: 30, durationS: 10 }; // per user
/** `editMessage` and `deleteMessage` together. */
export const RATE_CHANGE_MESSAGE: RateLimit = { points: 30, durationS: 10 }; // per user
/** `addReaction` and `removeReaction` together: a click toggles, so more than sends. */
export const RATE_REACT: RateLimit = { points: 60, durationS: 10 }; // per user
/** `uploadFile`: each file counts. */
export const RATE_UPLOAD: RateLimit = { points: 30, durationS: 60 }; // per user
/** `/export/me.json` and `/export/rooms/<id>.json` together: each reads a whole history. */
export const RATE_EXPORT: RateLimit = { points: 10, durationS: 3_600 }; // per user
/** `updateProfile`. */
export const RATE_UPDATE_PROFILE: RateLimit = { points: 10, durationS: 60 }; // per user
export const RATE_SIGN_UP: RateLimit = { points: 10, durationS: 3_600 }; // per address
export const RATE_SIGN_IN: RateLimit = { points: 20, durationS: 600 }; // per address
/**
 * Subscriptions started on one socket (server/transport/subscribe-rate.ts): 100 at once
 * (as many as may run, WS_MAX_OPERATIONS_PER_SOCKET), then 5 a second. Past it a subscribe
 * is answered RATE_LIMITED with `retryAfterMs`; the socket stays up.
 */
export const RATE_SUBSCRIBE: RateLimit = { points: 100, durationS: 20 }; // per socket
/** New WebSocket connections, counted at the upgrade; past it the upgrade is refused with 429. */
export const RATE_WS_CONNECT: RateLimit = { points: 60, durationS: 60 }; // per address
