import { type HeardProfile, type Profiles, sameProfile } from './profile';

/** A profile heard live, and in which stretch of the tab's subscription it was heard. */
interface Heard {
  readonly profile: HeardProfile;
  readonly stretch: number;
}

export type HeardProfiles = ReadonlyMap<string, Heard>;

/**
 * The profile changes a tab has heard, kept for the tab's life rather than a page's: a
 * page's own subscription would start only once the page had mounted, and a change made
 * between the page's server render and then would be missed until a reload.
 *
 * While the subscription is unbroken, what it heard is at least as new as any page data
 * read meanwhile, so a page may prefer it. A break (the socket dropped, the subscription
 * ended) starts a new stretch: what was heard before it may be older than data a page
 * reads after it, so a page uses only what was heard in the stretch it mounted in or later.
 */
export class ProfileFeed {
  /** Replaced, never changed in place: it is the snapshot React compares. */
  heard: HeardProfiles = new Map();
  /** The stretch a page mounting now belongs to. */
  stretch = 0;
  private readonly listeners = new Set<() => void>();

  /** A profile heard, or changed by this tab. */
  hear(profile: HeardProfile): void {
    const known = this.heard.get(profile.id);
    if (known && known.stretch === this.stretch && sameProfile(known.profile, profile)) return;
    const next = new Map(this.heard);
    next.set(profile.id, { profile, stretch: this.stretch });
    this.heard = next;
    for (const listener of this.listeners) listener();
  }

  /** The subscription broke: changes may be missed from here until it is back. */
  broke(): void {
    this.stretch += 1;
  }

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The newest profile heard per person in `stretch` or later. */
export function profilesSince(heard: HeardProfiles, stretch: number): Profiles {
  const profiles = new Map<string, HeardProfile>();
  for (const [id, entry] of heard) if (entry.stretch >= stretch) profiles.set(id, entry.profile);
  return profiles;
}
