'use client';

import { useCallback, useMemo, useState } from 'react';
import type { Message, QuotedMessage, RoomView, User } from '@/lib/chat/types';
import { useJumpToMessage } from '@/lib/chat/use-jump-to-message';
import { useMessageActions } from '@/lib/chat/use-message-actions';
import type { useRoomMessages } from '@/lib/chat/use-room-messages';
import type { MessageControls } from './MessageControls';

const focusComposer = () => document.getElementById('composer-text')?.focus();

/**
 * The room's message controls: which message is being edited or answered, the viewer's
 * changes, and jumping to quoted messages. Editing and replying hand focus back to the
 * composer when they end, where the keyboard user started them.
 */
export function useMessageControlsFor(chat: ReturnType<typeof useRoomMessages>, room: RoomView, viewer: User) {
  const actions = useMessageActions(chat.dispatch, viewer);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [replyTo, setReplyTo] = useState<QuotedMessage | null>(null);
  const jump = useJumpToMessage({ ids: chat.ids, loadAround: chat.loadAround });
  const notices = useMemo(() => new Map(chat.notices.map((n) => [n.messageId, n.text])), [chat.notices]);
  const canModerate = room.viewerRole === 'OWNER' || room.viewerRole === 'MODERATOR';

  const cancelEdit = useCallback(() => {
    setEditingId(null);
    focusComposer();
  }, []);

  const value = useMemo<MessageControls>(
    () => ({
      viewer,
      canModerate,
      editingId,
      highlightedId: jump.highlightedId,
      notices,
      startEdit: setEditingId,
      cancelEdit,
      saveEdit: (message, text) => {
        void actions.edit(message, text);
        cancelEdit();
      },
      reply: (message) => {
        setReplyTo({ id: message.id, text: message.text, deletedAt: message.deletedAt, author: message.author });
        focusComposer();
      },
      remove: (message) => void actions.remove(message),
      toggleReaction: (message, emoji) => void actions.toggleReaction(message, emoji),
      jumpTo: jump.jumpTo,
      dismiss: actions.dismiss,
    }),
    [viewer, canModerate, editingId, jump.highlightedId, jump.jumpTo, notices, cancelEdit, actions],
  );

  const editLast = useCallback(() => {
    const last = chat.messages.findLast((m) => m.author.id === viewer.id && !m.deletedAt);
    if (last) setEditingId(last.id);
  }, [chat.messages, viewer.id]);

  const send = useCallback(
    (text: string, quote?: QuotedMessage, attachments?: Message['attachments']) => {
      setReplyTo(null);
      void chat.send(text, quote, attachments);
    },
    [chat],
  );

  return {
    value,
    replyTo,
    cancelReply: useCallback(() => setReplyTo(null), []),
    editLast,
    send,
    jumpFailed: jump.notFound,
    dismissJumpFailed: jump.dismissNotFound,
  };
}
