import type { CSSProperties } from 'react';
import type { User } from '@/lib/chat/types';
import { initials, userHue } from '@/lib/chat/avatar';

/**
 * Initials on a color that is the same for this user everywhere. A picture, not text: names are
 * shown beside it, so the initials are drawn from CSS (`::before`) and stay out of copied text and
 * of the visible label of whatever holds the avatar (the "who is online" button).
 */
export function Avatar({ user, size = 'md' }: { user: User; size?: 'sm' | 'md' }) {
  const style = { '--hue': userHue(user.id) } as CSSProperties;
  return (
    <span className={`avatar avatar-${size}`} style={style} data-initials={initials(user.name)} aria-hidden="true" />
  );
}
