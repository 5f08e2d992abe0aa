'use client';

import { useEffect, useState } from 'react';
import { useClient } from '@urql/next';
import { RoomTypingSubscription } from '../operations/live';
import { onReconnected } from '../urql/ws';
import type { Typing } from './typing-sentence';

const NOBODY: Typing = { names: [], count: 0 };

/**
 * Who else is typing in the room (the server never reports the viewer's own typing). Each
 * roomTyping frame is the whole picture, and a subscription (a reconnect's too) opens with
 * one, so nothing here expires on its own.
 */
export function useTyping(roomId: string): Typing {
  const client = useClient();
  const [typing, setTyping] = useState<Typing>(NOBODY);

  useEffect(() => {
    setTyping(NOBODY);
    const { unsubscribe } = client.subscription(RoomTypingSubscription, { roomId }).subscribe(({ data }) => {
      const batch = data?.roomTyping;
      if (batch) setTyping({ names: batch.users.map((user) => user.name), count: batch.count });
    });
    const stopListening = onReconnected(() => setTyping(NOBODY));
    return () => {
      unsubscribe();
      stopListening();
    };
  }, [client, roomId]);

  return typing;
}
