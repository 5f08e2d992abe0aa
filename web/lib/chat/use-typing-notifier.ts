'use client';

import { useCallback, useEffect, useRef } from 'react';
import { useClient } from '@urql/next';
import { SetTypingMutation } from '../operations/live';

/** At most one setTyping(true) this often while the user keeps typing. */
const TYPING_THROTTLE_MS = 2_000; // 2 seconds

/**
 * Tells the room when the viewer types: `changed` on every edit (throttled true, false
 * once the field is empty), `stopped` on send and on blur.
 */
export function useTypingNotifier(roomId: string) {
  const client = useClient();
  const lastTrueAt = useRef(0);
  const typing = useRef(false);

  const notify = useCallback(
    (isTyping: boolean) => {
      void client.mutation(SetTypingMutation, { roomId, isTyping }).toPromise();
    },
    [client, roomId],
  );

  const stopped = useCallback(() => {
    lastTrueAt.current = 0;
    if (!typing.current) return;
    typing.current = false;
    notify(false);
  }, [notify]);

  const changed = useCallback(
    (text: string) => {
      if (text.trim() === '') return stopped();
      const now = Date.now();
      if (now - lastTrueAt.current < TYPING_THROTTLE_MS) return;
      lastTrueAt.current = now;
      typing.current = true;
      notify(true);
    },
    [notify, stopped],
  );

  // Leaving the room while typing: say so rather than wait for the server's 6 s expiry.
  useEffect(() => stopped, [stopped]);

  return { changed, stopped };
}
