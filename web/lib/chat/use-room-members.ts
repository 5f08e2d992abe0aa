'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '@urql/next';
import type { RoomMembersQuery as RoomMembersData } from '@/gql/graphql';
import { RoomMembersQuery } from '../operations/messages';
import type { User } from './types';

/** Pages of 100 read at most for suggestions: enough for any room a list can serve. */
const MAX_PAGES = 5;

/**
 * The room's members, for `@` suggestions: read when first needed (most visits never
 * mention anyone), and again after `invalidate` (someone joined or left).
 */
export function useRoomMembers(roomId: string) {
  const client = useClient();
  const [members, setMembers] = useState<User[]>([]);
  const state = useRef<'idle' | 'loading' | 'loaded'>('idle');
  const stale = useRef(false);
  useEffect(() => {
    state.current = 'idle';
    setMembers([]);
  }, [roomId]);

  const load = useCallback(async () => {
    if (state.current === 'loading' || (state.current === 'loaded' && !stale.current)) return;
    state.current = 'loading';
    stale.current = false;
    const all: User[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await client
        .query(RoomMembersQuery, { id: roomId, after }, { requestPolicy: 'network-only' })
        .toPromise();
      const connection: NonNullable<RoomMembersData['room']>['members'] | undefined = result.data?.room?.members;
      // Unreachable: try again at the next `@` rather than suggest nobody for good.
      if (!connection) {
        state.current = 'idle';
        return;
      }
      all.push(...connection.edges.map((e) => e.node));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor ?? null;
    }
    setMembers(all);
    state.current = 'loaded';
  }, [client, roomId]);

  const invalidate = useCallback(() => {
    stale.current = true;
  }, []);

  return { members, load, invalidate };
}
