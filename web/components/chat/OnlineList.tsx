import type { Online } from '@/lib/chat/use-presence';
import { PersonName } from '../profile/Profiles';
import { Avatar } from './Avatar';

const SHOWN = 4;

/** "1,204": counts read the same on the server's page and in the browser. */
const formatCount = (n: number) => n.toLocaleString('en-US');

/**
 * A compact "who is here" that opens into a list (a native disclosure, keyboard-ready):
 * everyone in a small room, a page of them and how many more in a crowd.
 */
export function OnlineList({ online, viewerId }: { online: Online; viewerId: string }) {
  const { users, count } = online;
  const more = count - users.length;
  return (
    <details className="online popover">
      <summary aria-label={`${formatCount(count)} online: show who`}>
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
          {formatCount(count)}
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
        {more > 0 && <p className="muted">and {formatCount(more)} more</p>}
      </div>
    </details>
  );
}
