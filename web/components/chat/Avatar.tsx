'use client';

import type { CSSProperties } from 'react';
import type { User } from '@/lib/chat/types';
import { initials, userHue } from '@/lib/chat/avatar';
import { useProfile } from '../profile/Profiles';

/**
 * The person's picture if they chose one, else initials on a color that is the same for
 * them everywhere. A picture, not text: names are shown beside it, so it is hidden from
 * screen readers, and the initials are drawn from CSS (`::before`) and stay out of copied
 * text and of the visible label of whatever holds the avatar (the "who is online" button).
 * Live: a profile changed while the page is open shows here at once.
 */
export function Avatar({ user, size = 'md' }: { user: User; size?: 'sm' | 'md' | 'lg' }) {
  const { name, avatarUrl } = useProfile(user);
  const style = { '--hue': userHue(user.id) } as CSSProperties;
  if (avatarUrl) {
    return <img className={`avatar avatar-${size} avatar-image`} src={avatarUrl} alt="" aria-hidden="true" />;
  }
  return <span className={`avatar avatar-${size}`} style={style} data-initials={initials(name)} aria-hidden="true" />;
}
