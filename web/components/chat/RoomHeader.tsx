import type { MouseEvent } from 'react';
import { type NotificationLevel, roomLabel } from '@/lib/chat/sidebar';
import type { RoomView, User } from '@/lib/chat/types';
import type { Online } from '@/lib/chat/use-presence';
import { type RoomChoice, roomDisplay } from '@/lib/search/query';
import type { ConnectionStatus } from '@/lib/urql/connection';
import type { Profiles } from '@/lib/profile';
import { InviteForm } from '../rooms/InviteForm';
import { JoinButton } from '../rooms/JoinButton';
import { NotificationLevelSelect } from '../rooms/NotificationLevelSelect';
import { RoomActions } from '../rooms/RoomActions';
import { SearchBox } from '../search/SearchBox';
import { RoomName } from '../rooms/RoomLink';
import { useProfiles } from '../profile/Profiles';
import { ConnectionBadge } from './ConnectionBadge';
import { OnlineList } from './OnlineList';

interface Props {
  room: RoomView;
  viewer: User;
  /** The viewer lost the room (left, removed, banned): nothing to do here any more. */
  lost?: boolean;
  onLeaving: () => void;
  onLeft: (left: boolean) => void;
  /** The viewer's notification level here, kept live by the sidebar's events. */
  level: NotificationLevel;
  online: Online;
  viewerId: string;
  viewerName: string;
  status: ConnectionStatus;
  menuOpen: boolean;
  /** Other rooms have unread messages: the phone's menu button says so. */
  unreadElsewhere?: boolean;
  onMenu: (event: MouseEvent<HTMLAnchorElement>) => void;
  /** The viewer's rooms, for the search field. */
  searchRooms: readonly RoomChoice[];
}

const toChoice = (room: RoomView, viewerName: string, profiles: Profiles): RoomChoice => ({
  id: room.id,
  name: roomLabel(room, viewerName, profiles),
  direct: room.kind === 'DIRECT',
});

export function RoomHeader(props: Props) {
  const { room, level, online, viewerId, viewerName, status, menuOpen, unreadElsewhere, onMenu, searchRooms } = props;
  const { viewer, lost = false, onLeaving, onLeft } = props;
  const direct = room.kind === 'DIRECT';
  const member = room.isMember && !lost;
  const profiles = useProfiles();
  const label = direct ? roomLabel(room, viewerName, profiles) : `#${room.name}`;
  return (
    <header className="room-header">
      <a
        href="#sidebar"
        className="icon-button menu-button"
        aria-label={unreadElsewhere ? 'Rooms menu, unread messages in other rooms' : 'Rooms menu'}
        aria-controls="sidebar"
        aria-expanded={menuOpen}
        onClick={onMenu}
      >
        <span aria-hidden="true">☰</span>
        {unreadElsewhere && <span className="menu-dot" aria-hidden="true" />}
      </a>
      <div className="room-heading">
        <h1 className="room-title">
          <RoomName room={room} viewerName={viewerName} />
        </h1>
        {room.topic && (
          <p className="room-topic" data-testid="room-topic" title={room.topic}>
            {room.topic}
          </p>
        )}
      </div>
      <SearchBox roomId={room.id} roomName={roomDisplay(toChoice(room, viewerName, profiles))} rooms={searchRooms} />
      <div className="room-tools">
        <ConnectionBadge status={status} />
        <OnlineList online={online} viewerId={viewerId} />
        {member && <NotificationLevelSelect roomId={room.id} level={level} />}
        {!room.isMember && !room.isPrivate && !lost && <JoinButton roomId={room.id} />}
        {member && room.isPrivate && !direct && <InviteForm roomId={room.id} roomName={room.name} />}
        {member && (
          <RoomActions
            room={room}
            roomLabel={label}
            viewer={viewer}
            online={online.users}
            onlineCount={online.count}
            onLeaving={onLeaving}
            onLeft={onLeft}
          />
        )}
      </div>
    </header>
  );
}
