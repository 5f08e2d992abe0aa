import { MemoryPubSub } from './memory.js';
import type { PubSub } from './types.js';

export * from './types.js';

/** The pub/sub `REDIS_URL` asks for; in-process when it is unset. */
export async function openPubSub(
  redisUrl: string | undefined,
  onListenerError: (error: unknown) => void,
): Promise<PubSub> {
  if (redisUrl === undefined) return new MemoryPubSub(onListenerError);
  const { RedisPubSub } = await import('./redis.js');
  return new RedisPubSub(redisUrl, onListenerError);
}
