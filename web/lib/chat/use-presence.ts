'use client';

import { useEffect, useState } from 'react';
import { useClient } from '@urql/next';
import { PresenceChangedSubscription } from '../operations/live';
import { RoomOnlineQuery } from '../operations/rooms';
import { onReconnected } from '../urql/ws';
import type { User } from './types';

export type OnlineUser = User;

const byName = (a: OnlineUser, b: OnlineUser) => a.name.localeCompare(b.name);

/**
 * Who is online in the room: the server-rendered list, kept current by presenceChanged,
 * and fetched afresh after a reconnect (events sent while we were away are gone).
 */
export function useOnlineUsers(roomId: string, initial: readonly OnlineUser[]): OnlineUser[] {
  const client = useClient();
  const [online, setOnline] = useState<ReadonlyMap<string, OnlineUser>>(
    () => new Map(initial.map((user) => [user.id, user])),
  );

  useEffect(() => {
    const { unsubscribe } = client.subscription(PresenceChangedSubscription, { roomId }).subscribe(({ data }) => {
      const event = data?.presenceChanged;
      if (!event) return;
      setOnline((current) => {
        const next = new Map(current);
        if (event.online) next.set(event.user.id, { id: event.user.id, name: event.user.name });
        else next.delete(event.user.id);
        return next;
      });
    });
    const stopListening = onReconnected(() => {
      void client
        .query(RoomOnlineQuery, { id: roomId }, { requestPolicy: 'network-only' })
        .toPromise()
        .then(({ data }) => {
          if (data?.room) setOnline(new Map(data.room.online.map((user) => [user.id, user])));
        });
    });
    return () => {
      unsubscribe();
      stopListening();
    };
  }, [client, roomId]);

  return [...online.values()].sort(byName);
}
