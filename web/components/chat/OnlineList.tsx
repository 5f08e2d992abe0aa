import type { OnlineUser } from '@/lib/chat/use-presence';
import { PersonName } from '../profile/Profiles';
import { Avatar } from './Avatar';

const SHOWN = 4;

/** A compact "who is here" that opens into the full list (a native disclosure, keyboard-ready). */
export function OnlineList({ users, viewerId }: { users: readonly OnlineUser[]; viewerId: string }) {
  return (
    <details className="online popover">
      <summary aria-label={`${users.length} online: show who`}>
        <span className="avatar-stack" aria-hidden="true">
          {users.slice(0, SHOWN).map((user) => (
            <Avatar key={user.id} user={user} size="sm" />
          ))}
        </span>
        <svg className="narrow-only" viewBox="0 0 16 16" width="14" height="14" fill="currentColor" aria-hidden="true">
          <circle cx="8" cy="5" r="3" />
          <path d="M2.5 14.5c0-3 2.5-5 5.5-5s5.5 2 5.5 5z" />
        </svg>
        <span className="online-count">
          {users.length}
          <span className="wide-only"> online</span>
        </span>
      </summary>
      <div className="popover-panel">
        <h2 className="popover-title">Online now</h2>
        {users.length === 0 ? (
          <p className="muted">Nobody else is here right now.</p>
        ) : (
          <ul className="online-list">
            {users.map((user) => (
              <li key={user.id}>
                <Avatar user={user} size="sm" />
                <span>
                  <PersonName user={user} />
                </span>
                {user.id === viewerId && <span className="muted"> (you)</span>}
              </li>
            ))}
          </ul>
        )}
      </div>
    </details>
  );
}
