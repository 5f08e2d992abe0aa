import { MemoryPubSub } from './memory.js';
import type { PubSub } from './types.js';

export * from './types.js';

/** The pub/sub the configuration asks for: Redis when `redisUrl` is set, else in-process. */
export async function openPubSub(
  config: { readonly redisUrl: string | undefined; readonly redisPrefix: string },
  onListenerError: (error: unknown) => void,
): Promise<PubSub> {
  if (config.redisUrl === undefined) return new MemoryPubSub(onListenerError);
  const { RedisPubSub } = await import('./redis.js');
  return RedisPubSub.open(config.redisUrl, config.redisPrefix, onListenerError);
}
