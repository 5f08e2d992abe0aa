import type { User } from '@/lib/chat/types';
import { useProfile } from '../profile/Profiles';
import { Avatar } from './Avatar';

export const MENTION_LIST_ID = 'mention-list';
export const mentionOptionId = (user: User) => `mention-option-${user.id}`;

interface Props {
  users: readonly User[];
  active: number;
  onPick: (user: User) => void;
}

/**
 * The composer's `@` suggestions: a listbox the textarea (a combobox) points into with
 * aria-activedescendant, so focus stays in the text while the arrows move the choice.
 */
export function MentionList({ users, active, onPick }: Props) {
  return (
    <ul className="mention-list" id={MENTION_LIST_ID} role="listbox" aria-label="Members to mention">
      {users.map((user, i) => (
        <li
          key={user.id}
          id={mentionOptionId(user)}
          role="option"
          aria-selected={i === active}
          className="mention-option"
          // Picking must not blur the textarea first (that would close the list).
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => onPick(user)}
        >
          <Avatar user={user} size="sm" />
          <MentionName user={user} />
        </li>
      ))}
    </ul>
  );
}

/** "Ada Lovelace @ada": the shown name, and the user name a mention inserts when they differ. */
function MentionName({ user }: { user: User }) {
  const { name, userName } = useProfile(user);
  return name === userName ? (
    <>{name}</>
  ) : (
    <>
      {name} <span className="muted">@{userName}</span>
    </>
  );
}
