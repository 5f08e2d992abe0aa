'use client';

import { Fragment, type RefObject, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { groupMessages } from '@/lib/chat/groups';
import type { PendingMessage } from '@/lib/chat/message-state';
import type { Message, User } from '@/lib/chat/types';
import { MessageGroup } from './MessageGroup';

/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK_PX = 24;
/** Start fetching the previous page this far before the top is reached. */
const PREFETCH_MARGIN_PX = 600;

interface Props {
  roomName: string;
  viewer: User;
  messages: readonly Message[];
  pending: readonly PendingMessage[];
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onRetry: (clientId: string) => void;
  /** The first unread message: the "New" divider goes above it. */
  firstUnreadId?: string | null;
  /** Placed after the last message: in view exactly when the newest messages are. */
  bottomRef?: RefObject<HTMLDivElement | null>;
}

/**
 * The scrolling history. The scroller is `column-reverse`, so it opens at the newest
 * message (with or without JavaScript) and stays pinned there as messages arrive, and
 * prepending an older page does not move what the reader sees. When the reader has
 * scrolled up, arrivals are compensated so the text under their eyes holds still, and a
 * "new messages" button offers the way down.
 */
export function MessageList(props: Props) {
  const { roomName, viewer, messages, pending, hasOlder, loadingOlder, onLoadOlder, onRetry } = props;
  const { firstUnreadId = null, bottomRef } = props;
  const scroller = useRef<HTMLElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);
  // Paging needs JavaScript: without it the button would be a dead control.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const groups = useMemo(
    () => groupMessages(messages, pending, viewer, firstUnreadId),
    [messages, pending, viewer, firstUnreadId],
  );

  // On opening a room with unread messages, the reader starts at the first of them, unless
  // the page asks for a particular message (#message-…). Only on opening: a divider that
  // comes later must not move what the reader is looking at.
  const unreadWhenOpened = useRef(firstUnreadId);
  useEffect(() => {
    if (!unreadWhenOpened.current || location.hash.startsWith('#message-')) return;
    document.getElementById('new-divider')?.scrollIntoView({ block: 'start' });
  }, []);

  const last = messages.at(-1)?.id;
  const previous = useRef({ last, pendingCount: pending.length, height: 0 });
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const before = previous.current;
    const grewAtEnd = last !== before.last || pending.length > before.pendingCount;
    const sentByViewer = pending.length > before.pendingCount;
    if (grewAtEnd && sentByViewer) {
      el.scrollTop = 0;
    } else if (grewAtEnd && el.scrollTop < -BOTTOM_SLACK_PX) {
      el.scrollTop -= el.scrollHeight - before.height;
      const arrived = messages.slice(messages.findIndex((m) => m.id === before.last) + 1);
      setUnseen((n) => n + arrived.filter((m) => m.author.id !== viewer.id).length);
    }
    previous.current = { last, pendingCount: pending.length, height: el.scrollHeight };
  }, [last, pending.length, messages, viewer.id]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      const bottom = el.scrollTop >= -BOTTOM_SLACK_PX;
      setAtBottom(bottom);
      if (bottom) setUnseen(0);
      previous.current.height = el.scrollHeight;
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);

  useEffect(() => {
    const el = topSentinel.current;
    if (!el || !hasOlder) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && onLoadOlder(), {
      root: scroller.current,
      rootMargin: `${PREFETCH_MARGIN_PX}px 0px 0px 0px`,
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasOlder, onLoadOlder]);

  const toBottom = () => scroller.current?.scrollTo({ top: 0, behavior: 'smooth' });

  return (
    <div className="messages-frame">
      <section
        ref={scroller}
        className="messages"
        id="messages"
        tabIndex={0}
        aria-label={`Messages in ${roomName}`}
        data-testid="messages"
      >
        <div className="messages-stack">
          <div ref={topSentinel} className="history-edge">
            {hasOlder ? (
              hydrated && (
                <button type="button" className="quiet-button" onClick={onLoadOlder} disabled={loadingOlder}>
                  {loadingOlder ? 'Loading earlier messages…' : 'Load earlier messages'}
                </button>
              )
            ) : (
              <p className="muted">This is the start of {roomName}.</p>
            )}
          </div>
          <ol className="groups">
            {groups.map((group) => (
              <Fragment key={group.key}>
                {group.startsUnread && (
                  <li className="new-divider" id="new-divider" data-testid="new-divider">
                    <span>
                      New<span className="visually-hidden"> messages from here on</span>
                    </span>
                  </li>
                )}
                <MessageGroup group={group} own={group.author.id === viewer.id} onRetry={onRetry} />
              </Fragment>
            ))}
          </ol>
          <div ref={bottomRef} className="list-end" aria-hidden="true" />
        </div>
      </section>
      {!atBottom && (
        <button type="button" className="new-messages" onClick={toBottom} data-testid="new-messages">
          {unseen > 0 ? `${unseen} new message${unseen === 1 ? '' : 's'}` : 'Jump to latest'}
          <span aria-hidden="true"> ↓</span>
        </button>
      )}
    </div>
  );
}
