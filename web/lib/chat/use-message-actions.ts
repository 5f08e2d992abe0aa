'use client';

import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useClient } from '@urql/next';
import { errorMessage } from '../errors';
import {
  AddReactionMutation,
  DeleteMessageMutation,
  EditMessageMutation,
  RemoveReactionMutation,
} from '../operations/messages';
import { newClientId } from './client-id';
import type { OptimisticChange } from './optimistic';
import type { Message, User } from './types';
import type { MessageDispatch } from './use-room-messages';

/**
 * How long a confirmed change is still drawn over the feed's copy if the feed never
 * shows it (someone changed the message again meanwhile): the feed's word is final.
 */
const CONFIRMED_GRACE_MS = 5_000; // 5 seconds

/**
 * The viewer's changes to messages. Reactions and edits show at once and are rolled back
 * with a notice under the message if the server refuses them; deletions wait for the
 * server, whose answer (a tombstone, final) is applied as it comes.
 */
export function useMessageActions(dispatch: MessageDispatch, viewer: User) {
  const client = useClient();
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach(clearTimeout);
  }, []);

  const optimistically = useCallback(
    async (messageId: string, change: OptimisticChange, run: () => Promise<{ ok: boolean; error: string }>) => {
      const key = newClientId();
      dispatch({ type: 'optimistic', optimistic: { key, messageId, change } });
      const { ok, error } = await run();
      if (!ok) return dispatch({ type: 'refused', key, error });
      dispatch({ type: 'settled', key });
      const timer = setTimeout(() => {
        timers.current.delete(timer);
        dispatch({ type: 'forget', key });
      }, CONFIRMED_GRACE_MS);
      timers.current.add(timer);
    },
    [dispatch],
  );

  const toggleReaction = useCallback(
    (message: Message, emoji: string) => {
      const on = !message.reactions.some((r) => r.emoji === emoji && r.viewerReacted);
      const mutation = on ? AddReactionMutation : RemoveReactionMutation;
      return optimistically(message.id, { kind: 'react', emoji, on, viewer }, async () => {
        const result = await client.mutation(mutation, { messageId: message.id, emoji }).toPromise();
        return { ok: Boolean(result.data), error: `Reaction not saved: ${errorMessage(result.error)}` };
      });
    },
    [client, optimistically, viewer],
  );

  const edit = useCallback(
    (message: Message, text: string) => {
      const trimmed = text.trim();
      if (trimmed === message.text) return Promise.resolve();
      const change: OptimisticChange = { kind: 'edit', text: trimmed, at: new Date().toISOString() };
      return optimistically(message.id, change, async () => {
        const result = await client.mutation(EditMessageMutation, { id: message.id, text: trimmed }).toPromise();
        return { ok: Boolean(result.data), error: `Edit not saved: ${errorMessage(result.error)}` };
      });
    },
    [client, optimistically],
  );

  const remove = useCallback(
    async (message: Message) => {
      const result = await client.mutation(DeleteMessageMutation, { id: message.id }).toPromise();
      const deleted = result.data?.deleteMessage;
      if (deleted) dispatch({ type: 'event', kind: 'MESSAGE_DELETED', message: deleted, viewerId: viewer.id });
      else
        dispatch({
          type: 'notice',
          notice: { messageId: message.id, text: `Not deleted: ${errorMessage(result.error)}` },
        });
    },
    [client, dispatch, viewer.id],
  );

  const dismiss = useCallback((messageId: string) => dispatch({ type: 'dismiss', messageId }), [dispatch]);

  return useMemo(() => ({ toggleReaction, edit, remove, dismiss }), [toggleReaction, edit, remove, dismiss]);
}
