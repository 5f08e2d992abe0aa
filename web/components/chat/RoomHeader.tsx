import type { MouseEvent } from 'react';
import type { RoomSummary } from '@/lib/chat/types';
import type { OnlineUser } from '@/lib/chat/use-presence';
import type { ConnectionStatus } from '@/lib/urql/connection';
import { InviteForm } from '../rooms/InviteForm';
import { JoinButton } from '../rooms/JoinButton';
import { RoomName } from '../rooms/RoomLink';
import { ConnectionBadge } from './ConnectionBadge';
import { OnlineList } from './OnlineList';

interface Props {
  room: RoomSummary;
  online: readonly OnlineUser[];
  viewerId: string;
  status: ConnectionStatus;
  menuOpen: boolean;
  onMenu: (event: MouseEvent<HTMLAnchorElement>) => void;
}

export function RoomHeader({ room, online, viewerId, status, menuOpen, onMenu }: Props) {
  return (
    <header className="room-header">
      <a
        href="#sidebar"
        className="icon-button menu-button"
        aria-label="Rooms menu"
        aria-controls="sidebar"
        aria-expanded={menuOpen}
        onClick={onMenu}
      >
        <span aria-hidden="true">☰</span>
      </a>
      <h1 className="room-title">
        <RoomName room={room} />
      </h1>
      <div className="room-tools">
        <ConnectionBadge status={status} />
        <OnlineList users={online} viewerId={viewerId} />
        {!room.isMember && !room.isPrivate && <JoinButton roomId={room.id} />}
        {room.isPrivate && <InviteForm roomId={room.id} roomName={room.name} />}
      </div>
    </header>
  );
}
