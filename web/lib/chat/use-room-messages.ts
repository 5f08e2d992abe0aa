'use client';

import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useClient, useQuery } from '@urql/next';
import { errorMessage } from '../errors';
import { MessageAddedSubscription, MessagePageQuery, SendMessageMutation } from '../operations/messages';
import type { ResumeAfter } from '../urql/page-client';
import { onReconnected } from '../urql/ws';
import { newClientId } from './client-id';
import { initialMessageState, messageReducer } from './message-state';
import type { Message, MessagePage } from './types';

const EMPTY_PAGE: MessagePage = { edges: [], pageInfo: { hasPreviousPage: false, startCursor: null } };

interface Options {
  roomId: string;
  viewerId: string;
  /** Called for each message that arrives live (not history), e.g. to announce it. */
  onLiveMessage?: (message: Message) => void;
}

/**
 * One room's messages: the server-rendered page, older pages on demand, the live stream
 * (resumed after the newest message held, on first subscribe and on every reconnect),
 * and this tab's sends, shown at once as pending and confirmed by the stream.
 */
export function useRoomMessages({ roomId, viewerId, onLiveMessage }: Options) {
  const client = useClient();
  // The latest page, as the server rendered it (out of the ssrExchange, no refetch). Read
  // once, then paused: the reducer owns the list from here, and an active query would be
  // refetched by the document cache after every sendMessage (its result is a Message).
  const [paused, setPaused] = useState(false);
  const [latest] = useQuery({ query: MessagePageQuery, variables: { id: roomId, before: null }, pause: paused });
  const firstPage = latest.data?.room?.messages;
  const [state, dispatch] = useReducer(messageReducer, firstPage ?? EMPTY_PAGE, initialMessageState);
  const hadFirstPage = useRef(firstPage !== undefined);
  useEffect(() => {
    if (!firstPage) return;
    if (!hadFirstPage.current) dispatch({ type: 'latest', page: firstPage });
    hadFirstPage.current = true;
    setPaused(true);
  }, [firstPage]);
  const [streamError, setStreamError] = useState<string>();
  const [loadingOlder, setLoadingOlder] = useState(false);

  // The newest delivered id, for `after`. Updated before the subscription effect runs
  // (effects run in order), so the first subscribe resumes after the rendered page.
  const newest = useRef<string | undefined>(undefined);
  const live = useRef(onLiveMessage);
  useEffect(() => {
    newest.current = state.messages.at(-1)?.id;
    live.current = onLiveMessage;
  });

  useEffect(() => {
    const resumeAfter: ResumeAfter = () => newest.current;
    const { unsubscribe } = client
      .subscription(MessageAddedSubscription, { roomId, after: newest.current ?? null }, { resumeAfter })
      .subscribe((result) => {
        if (result.error) return setStreamError(errorMessage(result.error));
        const message = result.data?.messageAdded;
        if (!message) return;
        setStreamError(undefined);
        dispatch({ type: 'delivered', message, viewerId });
        live.current?.(message);
      });
    // With no message to resume after, a reconnect cannot ask for what it missed: fetch
    // the latest page instead (the reducer merges it without duplicates).
    const stopListening = onReconnected(() => {
      if (newest.current !== undefined) return;
      void client
        .query(MessagePageQuery, { id: roomId, before: null }, { requestPolicy: 'network-only' })
        .toPromise()
        .then(({ data }) => data?.room && dispatch({ type: 'latest', page: data.room.messages }));
    });
    return () => {
      unsubscribe();
      stopListening();
    };
  }, [client, roomId, viewerId]);

  const deliver = useCallback(
    async (clientId: string, text: string) => {
      const result = await client.mutation(SendMessageMutation, { roomId, text, clientId }).toPromise();
      const sent = result.data?.sendMessage;
      if (sent) dispatch({ type: 'sent', clientId, id: sent.id });
      else dispatch({ type: 'failed', clientId, error: errorMessage(result.error) });
    },
    [client, roomId],
  );

  const send = useCallback(
    (text: string) => {
      const clientId = newClientId();
      dispatch({ type: 'sending', pending: { clientId, text, createdAt: new Date().toISOString() } });
      return deliver(clientId, text);
    },
    [deliver],
  );

  const retry = useCallback(
    (clientId: string) => {
      const pending = state.pending.find((p) => p.clientId === clientId);
      if (!pending) return;
      dispatch({ type: 'retrying', clientId });
      // The same clientId: if the first attempt did reach the server, this returns it.
      return deliver(clientId, pending.text);
    },
    [deliver, state.pending],
  );

  const loadOlder = useCallback(async () => {
    if (loadingOlder || !state.hasOlder || !state.olderCursor) return;
    setLoadingOlder(true);
    try {
      const { data } = await client
        .query(MessagePageQuery, { id: roomId, before: state.olderCursor }, { requestPolicy: 'network-only' })
        .toPromise();
      if (data?.room) dispatch({ type: 'older', page: data.room.messages });
    } finally {
      setLoadingOlder(false);
    }
  }, [client, roomId, loadingOlder, state.hasOlder, state.olderCursor]);

  return { ...state, streamError, loadingOlder, send, retry, loadOlder };
}
