'use client';

import { useClock } from '@/lib/chat/clock';
import { exactTime, exactTimeUtc } from '@/lib/chat/time';

/** "edited", with when on hover (in UTC until hydrated, so server and browser agree). */
export function EditedMark({ at }: { at: string }) {
  const { local } = useClock();
  const when = local ? exactTime(at) : exactTimeUtc(at);
  return (
    <span className="message-edited" title={`Edited ${when}`}>
      edited
    </span>
  );
}
