'use client';

import { Fragment, type RefObject, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { groupMessages } from '@/lib/chat/groups';
import type { PendingMessage } from '@/lib/chat/message-state';
import type { TimelineLine } from '@/lib/chat/moderation';
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
  /** The list stops short of the newest messages (an older stretch is shown). */
  hasNewer?: boolean;
  loadingNewer?: boolean;
  onLoadNewer?: () => void;
  /** Back to the newest messages: with JavaScript by this, without by following `newestHref`. */
  onJumpToNewest?: () => void;
  newestHref?: string;
  /** Messages by others that arrived past the shown stretch. */
  unseenNewer?: number;
  /** Changes when the list is replaced by another stretch of the room. */
  stretch?: number;
  /** The room was opened at a message (a link): do not scroll to the "New" divider. */
  openedAtMessage?: boolean;
  /** Changes to the room while the page is open ("maya joined"), each after its message. */
  timeline?: readonly TimelineLine[];
}

const NO_LINES: readonly TimelineLine[] = [];

function TimelineLines({ lines }: { lines: readonly TimelineLine[] | undefined }) {
  return lines?.map((line) => (
    <li key={line.key} className="timeline-line" data-testid="timeline-line">
      <span>{line.text}</span>
    </li>
  ));
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
  const { firstUnreadId = null, bottomRef, hasNewer = false, loadingNewer = false, onLoadNewer } = props;
  const { onJumpToNewest, newestHref, unseenNewer = 0, stretch = 0, openedAtMessage = false } = props;
  const { timeline = NO_LINES } = props;
  const scroller = useRef<HTMLElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const bottomSentinel = useRef<HTMLDivElement>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);
  // Paging needs JavaScript: without it the button would be a dead control.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  // Each line goes after the message that was newest when it happened; before the first
  // message when there was none; at the end when that message is not in the list.
  const { groups, linesAfter, leading, trailing } = useMemo(() => {
    const held = new Set(messages.map((m) => m.id));
    const linesAfter = new Map<string, TimelineLine[]>();
    const leading: TimelineLine[] = [];
    const trailing: TimelineLine[] = [];
    for (const line of timeline) {
      if (line.afterId === null) leading.push(line);
      else if (held.has(line.afterId)) linesAfter.set(line.afterId, [...(linesAfter.get(line.afterId) ?? []), line]);
      else if (!hasNewer) trailing.push(line);
    }
    const groups = groupMessages(messages, pending, viewer, firstUnreadId, new Set(linesAfter.keys()));
    return { groups, linesAfter, leading, trailing };
  }, [messages, pending, viewer, firstUnreadId, timeline, hasNewer]);

  // On opening a room with unread messages, the reader starts at the first of them, unless
  // the page asks for a particular message (#message-…). Only on opening: a divider that
  // comes later must not move what the reader is looking at.
  const unreadWhenOpened = useRef(firstUnreadId);
  const atMessageWhenOpened = useRef(openedAtMessage);
  useEffect(() => {
    if (!unreadWhenOpened.current || atMessageWhenOpened.current || location.hash.startsWith('#message-')) return;
    document.getElementById('new-divider')?.scrollIntoView({ block: 'start' });
  }, []);

  const last = messages.at(-1)?.id;
  const previous = useRef({ last, pendingCount: pending.length, height: 0, hasNewer, stretch });
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const before = previous.current;
    const grewAtEnd = last !== before.last || pending.length > before.pendingCount;
    const sentByViewer = pending.length > before.pendingCount;
    if (stretch !== before.stretch) {
      // Another stretch of the room: it opens at its end (the newest messages, after a
      // jump there; a jump to a message then scrolls to it).
      el.scrollTop = 0;
    } else if (grewAtEnd && sentByViewer) {
      el.scrollTop = 0;
    } else if (grewAtEnd && before.hasNewer) {
      // A newer page under an older stretch: what the reader sees holds still.
      el.scrollTop -= el.scrollHeight - before.height;
    } else if (grewAtEnd && el.scrollTop < -BOTTOM_SLACK_PX) {
      el.scrollTop -= el.scrollHeight - before.height;
      const arrived = messages.slice(messages.findIndex((m) => m.id === before.last) + 1);
      setUnseen((n) => n + arrived.filter((m) => m.author.id !== viewer.id).length);
    }
    previous.current = { last, pendingCount: pending.length, height: el.scrollHeight, hasNewer, stretch };
  }, [last, pending.length, messages, viewer.id, hasNewer, stretch]);

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

  useEffect(() => {
    const el = bottomSentinel.current;
    if (!el || !hasNewer || !onLoadNewer) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && onLoadNewer(), {
      root: scroller.current,
      rootMargin: `0px 0px ${PREFETCH_MARGIN_PX}px 0px`,
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNewer, onLoadNewer]);

  const toBottom = () => scroller.current?.scrollTo({ top: 0, behavior: 'smooth' });
  const toNewest = () => {
    onJumpToNewest?.();
    // The button goes away: keep keyboard focus in the list it was about.
    scroller.current?.focus({ preventScroll: true });
  };

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
            <TimelineLines lines={leading} />
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
                <TimelineLines lines={linesAfter.get(group.items.at(-1)?.key ?? '')} />
              </Fragment>
            ))}
            <TimelineLines lines={trailing} />
          </ol>
          {hasNewer && (
            <div ref={bottomSentinel} className="history-edge">
              {hydrated && (
                <button type="button" className="quiet-button" onClick={onLoadNewer} disabled={loadingNewer}>
                  {loadingNewer ? 'Loading newer messages…' : 'Load newer messages'}
                </button>
              )}
            </div>
          )}
          <div ref={bottomRef} className="list-end" aria-hidden="true" />
        </div>
      </section>
      {hasNewer
        ? newestHref && (
            <a
              href={newestHref}
              className="new-messages"
              data-testid="jump-to-newest"
              onClick={(event) => {
                if (!onJumpToNewest) return;
                event.preventDefault();
                toNewest();
              }}
            >
              Jump to newest
              {unseenNewer > 0 && ` · ${unseenNewer} new message${unseenNewer === 1 ? '' : 's'}`}
              <span aria-hidden="true"> ↓</span>
            </a>
          )
        : !atBottom && (
            <button type="button" className="new-messages" onClick={toBottom} data-testid="new-messages">
              {unseen > 0 ? `${unseen} new message${unseen === 1 ? '' : 's'}` : 'Jump to latest'}
              <span aria-hidden="true"> ↓</span>
            </button>
          )}
    </div>
  );
}
