'use client';

import { useClock } from '@/lib/chat/clock';
import { exactTime, exactTimeUtc, relativeTime } from '@/lib/chat/time';

/** "2 min ago", with the exact time on hover and for machines in `dateTime`. */
export function RelativeTime({ iso }: { iso: string }) {
  const { now, local } = useClock();
  return (
    <time dateTime={iso} title={local ? exactTime(iso) : exactTimeUtc(iso)}>
      {relativeTime(iso, now)}
    </time>
  );
}
