'use client';

import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useClient } from '@urql/next';
import type { ProfileFieldsFragment } from '@/gql/graphql';
import type { User } from '@/lib/chat/types';
import { ProfileChangedSubscription } from '@/lib/operations/files';
import { type Profiles, mergeProfile, shownProfile } from '@/lib/profile';

interface ProfilesValue {
  /** The newest profile heard for each person who changed theirs while the page was open. */
  profiles: Profiles;
  /** A profile this tab changed: shown at once, before the subscription brings it back. */
  remember: (profile: ProfileFieldsFragment) => void;
}

const ProfilesContext = createContext<ProfilesValue>({ profiles: new Map(), remember: () => undefined });

/**
 * Everyone's profile changes, live, for the whole page (one `profileChanged`
 * subscription): every avatar and name reads through `useProfile`, so a new face or name
 * shows at once in the messages, the member and online lists, the mentions and the sidebar.
 */
export function ProfilesProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const [profiles, setProfiles] = useState<Profiles>(() => new Map());
  const remember = useCallback((profile: ProfileFieldsFragment) => {
    setProfiles((current) => mergeProfile(current, profile));
  }, []);
  useEffect(() => {
    const { unsubscribe } = client.subscription(ProfileChangedSubscription, {}).subscribe((result) => {
      const changed = result.data?.profileChanged;
      if (changed) remember(changed);
    });
    return unsubscribe;
  }, [client, remember]);
  const value = useMemo(() => ({ profiles, remember }), [profiles, remember]);
  return <ProfilesContext.Provider value={value}>{children}</ProfilesContext.Provider>;
}

/** The name and picture to show for `user`: the newest heard live, else what the page was given. */
export function useProfile(user: User & { isDeleted?: boolean }) {
  const { profiles } = useContext(ProfilesContext);
  return shownProfile(user, profiles.get(user.id));
}

export const useRememberProfile = () => useContext(ProfilesContext).remember;

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
