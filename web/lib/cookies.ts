/** The httpOnly cookie holding the API token; only the Next server reads or writes it. */
export const SESSION_COOKIE = 'parley_session';

/** The room `/` takes a signed-in user back to (set by web/proxy.ts). */
export const LAST_ROOM_COOKIE = 'parley_last_room';

export const DEFAULT_ROOM = 'general';

/** Matches the API's session lifetime (server/limits.ts SESSION_TTL_MS). */
export const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60; // 30 days
