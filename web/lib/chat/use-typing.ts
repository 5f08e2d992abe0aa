'use client';

import { useEffect, useState } from 'react';
import { useClient } from '@urql/next';
import { UserTypingSubscription } from '../operations/live';
import { onReconnected } from '../urql/ws';

/**
 * The server reports a silent typist stopped after 6 s; this is only a backstop in case
 * that notice is lost with a dropped connection.
 */
const TYPING_STALE_MS = 8_000; // 8 seconds

interface Typist {
  name: string;
  until: number;
}

/** Who else is typing in the room (the server never reports the viewer's own typing). */
export function useTypingUsers(roomId: string): string[] {
  const client = useClient();
  const [typists, setTypists] = useState<ReadonlyMap<string, Typist>>(new Map());

  useEffect(() => {
    setTypists(new Map());
    const { unsubscribe } = client.subscription(UserTypingSubscription, { roomId }).subscribe(({ data }) => {
      const event = data?.userTyping;
      if (!event) return;
      setTypists((current) => {
        const next = new Map(current);
        if (event.isTyping) next.set(event.user.id, { name: event.user.name, until: Date.now() + TYPING_STALE_MS });
        else next.delete(event.user.id);
        return next;
      });
    });
    // A resubscription starts with everyone typing right now: forget the old picture.
    const stopListening = onReconnected(() => setTypists(new Map()));
    return () => {
      unsubscribe();
      stopListening();
    };
  }, [client, roomId]);

  useEffect(() => {
    if (typists.size === 0) return;
    const soonest = Math.min(...[...typists.values()].map((t) => t.until));
    const timer = setTimeout(
      () => setTypists((current) => new Map([...current].filter(([, t]) => t.until > Date.now()))),
      Math.max(0, soonest - Date.now()) + 50,
    );
    return () => clearTimeout(timer);
  }, [typists]);

  return [...typists.values()].map((t) => t.name).sort((a, b) => a.localeCompare(b));
}

/** "alice is typing…", "alice and bob are typing…", "several people are typing…". */
export function typingSentence(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'several people are typing…';
}
