'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import { useQuery } from '@urql/next';
import { ClockProvider } from '@/lib/chat/clock';
import { DEFAULT_ROOM } from '@/lib/cookies';
import { type SidebarRoom, isCounted, roomLabel, totalUnread } from '@/lib/chat/sidebar';
import type { RoomView, User } from '@/lib/chat/types';
import { useDocumentTitle } from '@/lib/chat/use-document-title';
import { useViewerRooms } from '@/lib/chat/use-viewer-rooms';
import { RoomViewQuery } from '@/lib/operations/messages';
import { SidebarQuery } from '@/lib/operations/rooms';
import { roomChoices } from '@/lib/search/results';
import { ProfilesProvider } from '../profile/Profiles';
import { Sidebar } from '../rooms/Sidebar';
import { Room } from './Room';

interface Props {
  roomId: string;
  renderedAt: number;
  formClientId: string;
  /** Opened at this message (`?around=`). */
  around?: string | null;
  aroundMissing?: boolean;
}

/**
 * The signed-in screen: sidebar and room. Both queries were run by the page on the
 * server; here they come out of the ssrExchange, on the server and when hydrating.
 */
export function ChatScreen({ roomId, renderedAt, formClientId, around = null, aroundMissing = false }: Props) {
  const [sidebar] = useQuery({ query: SidebarQuery });
  const [view] = useQuery({ query: RoomViewQuery, variables: { id: roomId } });
  const [menuOpen, setMenuOpen] = useState(false);

  // Keyboard users land in the opened menu, and Escape takes them back to its button.
  useEffect(() => {
    if (!menuOpen) return;
    document.querySelector<HTMLElement>('#sidebar .room-link')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      document.querySelector<HTMLElement>('.menu-button')?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  const viewer = sidebar.data?.me;
  // Read again after the viewer lost the room, it is null (NOT_FOUND): the page keeps the
  // last copy to explain what happened.
  const [kept, setKept] = useState(view.data?.room);
  const current = view.data?.room;
  if (current && current !== kept) setKept(current);
  const room = current ?? kept;
  if (!viewer || !room) {
    return (
      <p className="banner" role="alert">
        This room could not be loaded. Reload the page to try again.
      </p>
    );
  }

  return (
    <SignedIn
      viewer={viewer}
      listed={sidebar.data?.rooms ?? NO_ROOMS}
      room={room}
      renderedAt={renderedAt}
      formClientId={formClientId}
      menuOpen={menuOpen}
      setMenuOpen={setMenuOpen}
      around={around}
      aroundMissing={aroundMissing}
    />
  );
}

const NO_ROOMS: SidebarRoom[] = [];

interface SignedInProps {
  viewer: User;
  listed: readonly SidebarRoom[];
  room: RoomView;
  renderedAt: number;
  formClientId: string;
  menuOpen: boolean;
  setMenuOpen: (open: boolean | ((open: boolean) => boolean)) => void;
  around: string | null;
  aroundMissing: boolean;
}

function SignedIn(props: SignedInProps) {
  const { viewer, listed, room, renderedAt, formClientId, menuOpen, setMenuOpen, around, aroundMissing } = props;
  const [reading, setReading] = useState(false);
  const { rooms, markSeen } = useViewerRooms(listed, viewer, reading ? room.id : null);
  const entry = rooms.find((r) => r.id === room.id);
  const label = room.kind === 'DIRECT' ? roomLabel(room, viewer.name) : `#${room.name}`;
  useDocumentTitle(`${label} · Parley`, totalUnread(rooms));
  const onSeen = useCallback((seq: number) => markSeen(room.id, seq), [markSeen, room.id]);
  const searchRooms = useMemo(() => roomChoices(rooms, viewer.name), [rooms, viewer.name]);
  // After leaving: general, or (leaving general) the newest other room joined.
  const leaveTo =
    room.id !== DEFAULT_ROOM ? DEFAULT_ROOM : (rooms.find((r) => r.id !== room.id && r.isMember)?.id ?? DEFAULT_ROOM);

  return (
    <ClockProvider renderedAt={renderedAt}>
      <ProfilesProvider>
        <a className="skip-link" href="#composer-text">
          Skip to message composer
        </a>
        <a className="skip-link" href="#messages">
          Skip to messages
        </a>
        <div className="app" data-menu-open={menuOpen || undefined}>
          <Sidebar
            viewer={viewer}
            rooms={rooms}
            activeRoomId={room.id}
            open={menuOpen}
            onClose={() => setMenuOpen(false)}
          />
          <Room
            room={room}
            viewer={viewer}
            formClientId={formClientId}
            menuOpen={menuOpen}
            onMenu={(event) => {
              event.preventDefault();
              setMenuOpen((open) => !open);
            }}
            level={entry?.notificationLevel ?? room.notificationLevel}
            unreadElsewhere={rooms.some((r) => r.id !== room.id && isCounted(r) && r.unreadCount > 0)}
            onSeen={onSeen}
            onReadingChange={setReading}
            around={around}
            aroundMissing={aroundMissing}
            searchRooms={searchRooms}
            sidebarMember={entry?.isMember}
            leaveTo={leaveTo}
          />
          {menuOpen && <div className="backdrop" aria-hidden="true" onClick={() => setMenuOpen(false)} />}
        </div>
      </ProfilesProvider>
    </ClockProvider>
  );
}
