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

/**
 * How long the subscription outlives the last page that shows people: the next page of a
 * navigation mounts after the last one unmounts, and must find it still running.
 */
export const KEEP_AFTER_LAST_PAGE_MS = 10_000; // 10 seconds

/** What the feed needs of the tab's socket. */
export interface ProfileSource {
  /** Starts the subscription: `hear` each change, `ended` once it ends; returns how to end it. */
  subscribe(hear: (profile: HeardProfile) => void, ended: () => void): () => void;
  /** Calls `listener` each time the socket is back after a drop; returns how to stop. */
  onReconnected(listener: () => void): () => void;
}

/**
 * The tab's one `profileChanged` subscription: started by the first page that shows
 * people and kept through navigations, so that a change made while the next page loads is
 * not missed; ended KEEP_AFTER_LAST_PAGE_MS after the last such page has gone (the
 * account page, signing out), which lets the socket go idle.
 */
export class ProfileSubscription {
  private holders = 0;
  private stop: (() => void) | undefined;
  private release: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly feed: ProfileFeed,
    private readonly source: ProfileSource,
  ) {}

  get running(): boolean {
    return this.stop !== undefined;
  }

  /** A page that shows people holds it while mounted; returns the page's release. */
  hold(): () => void {
    this.holders += 1;
    clearTimeout(this.release);
    if (!this.stop) this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders -= 1;
      if (this.holders > 0) return;
      this.release = setTimeout(() => {
        if (this.holders === 0) this.stop?.();
      }, KEEP_AFTER_LAST_PAGE_MS);
    };
  }

  private start(): void {
    // graphql-ws subscribes again after a reconnect; what changed meanwhile was missed.
    const stopWatching = this.source.onReconnected(() => this.feed.broke());
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      stopWatching();
      this.feed.broke();
      if (this.stop === stop) this.stop = undefined;
    };
    const stop = () => {
      unsubscribe();
      end();
    };
    const unsubscribe = this.source.subscribe((profile) => this.feed.hear(profile), end);
    // Refused at once: the next page to mount tries again.
    if (!ended) this.stop = stop;
  }
}
