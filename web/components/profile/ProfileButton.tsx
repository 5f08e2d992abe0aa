'use client';

import { useState } from 'react';
import type { User } from '@/lib/chat/types';
import { useHydrated } from '@/lib/chat/use-hydrated';
import { ProfileDialog } from './ProfileDialog';

/** "Profile": opens the viewer's display name and picture (a dialog, so it needs JavaScript). */
export function ProfileButton({ viewer, roomId }: { viewer: User; roomId: string }) {
  const [open, setOpen] = useState(false);
  const hydrated = useHydrated();
  if (!hydrated) return null;
  return (
    <>
      <button type="button" className="quiet-button" onClick={() => setOpen(true)} data-testid="profile-button">
        Profile
      </button>
      <ProfileDialog open={open} onClose={() => setOpen(false)} viewer={viewer} roomId={roomId} />
    </>
  );
}
