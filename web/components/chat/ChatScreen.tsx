'use client';

import { useEffect, useState } from 'react';
import { useQuery } from '@urql/next';
import { ClockProvider } from '@/lib/chat/clock';
import { RoomViewQuery } from '@/lib/operations/messages';
import { SidebarQuery } from '@/lib/operations/rooms';
import { Sidebar } from '../rooms/Sidebar';
import { Room } from './Room';

interface Props {
  roomId: string;
  renderedAt: number;
  formClientId: string;
}

/**
 * The signed-in screen: sidebar and room. Both queries were run by the page on the
 * server; here they come out of the ssrExchange, on the server and when hydrating.
 */
export function ChatScreen({ roomId, renderedAt, formClientId }: Props) {
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
  const room = view.data?.room;
  if (!viewer || !room) {
    return (
      <p className="banner" role="alert">
        This room could not be loaded. Reload the page to try again.
      </p>
    );
  }

  return (
    <ClockProvider renderedAt={renderedAt}>
      <a className="skip-link" href="#composer-text">
        Skip to message composer
      </a>
      <a className="skip-link" href="#messages">
        Skip to messages
      </a>
      <div className="app" data-menu-open={menuOpen || undefined}>
        <Sidebar
          viewer={viewer}
          rooms={sidebar.data?.rooms ?? []}
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
        />
        {menuOpen && <div className="backdrop" aria-hidden="true" onClick={() => setMenuOpen(false)} />}
      </div>
    </ClockProvider>
  );
}
