import type { ReactNode } from 'react';
import { signOut } from '@/lib/actions/auth';
import { type SidebarRoom, sidebarSections } from '@/lib/chat/sidebar';
import type { User } from '@/lib/chat/types';
import { Avatar } from '../chat/Avatar';
import { ProfileButton } from '../profile/ProfileButton';
import { PersonName } from '../profile/Profiles';
import { CreateRoomForm } from './CreateRoomForm';
import { NewDirectDialog } from './NewDirectDialog';
import { NotificationsButton } from './NotificationsButton';
import { RoomLink } from './RoomLink';

interface Props {
  viewer: User;
  rooms: readonly SidebarRoom[];
  activeRoomId: string;
  open: boolean;
  onClose: () => void;
}

function RoomList(props: {
  rooms: readonly SidebarRoom[];
  viewer: User;
  activeRoomId: string;
  onClose: () => void;
  empty?: ReactNode;
  label: string;
}) {
  const { rooms, viewer, activeRoomId, onClose, empty, label } = props;
  return (
    <ul className="room-list" aria-label={label}>
      {rooms.map((room) => (
        <li key={room.id}>
          <RoomLink room={room} viewer={viewer} active={room.id === activeRoomId} onNavigate={onClose} />
        </li>
      ))}
      {rooms.length === 0 && empty && <li className="muted room-list-empty">{empty}</li>}
    </ul>
  );
}

/**
 * Rooms and the account: joined channels and direct messages by latest activity, with
 * their unread and mention counts, then the public rooms not joined yet. On phones it is
 * an off-canvas panel: the header's menu button opens it (the link to #sidebar does it by
 * CSS :target when JavaScript is off).
 */
export function Sidebar({ viewer, rooms, activeRoomId, open, onClose }: Props) {
  const { channels, direct, discover } = sidebarSections(rooms);
  const common = { viewer, activeRoomId, onClose };
  return (
    <aside id="sidebar" className="sidebar" data-open={open || undefined} aria-label="Rooms and account">
      <div className="sidebar-head">
        <span className="brand">Parley</span>
        <a
          href="#main"
          className="icon-button sidebar-close"
          aria-label="Close rooms menu"
          onClick={(event) => {
            event.preventDefault();
            onClose();
          }}
        >
          <span aria-hidden="true">✕</span>
        </a>
      </div>
      <nav className="sidebar-scroll" aria-label="Rooms">
        <h2 className="sidebar-title">Channels</h2>
        <RoomList {...common} rooms={channels} label="Channels" empty="You have not joined a channel yet." />
        <div className="sidebar-title-row">
          <h2 className="sidebar-title">Direct messages</h2>
          <NewDirectDialog viewer={viewer} onOpened={onClose} />
        </div>
        <RoomList {...common} rooms={direct} label="Direct messages" empty="No conversations yet." />
        {discover.length > 0 && (
          <>
            <h2 className="sidebar-title">Public rooms</h2>
            <RoomList {...common} rooms={discover} label="Public rooms" />
          </>
        )}
        <CreateRoomForm />
      </nav>
      <NotificationsButton />
      <div className="account">
        <Avatar user={viewer} />
        {/* The name on its own line, the actions under it: a long name is not cut to "ma…". */}
        <div className="account-main">
          <span className="account-name" data-testid="viewer-name">
            <PersonName user={viewer} />
          </span>
          <div className="account-actions">
            <ProfileButton viewer={viewer} roomId={activeRoomId} />
            <a href="/account" className="account-link">
              Account
            </a>
            <form action={signOut}>
              <button type="submit" className="quiet-button">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </div>
    </aside>
  );
}
