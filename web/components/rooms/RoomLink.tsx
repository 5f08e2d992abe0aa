import Link from 'next/link';
import type { RoomSummary } from '@/lib/chat/types';

type Room = Pick<RoomSummary, 'id' | 'name' | 'isPrivate'>;

/** Drawn, not an emoji: it must not depend on the reader's fonts. */
function LockIcon() {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" fill="currentColor" focusable="false">
      <path d="M4.5 7V5a3.5 3.5 0 1 1 7 0v2h.5A1.5 1.5 0 0 1 13.5 8.5v5A1.5 1.5 0 0 1 12 15H4a1.5 1.5 0 0 1-1.5-1.5v-5A1.5 1.5 0 0 1 4 7h.5zm1.5 0h4V5a2 2 0 1 0-4 0v2z" />
    </svg>
  );
}

/** A room's name with its kind: "#" for public, a lock for private. */
export function RoomName({ room }: { room: Room }) {
  return (
    <>
      <span className="room-glyph" aria-hidden="true">
        {room.isPrivate ? <LockIcon /> : '#'}
      </span>
      <span className="room-name">{room.name}</span>
      {room.isPrivate && <span className="visually-hidden"> (private)</span>}
    </>
  );
}

export function RoomLink({ room, active, onNavigate }: { room: Room; active: boolean; onNavigate: () => void }) {
  return (
    <Link
      href={`/rooms/${room.id}`}
      className="room-link"
      aria-current={active ? 'page' : undefined}
      onClick={onNavigate}
    >
      <RoomName room={room} />
    </Link>
  );
}
