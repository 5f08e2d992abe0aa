import type { CSSProperties } from 'react';
import type { User } from '@/lib/chat/types';
import { initials, userHue } from '@/lib/chat/avatar';

/** Initials on a color that is the same for this user everywhere. Decorative: names are shown beside it. */
export function Avatar({ user, size = 'md' }: { user: User; size?: 'sm' | 'md' }) {
  const style = { '--hue': userHue(user.id) } as CSSProperties;
  return (
    <span className={`avatar avatar-${size}`} style={style} aria-hidden="true">
      {initials(user.name)}
    </span>
  );
}
