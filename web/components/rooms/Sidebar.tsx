import type { RoomSummary, User } from '@/lib/chat/types';
import { signOut } from '@/lib/actions/auth';
import { Avatar } from '../chat/Avatar';
import { CreateRoomForm } from './CreateRoomForm';
import { RoomLink } from './RoomLink';

interface Props {
  viewer: User;
  rooms: readonly RoomSummary[];
  activeRoomId: string;
  open: boolean;
  onClose: () => void;
}

/**
 * Rooms and the account. On phones it is an off-canvas panel: the header's menu button
 * opens it (the link to #sidebar does it by CSS :target when JavaScript is off).
 */
export function Sidebar({ viewer, rooms, activeRoomId, open, onClose }: Props) {
  const joined = rooms.filter((room) => room.isMember);
  const others = rooms.filter((room) => !room.isMember);
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
        <h2 className="sidebar-title">Your rooms</h2>
        <ul className="room-list">
          {joined.map((room) => (
            <li key={room.id}>
              <RoomLink room={room} active={room.id === activeRoomId} onNavigate={onClose} />
            </li>
          ))}
          {joined.length === 0 && <li className="muted room-list-empty">You have not joined a room yet.</li>}
        </ul>
        {others.length > 0 && (
          <>
            <h2 className="sidebar-title">Public rooms</h2>
            <ul className="room-list">
              {others.map((room) => (
                <li key={room.id}>
                  <RoomLink room={room} active={room.id === activeRoomId} onNavigate={onClose} />
                </li>
              ))}
            </ul>
          </>
        )}
        <CreateRoomForm />
      </nav>
      <div className="account">
        <Avatar user={viewer} />
        <span className="account-name" data-testid="viewer-name">
          {viewer.name}
        </span>
        <form action={signOut}>
          <button type="submit" className="quiet-button">
            Sign out
          </button>
        </form>
      </div>
    </aside>
  );
}
