'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '@urql/next';
import { RoomViewQuery } from '../operations/messages';
import { type AccessLoss, type RoomSettings, type TimelineLine, timelineLines } from './moderation';
import type { RoomEvent, RoomView, User } from './types';

/**
 * What the room's change feed says besides messages: timeline lines for joins, leaves,
 * removals, role and settings changes (only those received while the page is open:
 * history does not carry them), the room view read again after each (header, topic,
 * member count, the viewer's role), and whether the viewer has lost the room.
 *
 * The loss is known from any of three: the feed's last FORBIDDEN (`onAccessLost`), the
 * feed's MEMBER_LEFT of the viewer, or the sidebar no longer listing them as a member.
 */
export function useRoomTimeline(room: RoomView, viewer: User, sidebarMember: boolean | undefined) {
  const client = useClient();
  const [lines, setLines] = useState<TimelineLine[]>([]);
  const [loss, setLoss] = useState<AccessLoss | null>(null);
  const settings = useRef<RoomSettings>({ name: room.name, topic: room.topic, slowModeSeconds: room.slowModeSeconds });
  const leftHere = useRef(false);
  const roomId = room.id;
  const viewerId = viewer.id;

  const refetchRoom = useCallback(
    () => client.query(RoomViewQuery, { id: roomId }, { requestPolicy: 'network-only' }).toPromise(),
    [client, roomId],
  );

  const lose = useCallback((how: Partial<AccessLoss> = {}) => {
    setLoss((current) => current ?? { left: leftHere.current, ...how });
  }, []);

  const onRoomChange = useCallback(
    (event: RoomEvent, afterId: string | null) => {
      const before = settings.current;
      if (event.kind === 'ROOM_UPDATED' && !event.user) settings.current = { ...event.room };
      const add = (texts: string[]) =>
        setLines((list) => [
          ...list,
          ...texts.map((text, i) => ({ key: `${event.cursor}:${i}`, text, afterId, at: new Date().toISOString() })),
        ]);
      const aboutViewer = event.user?.id === viewerId;
      if (event.kind === 'MEMBER_LEFT' && aboutViewer) {
        const byOther = event.actor && event.actor.id !== viewerId;
        lose(byOther ? { left: false, by: event.actor!.name } : { left: true });
        add(timelineLines(event, viewerId, before));
        return;
      }
      if (event.kind === 'ROOM_UPDATED' && aboutViewer) {
        // The viewer's own new role is theirs to read: the room read again says which.
        void refetchRoom().then(({ data }) => add(timelineLines({ ...event, role: data?.room?.viewerRole }, viewerId)));
        return;
      }
      add(timelineLines(event, viewerId, before));
      void refetchRoom();
    },
    [viewerId, lose, refetchRoom],
  );

  const onAccessLost = useCallback((how: Partial<AccessLoss> = {}) => lose(how), [lose]);

  // The sidebar heard it (viewerRoomsChanged): a member a moment ago, not any more.
  const wasMember = useRef(sidebarMember);
  useEffect(() => {
    if (wasMember.current && !sidebarMember) lose();
    wasMember.current = sidebarMember;
  }, [sidebarMember, lose]);

  /** The viewer is leaving from this page: the loss that follows is theirs. */
  const leaving = useCallback(() => {
    leftHere.current = true;
  }, []);
  const leaveFailed = useCallback(() => {
    leftHere.current = false;
  }, []);

  return { lines, loss, onRoomChange, onAccessLost, leaving, leaveFailed };
}
