'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import { useClient } from '@urql/next';
import { RoomPresenceSubscription } from '../operations/live';
import { RoomOnlineQuery } from '../operations/rooms';
import { onReconnected } from '../urql/ws';
import { type PresenceState, applyPresenceBatch, presenceFromList } from './presence-state';
import type { User } from './types';

export type OnlineUser = User;

/** Who is online; a new object (and list) each time that changes, the same one otherwise. */
export interface Online {
  /** Some of the people online, by name: all of them in a small room, at most ONLINE_LISTED_MAX in a crowd. */
  readonly users: readonly OnlineUser[];
  /** How many are online. */
  readonly count: number;
}

const byName = (a: OnlineUser, b: OnlineUser) => a.name.localeCompare(b.name);

/**
 * Who is online in the room: the server-rendered page of them and their count, kept
 * current by roomPresence (one frame per window however many come and go), and fetched
 * afresh after a reconnect (batches sent while we were away are gone) or when people
 * leaving emptied the list below what the count says it could show.
 */
export function useOnline(roomId: string, initial: Online): Online {
  const client = useClient();
  const [state, setState] = useState<PresenceState & { short?: boolean }>(() =>
    presenceFromList(initial.users, initial.count),
  );

  const refetch = useCallback(() => {
    void client
      .query(RoomOnlineQuery, { id: roomId }, { requestPolicy: 'network-only' })
      .toPromise()
      .then(({ data }) => {
        if (data?.room) setState(presenceFromList(data.room.online, data.room.onlineCount));
      });
  }, [client, roomId]);

  useEffect(() => {
    const { unsubscribe } = client.subscription(RoomPresenceSubscription, { roomId }).subscribe(({ data }) => {
      const batch = data?.roomPresence;
      if (batch) setState((current) => applyPresenceBatch(current, batch));
    });
    const stopListening = onReconnected(refetch);
    return () => {
      unsubscribe();
      stopListening();
    };
  }, [client, roomId, refetch]);

  // People listed left while unlisted ones stayed: a fresh page fills the list again.
  const short = state.short === true;
  useEffect(() => {
    if (short) refetch();
  }, [short, refetch]);

  // A new object only when presence changed, so that readers can tell when it did.
  return useMemo(() => {
    const users = [...state.users.values()].sort(byName);
    return { users, count: Math.max(state.count, users.length) };
  }, [state]);
}
