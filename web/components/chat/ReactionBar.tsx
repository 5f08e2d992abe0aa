'use client';

import { reactedBy } from '@/lib/chat/reactions';
import type { Message } from '@/lib/chat/types';
import { useHydrated } from '@/lib/chat/use-hydrated';

interface Props {
  message: Message;
  viewerId: string;
  onToggle: (emoji: string) => void;
}

/**
 * Each emoji with its count; the viewer's own are pressed. Who reacted shows on hover
 * and is in the accessible name. Toggle buttons once JavaScript runs, text before.
 */
export function ReactionBar({ message, viewerId, onToggle }: Props) {
  const hydrated = useHydrated();
  if (message.reactions.length === 0) return null;
  return (
    <ul className="reactions" aria-label="Reactions">
      {message.reactions.map((reaction) => {
        const who = reactedBy(reaction, viewerId);
        const content = (
          <>
            <span className="reaction-emoji">{reaction.emoji}</span>
            <span className="reaction-count">{reaction.count}</span>
          </>
        );
        return (
          <li key={reaction.emoji}>
            {hydrated ? (
              <button
                type="button"
                className="reaction"
                aria-pressed={reaction.viewerReacted}
                aria-label={`${reaction.emoji} ${reaction.count}: ${who}`}
                title={`${who} reacted with ${reaction.emoji}`}
                onClick={() => onToggle(reaction.emoji)}
              >
                {content}
              </button>
            ) : (
              <span
                className="reaction"
                data-pressed={reaction.viewerReacted || undefined}
                title={`${who} reacted with ${reaction.emoji}`}
              >
                {content}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
