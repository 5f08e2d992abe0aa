import { Redis, type RedisOptions } from 'ioredis';

/**
 * How many reconnection attempts a command waits through before it fails. Keeps a
 * request that needs Redis from hanging through an outage (ioredis's default is 20).
 */
const REDIS_MAX_RETRIES_PER_REQUEST = 2;
/** Longest pause between reconnection attempts during an outage. */
const REDIS_RECONNECT_MAX_MS = 1_000;

/**
 * A connected ioredis client. Start-up fails here, loudly, when REDIS_URL is set and
 * Redis cannot be reached; after that the client reconnects by itself.
 *
 * `offlineQueue: false` (for publishers and commands) fails a command at once while
 * Redis is down instead of queueing it: a send must answer, a rate limit must fall back
 * to its in-process insurance, and nothing waits to be replayed out of date later.
 */
export async function connectRedis(
  url: string,
  onError: (error: unknown) => void,
  { offlineQueue }: { offlineQueue: boolean },
): Promise<Redis> {
  const options: RedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: REDIS_MAX_RETRIES_PER_REQUEST,
    retryStrategy: (attempt) => Math.min(attempt * 100, REDIS_RECONNECT_MAX_MS),
    enableOfflineQueue: offlineQueue,
  };
  const client = new Redis(url, options);
  let lastError = '';
  client.on('error', (error: Error) => {
    // One line per kind of failure, not one per reconnection attempt.
    if (error.message === lastError) return;
    lastError = error.message;
    onError(error);
  });
  client.on('ready', () => (lastError = ''));
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis at ${redact(url)} is unreachable: ${(error as Error).message}`, { cause: error });
  }
  return client;
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an invalid URL)';
  }
}
