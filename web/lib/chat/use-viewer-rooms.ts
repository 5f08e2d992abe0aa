'use client';

import { useCallback, useEffect, useReducer, useRef } from 'react';
import { useRouter } from 'next/navigation';
import { useClient } from '@urql/next';
import { SidebarQuery, ViewerRoomsChangedSubscription } from '../operations/rooms';
import { onReconnected } from '../urql/ws';
import { messageHref, notificationFor } from './notify';
import { type SidebarRoom, initialSidebarState, sidebarReducer } from './sidebar';
import type { User } from './types';

function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * The viewer's rooms for the sidebar: the page's `rooms` list (and each refetch of it),
 * kept live by the page's one `viewerRoomsChanged` subscription, refetched after a
 * reconnect (events sent meanwhile are gone). A new message by someone else may raise a
 * desktop notification while the tab is hidden.
 *
 * `readingRoomId` is the room open, visible and scrolled to its newest message: its new
 * messages are being read as they arrive, so they do not raise its badge.
 */
export function useViewerRooms(listed: readonly SidebarRoom[], viewer: User, readingRoomId: string | null) {
  const client = useClient();
  const router = useRouter();
  const [state, dispatch] = useReducer(sidebarReducer, listed, initialSidebarState);
  const reading = useRef(readingRoomId);
  const seen = useRef<Set<string> | null>(null);
  seen.current ??= new Set(listed.flatMap((room) => (room.lastMessage ? [room.lastMessage.id] : [])));

  // Read by the subscription's handler: a new viewer object (each refetch of the list
  // brings one) or router must not resubscribe, which would drop events in between.
  const latest = useRef({ viewer, router });
  useEffect(() => {
    reading.current = readingRoomId;
    latest.current = { viewer, router };
  });

  // A refetched list (after a join, a reconnect, a mutation answering a Room) replaces it.
  const first = useRef(listed);
  useEffect(() => {
    if (listed === first.current) return;
    for (const room of listed) if (room.lastMessage) seen.current?.add(room.lastMessage.id);
    dispatch({ type: 'snapshot', rooms: listed });
  }, [listed]);

  useEffect(() => {
    const { unsubscribe } = client.subscription(ViewerRoomsChangedSubscription, {}).subscribe((result) => {
      const room = result.data?.viewerRoomsChanged;
      if (!room) return;
      const messageId = room.lastMessage?.id;
      const seenBefore = messageId === undefined || seen.current!.has(messageId);
      if (messageId) seen.current!.add(messageId);
      dispatch({ type: 'event', room, readingRoomId: reading.current });
      const { viewer: me, router: navigate } = latest.current;
      const notice = notificationFor(room, {
        viewer: me,
        hidden: document.hidden,
        permission: notificationPermission(),
        seenBefore,
      });
      if (!notice) return;
      try {
        const shown = new Notification(notice.title, { body: notice.body, tag: notice.tag });
        shown.onclick = () => {
          window.focus();
          shown.close();
          navigate.push(messageHref(notice.roomId, notice.messageId));
        };
      } catch {
        // Some browsers only allow notifications from a service worker: nothing to show then.
      }
    });
    const stopListening = onReconnected(() => {
      void client
        .query(SidebarQuery, {}, { requestPolicy: 'network-only' })
        .toPromise()
        .then(({ data }) => data && dispatch({ type: 'snapshot', rooms: data.rooms }));
    });
    return () => {
      unsubscribe();
      stopListening();
    };
  }, [client]);

  /** The viewer has seen `roomId` up to `seq`: its badge clears now, before the server answers. */
  const markSeen = useCallback((roomId: string, seq: number) => dispatch({ type: 'read', roomId, seq }), []);

  return { rooms: state.rooms, markSeen };
}
