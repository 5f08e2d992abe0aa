'use client';

import { memo } from 'react';
import { tombstoneText } from '@/lib/chat/moderation';
import type { Message } from '@/lib/chat/types';
import { useHydrated } from '@/lib/chat/use-hydrated';
import { EditedMark } from './EditedMark';
import { MessageActions } from './MessageActions';
import { MessageAttachments } from './MessageAttachments';
import { useMessageControls } from './MessageControls';
import { MessageEditor } from './MessageEditor';
import { MessageText } from './MessageText';
import { ReactionBar } from './ReactionBar';
import { ReplyQuote } from './ReplyQuote';

/** One delivered message: its quote, text (or tombstone, or editor), marks, reactions and actions. */
export const MessageItem = memo(function MessageItem({ message, own }: { message: Message; own: boolean }) {
  const controls = useMessageControls();
  const hydrated = useHydrated();
  const { viewer } = controls;
  const deleted = Boolean(message.deletedAt);
  const editing = controls.editingId === message.id && !deleted;
  const mentionsViewer = message.mentions.some((u) => u.id === viewer.id);
  const notice = controls.notices.get(message.id);

  return (
    <li
      className="message"
      id={`message-${message.id}`}
      data-message-id={message.id}
      tabIndex={-1}
      data-deleted={deleted || undefined}
      data-mentions-me={mentionsViewer || undefined}
      data-highlighted={controls.highlightedId === message.id || undefined}
    >
      {message.replyTo && <ReplyQuote quote={message.replyTo} onJump={controls.jumpTo} />}
      {deleted ? (
        <p className="message-text message-deleted">{tombstoneText(message, viewer.id)}</p>
      ) : editing ? (
        <MessageEditor
          initial={message.text}
          onCancel={controls.cancelEdit}
          onSave={(text) => controls.saveEdit(message, text)}
        />
      ) : message.text ? (
        <MessageText text={message.text} mentions={message.mentions} viewerId={viewer.id} />
      ) : null}
      {!deleted && <MessageAttachments attachments={message.attachments} />}
      {message.editedAt && !deleted && <EditedMark at={message.editedAt} />}
      <ReactionBar
        message={message}
        viewerId={viewer.id}
        onToggle={(emoji) => controls.toggleReaction(message, emoji)}
      />
      {notice && (
        <p className="message-status message-failed" role="alert">
          {notice}{' '}
          <button type="button" className="link-button" onClick={() => controls.dismiss(message.id)}>
            Dismiss
          </button>
        </p>
      )}
      {hydrated && !deleted && !editing && <MessageActions message={message} own={own} />}
    </li>
  );
});
