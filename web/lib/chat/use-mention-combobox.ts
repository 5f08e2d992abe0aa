'use client';

import { type KeyboardEvent, useEffect, useState } from 'react';
import { completeMention, mentionAt, suggestMembers } from './mentions';
import type { User } from './types';

interface Options {
  text: string;
  caret: number;
  members: readonly User[];
  viewerId: string;
  /** Called when an `@` is first being typed: the members may not be loaded yet. */
  onNeedMembers: () => void;
  onComplete: (text: string, caret: number) => void;
}

/**
 * `@` suggestions for a textarea: which members match what follows the `@` at the
 * caret, which one is active, and the keys that move, pick and close. Escape closes the
 * list until the text at the `@` changes.
 */
export function useMentionCombobox({ text, caret, members, viewerId, onNeedMembers, onComplete }: Options) {
  const mention = mentionAt(text, caret);
  const [dismissed, setDismissed] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const users = mention ? suggestMembers(members, mention.query, viewerId) : [];
  const closed = dismissed !== null && dismissed.start === mention?.start && dismissed.query === mention.query;
  const open = mention !== null && !closed && users.length > 0;
  const typingMention = mention !== null;
  const query = mention?.query;

  useEffect(() => {
    if (typingMention) onNeedMembers();
  }, [typingMention, onNeedMembers]);
  useEffect(() => setActive(0), [query]);

  const pick = (user: User) => {
    if (!mention) return;
    const completed = completeMention(text, mention.start, caret, user.name);
    onComplete(completed.text, completed.caret);
  };

  /** Handles the key if the list is open and the key is one of its own; says whether it did. */
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open || !mention) return false;
    const count = users.length;
    switch (event.key) {
      case 'ArrowDown':
        setActive((i) => (i + 1) % count);
        break;
      case 'ArrowUp':
        setActive((i) => (i - 1 + count) % count);
        break;
      case 'Enter':
      case 'Tab': {
        const user = users[Math.min(active, count - 1)];
        if (user) pick(user);
        break;
      }
      case 'Escape':
        setDismissed(mention);
        break;
      default:
        return false;
    }
    event.preventDefault();
    return true;
  };

  return { open, users, active: Math.min(active, Math.max(0, users.length - 1)), pick, onKeyDown };
}
