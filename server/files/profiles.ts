import { ExpiringMap } from '../bounded-map.js';
import { batched } from '../graphql/batch.js';
import type { GraphQLContext } from '../graphql/context.js';
import { PROFILE_CACHE_MAX, PROFILE_CACHE_MS } from '../limits.js';
import { PROFILES_TOPIC } from '../pubsub/index.js';
import type { Services } from '../services.js';
import type { Profile, UserRow } from '../store/types.js';

/**
 * Each node's profiles, believed PROFILE_CACHE_MS: a message's author, a member, a
 * reaction's users all show a display name and an avatar, and a live room would
 * otherwise read them again for every event. A change replaces the entry on every node
 * at once through PROFILES_TOPIC; a node that missed it believes the old one at most
 * PROFILE_CACHE_MS longer.
 */
class ProfileCache {
  readonly entries = new ExpiringMap<string, Profile>(PROFILE_CACHE_MAX, PROFILE_CACHE_MS);
  private listening: Promise<unknown> | undefined;

  constructor(private readonly services: Services) {}

  /** Hears every node's changes, from the first time a profile is read on this one. */
  listen(): void {
    this.listening ??= this.services.pubsub
      .subscribe(PROFILES_TOPIC, (event) => this.entries.set(event.user.id, event.user.profile))
      .catch((error: unknown) => this.services.log.error({ err: error }, 'profile changes not heard'));
  }
}

const caches = new WeakMap<Services, ProfileCache>();

function cacheOf(services: Services): ProfileCache {
  let cache = caches.get(services);
  if (!cache) caches.set(services, (cache = new ProfileCache(services)));
  cache.listen();
  return cache;
}

/** Remembers a profile this node just changed, before the pub/sub brings it back. */
export function rememberProfile(services: Services, userId: string, profile: Profile): void {
  cacheOf(services).entries.set(userId, profile);
}

const profilesById = batched<string, Profile>(async (ctx, ids) => {
  const cache = cacheOf(ctx.services);
  const found = new Map<string, Profile>();
  const missing: string[] = [];
  for (const id of ids) {
    const known = cache.entries.get(id);
    if (known) found.set(id, known);
    else missing.push(id);
  }
  if (missing.length > 0) {
    for (const [id, profile] of await ctx.services.store.profiles(missing)) {
      cache.entries.set(id, profile);
      found.set(id, profile);
    }
  }
  return found;
});

const NO_PROFILE: Profile = { displayName: null, avatarId: null };

/** `user`'s profile: the one it was read with, else this node's, else the store's. */
export async function profileOf(ctx: GraphQLContext, user: UserRow): Promise<Profile> {
  return user.profile ?? (await profilesById(ctx, user.id)) ?? NO_PROFILE;
}
