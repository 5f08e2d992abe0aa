'use client';

import { useId, useState } from 'react';
import { useMutation } from '@urql/next';
import type { NotificationLevel } from '@/lib/chat/sidebar';
import { errorMessage } from '@/lib/errors';
import { SetNotificationLevelMutation } from '@/lib/operations/rooms';

const LEVELS: { level: NotificationLevel; label: string }[] = [
  { level: 'ALL', label: 'All messages' },
  { level: 'MENTIONS', label: 'Mentions only' },
  { level: 'NOTHING', label: 'Nothing (mute)' },
];

/** What the viewer hears of this room: every message, mentions only, or nothing. */
export function NotificationLevelSelect({ roomId, level }: { roomId: string; level: NotificationLevel }) {
  const [{ fetching }, setLevel] = useMutation(SetNotificationLevelMutation);
  // The choice shows at once; the room's level (live from the sidebar) takes over after.
  const [chosen, setChosen] = useState<{ from: NotificationLevel; to: NotificationLevel } | null>(null);
  const [error, setError] = useState<string>();
  const id = useId();
  const value = chosen && chosen.from === level ? chosen.to : level;

  const change = async (to: NotificationLevel) => {
    setChosen({ from: level, to });
    setError(undefined);
    const result = await setLevel({ roomId, level: to });
    if (!result.data) {
      setChosen(null);
      setError(errorMessage(result.error));
    }
  };

  return (
    <span className="level-select">
      <label htmlFor={`${id}-level`} className="visually-hidden">
        Notifications
      </label>
      <select
        id={`${id}-level`}
        className="select-small"
        value={value}
        disabled={fetching}
        title="Notifications for this room"
        onChange={(e) => void change(e.target.value as NotificationLevel)}
      >
        {LEVELS.map(({ level: option, label }) => (
          <option key={option} value={option}>
            {label}
          </option>
        ))}
      </select>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
