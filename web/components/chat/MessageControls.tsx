'use client';

import { createContext, useContext } from 'react';
import type { Message, User } from '@/lib/chat/types';

/**
 * What a message row may do and show beyond its own data: shared by every row of the
 * list through context rather than threaded through the list and each group.
 */
export interface MessageControls {
  viewer: User;
  /** OWNER or MODERATOR here: may delete anyone's message. */
  canModerate: boolean;
  editingId: string | null;
  highlightedId: string | null;
  notices: ReadonlyMap<string, string>;
  startEdit: (messageId: string) => void;
  cancelEdit: () => void;
  saveEdit: (message: Message, text: string) => void;
  reply: (message: Message) => void;
  remove: (message: Message) => void;
  toggleReaction: (message: Message, emoji: string) => void;
  /** Scrolls to a message and highlights it, loading the stretch around it if needed. */
  jumpTo: (messageId: string, options?: { target?: boolean }) => void;
  dismiss: (messageId: string) => void;
}

const Context = createContext<MessageControls | null>(null);

export const MessageControlsProvider = Context.Provider;

export function useMessageControls(): MessageControls {
  const controls = useContext(Context);
  if (!controls) throw new Error('useMessageControls outside MessageControlsProvider');
  return controls;
}
