'use client';

import { type ReactNode, createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type {
  ProfileChangedSubscription as ProfileChangedSubscriptionResult,
  ProfileFieldsFragment,
} from '@/gql/graphql';
import type { User } from '@/lib/chat/types';
import { ProfileChangedSubscription } from '@/lib/operations/files';
import { type Profiles, shownProfile } from '@/lib/profile';
import { type HeardProfiles, ProfileFeed, ProfileSubscription, profilesSince } from '@/lib/profile-feed';
import { documentHash } from '@/lib/urql/trusted-documents';
import { onReconnected, wsClient } from '@/lib/urql/ws';

interface ProfilesValue {
  /** The newest profile heard for each person who changed theirs while the page was open. */
  profiles: Profiles;
  /** A profile this tab changed: shown at once, before the subscription brings it back. */
  remember: (profile: ProfileFieldsFragment) => void;
}

const ProfilesContext = createContext<ProfilesValue>({ profiles: new Map(), remember: () => undefined });

/** The tab's profile changes (in the browser; on the server it stays empty). */
const feed = new ProfileFeed();
const NONE: HeardProfiles = new Map();

/** The tab's one profileChanged subscription, over its socket (in the browser only). */
const subscription = new ProfileSubscription(feed, {
  subscribe(hear, ended) {
    const sha256Hash = documentHash(ProfileChangedSubscription);
    return wsClient().subscribe<ProfileChangedSubscriptionResult>(
      { query: '', extensions: { persistedQuery: { version: 1, sha256Hash } } },
      {
        next: ({ data }) => {
          if (data?.profileChanged) hear(data.profileChanged);
        },
        error: ended,
        complete: ended,
      },
    );
  },
  onReconnected,
});

const remember = (profile: ProfileFieldsFragment) => feed.hear(profile);
const listen = (listener: () => void) => feed.listen(listener);
const heardNow = () => feed.heard;
const heardOnTheServer = () => NONE;

/**
 * Everyone's profile changes, live, for the whole page: every avatar and name reads
 * through `useProfile`, so a new face or name shows at once in the messages, the member
 * and online lists, the mentions and the sidebar.
 */
export function ProfilesProvider({ children }: { children: ReactNode }) {
  // What was heard before a break in the stretch this page mounted in may be older than its data.
  const [stretch] = useState(() => feed.stretch);
  const heard = useSyncExternalStore(listen, heardNow, heardOnTheServer);
  useEffect(() => subscription.hold(), []);
  const value = useMemo(() => ({ profiles: profilesSince(heard, stretch), remember }), [heard, stretch]);
  return <ProfilesContext.Provider value={value}>{children}</ProfilesContext.Provider>;
}

/** The name and picture to show for `user`: the newest heard live, else what the page was given. */
export function useProfile(user: User & { isDeleted?: boolean }) {
  const { profiles } = useContext(ProfilesContext);
  return shownProfile(user, profiles.get(user.id));
}

export const useRememberProfile = () => useContext(ProfilesContext).remember;

/** Every profile heard live on this page, by person (for names made of several people's). */
export const useProfiles = () => useContext(ProfilesContext).profiles;

/** A person's name as shown: their display name if they chose one. */
export function PersonName({ user }: { user: User }) {
  return <>{useProfile(user).name}</>;
}

/**
 * A message group's author: "deleted user" (muted) once the account is gone, also when
 * that is heard live while the page is open; else the name as shown.
 */
export function AuthorName({ user }: { user: User & { isDeleted?: boolean } }) {
  const shown = useProfile(user);
  return shown.isDeleted ? (
    <span className="author muted" data-testid="deleted-author">
      deleted user
    </span>
  ) : (
    <span className="author">{shown.name}</span>
  );
}
