import Link from 'next/link';
import { type SidebarRoom, isCounted, roomLabel, unreadLabel } from '@/lib/chat/sidebar';
import { useProfiles } from '../profile/Profiles';

type Named = Pick<SidebarRoom, 'name' | 'isPrivate'> & Partial<Pick<SidebarRoom, 'kind' | 'people'>>;

/** Drawn, not an emoji: it must not depend on the reader's fonts. */
function LockIcon() {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" fill="currentColor" focusable="false">
      <path d="M4.5 7V5a3.5 3.5 0 1 1 7 0v2h.5A1.5 1.5 0 0 1 13.5 8.5v5A1.5 1.5 0 0 1 12 15H4a1.5 1.5 0 0 1-1.5-1.5v-5A1.5 1.5 0 0 1 4 7h.5zm1.5 0h4V5a2 2 0 1 0-4 0v2z" />
    </svg>
  );
}

function PersonIcon() {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" fill="currentColor" focusable="false">
      <circle cx="8" cy="5" r="3" />
      <path d="M2.5 14.5c0-3 2.5-5 5.5-5s5.5 2 5.5 5z" />
    </svg>
  );
}

/**
 * A room's name with its kind: "#" for public, a lock for private, a person for a direct
 * room (named after the others in it: `viewerName` is left out).
 */
export function RoomName({ room, viewerName }: { room: Named; viewerName: string }) {
  const direct = room.kind === 'DIRECT';
  const profiles = useProfiles();
  return (
    <>
      <span className="room-glyph" aria-hidden="true">
        {direct ? <PersonIcon /> : room.isPrivate ? <LockIcon /> : '#'}
      </span>
      <span className="room-name">{roomLabel(room, viewerName, profiles)}</span>
      {room.isPrivate && !direct && <span className="visually-hidden"> (private)</span>}
    </>
  );
}

interface Props {
  room: SidebarRoom;
  viewer: { id: string; name: string };
  active: boolean;
  onNavigate: () => void;
}

/**
 * A room in the sidebar: bold while something is unread, with the unread count and, set
 * apart, the mentions of the viewer. A muted room (level NOTHING) shows no counts, only
 * the bold name. A direct room has a dot saying whether one of the others is online.
 */
export function RoomLink({ room, viewer, active, onNavigate }: Props) {
  const counted = isCounted(room);
  const unread = counted ? room.unreadCount : 0;
  const direct = room.kind === 'DIRECT';
  // In a direct room every message is for the viewer: one count, in the mention colour.
  const mentions = counted && !direct ? room.mentionCount : 0;
  const online = direct && room.online.some((user) => user.id !== viewer.id);
  const profiles = useProfiles();
  const label = unreadLabel(unread, mentions) || (room.unreadCount > 0 ? 'new messages' : '');
  return (
    <Link
      href={`/rooms/${room.id}`}
      className="room-link"
      aria-current={active ? 'page' : undefined}
      data-unread={room.unreadCount > 0 || undefined}
      data-room-id={room.id}
      onClick={onNavigate}
    >
      {direct ? (
        <span className="presence-dot" data-online={online || undefined} aria-hidden="true" />
      ) : (
        <span className="room-glyph" aria-hidden="true">
          {room.isPrivate ? <LockIcon /> : '#'}
        </span>
      )}
      <span className="room-name">{roomLabel(room, viewer.name, profiles)}</span>
      {direct && <span className="visually-hidden">{online ? ' (online)' : ' (offline)'}</span>}
      {room.isPrivate && !direct && <span className="visually-hidden"> (private)</span>}
      {room.notificationLevel === 'NOTHING' && room.isMember && <span className="visually-hidden"> (muted)</span>}
      {label && <span className="visually-hidden">, {label}</span>}
      {(unread > 0 || mentions > 0) && (
        <span className="room-badges" aria-hidden="true" data-testid="room-badges">
          {mentions > 0 && (
            <span className="badge badge-mention" data-testid="mention-badge">
              @{mentions}
            </span>
          )}
          {unread > 0 && (
            <span className={direct ? 'badge badge-mention' : 'badge'} data-testid="unread-badge">
              {unread}
            </span>
          )}
        </span>
      )}
    </Link>
  );
}
