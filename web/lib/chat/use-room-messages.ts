'use client';

import { type Dispatch, useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useClient, useQuery } from '@urql/next';
import { errorCode, errorExtension, errorMessage } from '../errors';
import {
  MessagePageQuery,
  MessagesAroundQuery,
  NewerMessagesQuery,
  RoomEventsSubscription,
  SendMessageMutation,
} from '../operations/messages';
import type { ResumeAfter } from '../urql/page-client';
import { onReconnected } from '../urql/ws';
import { newClientId } from './client-id';
import { type AccessLoss, accessLossFrom } from './moderation';
import { type MessageAction, initialMessageState, messageReducer } from './message-state';
import { withOptimistic } from './optimistic';
import type { Message, MessagePage, QuotedMessage, RoomEvent } from './types';

const EMPTY_PAGE: MessagePage = {
  edges: [],
  pageInfo: { hasPreviousPage: false, startCursor: null, hasNextPage: false, endCursor: null },
};

interface Options {
  roomId: string;
  viewerId: string;
  /** Called for each message that arrives live (not history), e.g. to announce it. */
  onLiveMessage?: (message: Message) => void;
  /** Called when someone joins or leaves the room. */
  onMembersChanged?: () => void;
  /**
   * Called for each change of membership, role or settings, with the newest message of
   * the room when it happened (where its timeline line goes).
   */
  onRoomChange?: (event: RoomEvent, afterId: string | null) => void;
  /** The viewer lost access to the room (left, removed, banned): the feed has ended. */
  /** The viewer's access ended: how, as far as the feed's last word says. */
  onAccessLost?: (how: Partial<AccessLoss>) => void;
  /**
   * Open at this message (`?around=`): the page rendered on the server is the stretch
   * around it, and the list reaches the newest messages by paging forward or jumping.
   */
  around?: string | null;
}

export type MessageDispatch = Dispatch<MessageAction>;

/** A send refused by slow mode: its text goes back to the composer until `until`. */
export interface SlowModeRefusal {
  until: number;
  waitMs: number;
  text: string;
  replyTo?: QuotedMessage;
  attachments?: Message['attachments'];
}

/** `retryAfterMs` of a RATE_LIMITED answer, if that is what it is. */
function retryAfter(error: Parameters<typeof errorCode>[0]): number | null {
  if (errorCode(error) !== 'RATE_LIMITED') return null;
  const ms = error?.graphQLErrors[0]?.extensions.retryAfterMs;
  return typeof ms === 'number' && ms > 0 ? ms : 1_000;
}

/**
 * One room's messages: the server-rendered page, older pages on demand, the room's
 * change feed (resumed after the last change applied, on first subscribe and on every
 * reconnect), and this tab's sends, shown at once as pending and confirmed by the feed.
 */
export function useRoomMessages(options: Options) {
  const { roomId, viewerId, onLiveMessage, onMembersChanged, onRoomChange, onAccessLost, around = null } = options;
  const client = useClient();
  // The page the server rendered, the latest or the one around a message (out of the
  // ssrExchange, no refetch). Read once, then paused: the reducer owns the list from
  // here, and an active query would be refetched by the document cache after every
  // mutation (its results are Messages).
  const [paused, setPaused] = useState(false);
  const [latest] = useQuery({
    query: MessagePageQuery,
    variables: { id: roomId, before: null },
    pause: paused || around !== null,
  });
  const [centred] = useQuery({
    query: MessagesAroundQuery,
    variables: { id: roomId, around: around ?? '' },
    pause: paused || around === null,
  });
  const opening = around === null ? latest : centred;
  const firstPage = opening.data?.room?.messages;
  const [state, dispatch] = useReducer(messageReducer, firstPage ?? EMPTY_PAGE, initialMessageState);
  // The feed's position: the page's eventCursor, then the cursor of each event applied.
  // Set during the first render, so the first subscribe resumes exactly after the page.
  const cursor = useRef<string | undefined>(undefined);
  cursor.current ??= opening.data?.room?.eventCursor;
  const hadFirstPage = useRef(firstPage !== undefined);
  useEffect(() => {
    if (!firstPage) return;
    if (!hadFirstPage.current) dispatch({ type: 'latest', page: firstPage });
    hadFirstPage.current = true;
    setPaused(true);
  }, [firstPage]);
  const [streamError, setStreamError] = useState<string>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [loadingNewer, setLoadingNewer] = useState(false);
  // Each request that replaces the list gets a number; an answer that is not the latest
  // request's is dropped (a jump overtaken by another).
  const replacing = useRef(0);
  const [replacingList, setReplacingList] = useState(false);

  const held = useRef(state.ids);
  const live = useRef(onLiveMessage);
  const membersChanged = useRef(onMembersChanged);
  const roomChanged = useRef(onRoomChange);
  const accessLost = useRef(onAccessLost);
  // The newest message of the room as the feed has told it (the page's last, then each
  // one added): a change's timeline line goes after it.
  const newestId = useRef<string | null | undefined>(undefined);
  newestId.current ??= firstPage?.edges.at(-1)?.node.id ?? (firstPage ? null : undefined);
  useEffect(() => {
    held.current = state.ids;
    live.current = onLiveMessage;
    membersChanged.current = onMembersChanged;
    roomChanged.current = onRoomChange;
    accessLost.current = onAccessLost;
  });

  useEffect(() => {
    const resumeAfter: ResumeAfter = () => cursor.current;
    const { unsubscribe } = client
      .subscription(RoomEventsSubscription, { roomId, after: cursor.current ?? null }, { resumeAfter })
      .subscribe((result) => {
        if (result.error) {
          // Access taken back: the feed's last word, then it completes.
          if (errorCode(result.error) === 'FORBIDDEN')
            return accessLost.current?.(
              accessLossFrom(errorExtension(result.error, 'reason'), errorExtension(result.error, 'by')),
            );
          return setStreamError(errorMessage(result.error));
        }
        const event = result.data?.roomEvents;
        if (!event) return;
        setStreamError(undefined);
        cursor.current = event.cursor;
        const { kind, message } = event;
        const isNew = kind === 'MESSAGE_ADDED' && message && !held.current.has(message.id);
        dispatch({ type: 'event', kind, message, viewerId });
        if (isNew) live.current?.(message);
        if (kind === 'MESSAGE_ADDED' && message) newestId.current = message.id;
        if (kind === 'MEMBER_JOINED' || kind === 'MEMBER_LEFT') membersChanged.current?.();
        if (kind === 'MEMBER_JOINED' || kind === 'MEMBER_LEFT' || kind === 'ROOM_UPDATED') {
          roomChanged.current?.(event, newestId.current ?? null);
        }
      });
    // With no cursor to resume after, a reconnect cannot ask for what it missed: fetch
    // the latest page instead (the reducer merges it without duplicates).
    const stopListening = onReconnected(() => {
      if (cursor.current !== undefined) return;
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

  const [slowMode, setSlowMode] = useState<SlowModeRefusal | null>(null);
  const deliver = useCallback(
    async (clientId: string, text: string, replyTo: QuotedMessage | undefined, attachments: Message['attachments']) => {
      const attachmentIds = attachments.length > 0 ? attachments.map((a) => a.id) : null;
      const variables = { roomId, text, clientId, replyToId: replyTo?.id ?? null, attachmentIds };
      const result = await client.mutation(SendMessageMutation, variables).toPromise();
      const sent = result.data?.sendMessage;
      const waitMs = sent ? null : retryAfter(result.error);
      if (sent) dispatch({ type: 'sent', clientId, id: sent.id });
      else if (waitMs !== null) {
        // Slow mode: not a failure to retry but a wait; the text goes back to the composer.
        dispatch({ type: 'withdrawn', clientId });
        setSlowMode({ until: Date.now() + waitMs, waitMs, text, replyTo, attachments });
      } else dispatch({ type: 'failed', clientId, error: errorMessage(result.error) });
    },
    [client, roomId],
  );

  // One send at a time, in the order they were typed: sent at once, the requests could
  // reach the server (or another node) in another order, and the room would show them so.
  const sending = useRef<Promise<unknown>>(Promise.resolve());
  const inTurn = useCallback((run: () => Promise<void>) => {
    const next = sending.current.then(run);
    sending.current = next.catch(() => undefined);
    return next;
  }, []);

  const send = useCallback(
    (text: string, replyTo?: QuotedMessage, attachments: Message['attachments'] = []) => {
      const clientId = newClientId();
      const createdAt = new Date().toISOString();
      dispatch({ type: 'sending', pending: { clientId, text, replyTo, attachments, createdAt } });
      return inTurn(() => deliver(clientId, text, replyTo, attachments));
    },
    [deliver, inTurn],
  );

  const retry = useCallback(
    (clientId: string) => {
      const pending = state.pending.find((p) => p.clientId === clientId);
      if (!pending) return;
      dispatch({ type: 'retrying', clientId });
      // The same clientId: if the first attempt did reach the server, this returns it.
      return inTurn(() => deliver(clientId, pending.text, pending.replyTo, pending.attachments ?? []));
    },
    [deliver, inTurn, state.pending],
  );

  const loadOlder = useCallback(async () => {
    if (loadingOlder || !state.hasOlder || !state.olderCursor) return false;
    setLoadingOlder(true);
    const request = replacing.current;
    try {
      const { data } = await client
        .query(MessagePageQuery, { id: roomId, before: state.olderCursor }, { requestPolicy: 'network-only' })
        .toPromise();
      if (data?.room && request === replacing.current) dispatch({ type: 'older', page: data.room.messages });
      return Boolean(data?.room);
    } finally {
      setLoadingOlder(false);
    }
  }, [client, roomId, loadingOlder, state.hasOlder, state.olderCursor]);

  const loadNewer = useCallback(async () => {
    if (loadingNewer || !state.hasNewer || !state.newerCursor) return false;
    setLoadingNewer(true);
    const request = replacing.current;
    try {
      const { data } = await client
        .query(NewerMessagesQuery, { id: roomId, after: state.newerCursor }, { requestPolicy: 'network-only' })
        .toPromise();
      if (data?.room && request === replacing.current) dispatch({ type: 'newer', page: data.room.messages });
      return Boolean(data?.room);
    } finally {
      setLoadingNewer(false);
    }
  }, [client, roomId, loadingNewer, state.hasNewer, state.newerCursor]);

  /** Replaces the list with another stretch of the room; true once it is shown. */
  const replaceWith = useCallback(async (read: () => Promise<MessagePage | undefined>) => {
    const request = ++replacing.current;
    setReplacingList(true);
    try {
      const page = await read();
      if (request !== replacing.current) return false;
      if (page) dispatch({ type: 'replace', page });
      return page !== undefined;
    } finally {
      if (request === replacing.current) setReplacingList(false);
    }
  }, []);

  /** Back to the room's newest messages, from an older stretch. */
  const jumpToNewest = useCallback(
    () =>
      replaceWith(async () => {
        const { data } = await client
          .query(MessagePageQuery, { id: roomId, before: null }, { requestPolicy: 'network-only' })
          .toPromise();
        return data?.room?.messages;
      }),
    [client, roomId, replaceWith],
  );

  /** The stretch around one message of the room; true once it is shown (false: not found). */
  const loadAround = useCallback(
    (messageId: string) =>
      replaceWith(async () => {
        const { data } = await client
          .query(MessagesAroundQuery, { id: roomId, around: messageId }, { requestPolicy: 'network-only' })
          .toPromise();
        const page = data?.room?.messages;
        return page?.edges.some((e) => e.node.id === messageId) ? page : undefined;
      }),
    [client, roomId, replaceWith],
  );

  // Sending from an older stretch: the message goes where the newest ones are, so go there.
  const { hasNewer } = state;
  const sendAtEnd = useCallback(
    (text: string, replyTo?: QuotedMessage, attachments?: Message['attachments']) => {
      if (hasNewer) void jumpToNewest();
      return send(text, replyTo, attachments);
    },
    [hasNewer, jumpToNewest, send],
  );

  const messages = useMemo(() => withOptimistic(state.messages, state.optimistic), [state.messages, state.optimistic]);

  return {
    ...state,
    messages,
    streamError,
    slowMode,
    loadingOlder,
    loadingNewer,
    replacingList,
    send: sendAtEnd,
    retry,
    loadOlder,
    loadNewer,
    jumpToNewest,
    loadAround,
    dispatch,
  };
}
