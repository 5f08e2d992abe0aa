'use client';

import { useCallback, useRef, useState } from 'react';
import type { Message } from '@/lib/chat/types';
import { EmojiPicker } from './EmojiPicker';
import { useMessageControls } from './MessageControls';

interface Props {
  message: Message;
  own: boolean;
}

/**
 * A message's actions: shown on hover and whenever focus is inside the message, and
 * ordinary buttons in the tab order, so the keyboard reaches every one of them.
 */
export function MessageActions({ message, own }: Props) {
  const controls = useMessageControls();
  const [picking, setPicking] = useState(false);
  const reactButton = useRef<HTMLButtonElement>(null);
  const closePicker = useCallback(() => {
    setPicking(false);
    reactButton.current?.focus();
  }, []);
  const author = own ? 'your message' : `${message.author.name}'s message`;

  return (
    <div
      className="message-actions"
      role="toolbar"
      aria-label={`Actions for ${author}`}
      data-open={picking || undefined}
    >
      <button type="button" className="action-button" title="Reply" onClick={() => controls.reply(message)}>
        <span aria-hidden="true">↩</span>
        <span className="visually-hidden">Reply</span>
      </button>
      <button
        ref={reactButton}
        type="button"
        className="action-button"
        title="Add reaction"
        aria-haspopup="dialog"
        aria-expanded={picking}
        onClick={() => setPicking((open) => !open)}
      >
        <span aria-hidden="true">☺</span>
        <span className="visually-hidden">Add reaction</span>
      </button>
      {own && (
        <button type="button" className="action-button" title="Edit" onClick={() => controls.startEdit(message.id)}>
          <span aria-hidden="true">✎</span>
          <span className="visually-hidden">Edit</span>
        </button>
      )}
      {(own || controls.canModerate) && (
        <button
          type="button"
          className="action-button action-danger"
          title="Delete"
          onClick={() => {
            if (window.confirm('Delete this message for everyone?')) controls.remove(message);
          }}
        >
          <span aria-hidden="true">🗑</span>
          <span className="visually-hidden">Delete</span>
        </button>
      )}
      {picking && (
        <EmojiPicker
          anchor={reactButton}
          onClose={closePicker}
          onPick={(emoji) => {
            closePicker();
            if (!message.reactions.some((r) => r.emoji === emoji && r.viewerReacted)) {
              controls.toggleReaction(message, emoji);
            }
          }}
        />
      )}
    </div>
  );
}
