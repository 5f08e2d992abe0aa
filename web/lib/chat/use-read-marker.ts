'use client';

import { type RefObject, useEffect, useRef, useState } from 'react';
import { useClient } from '@urql/next';
import { MarkReadMutation } from '../operations/rooms';
import type { Message } from './types';
import { type ReadPoint, firstUnreadSeq, markReadTarget, readMarkerSeq } from './unread';

/** The newest messages must stay on screen this long before they count as read. */
const READ_AFTER_MS = 400;

interface Options {
  roomId: string;
  viewerId: string;
  isMember: boolean;
  messages: readonly Message[];
  /** Where the viewer's reading stood when the room was opened. */
  opened: ReadPoint;
  /** An element at the very end of the list: the newest messages are on screen while it is. */
  bottom: RefObject<HTMLElement | null>;
  /** The viewer has now seen the room up to `seq` (called before the server hears of it). */
  onSeen: (seq: number) => void;
  /**
   * An older stretch of the room is shown (opened at a search result): the end of the
   * list is not the newest message, so nothing is read and nothing is marked.
   */
  olderStretch?: boolean;
}

function usePageVisible(): boolean {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    update();
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

/**
 * The viewer's read marker in one room. It moves (markRead with the newest message) only
 * once the newest messages have been on screen for a moment: the tab visible and the end
 * of the list in view. Never on load in a background tab, and again for each message
 * that arrives while the viewer sits at the bottom.
 *
 * Also where the "New" divider goes: above the first message unread when the room was
 * opened, or, once those are read, above the first of those that arrive unseen.
 */
export function useReadMarker(options: Options) {
  const { roomId, viewerId, isMember, messages, opened, bottom, onSeen, olderStretch = false } = options;
  const client = useClient();
  const marked = useRef(readMarkerSeq(opened));
  const [dividerSeq, setDividerSeq] = useState(() => firstUnreadSeq(opened));
  const [atBottom, setAtBottom] = useState(false);
  const visible = usePageVisible();
  const reading = atBottom && visible && !olderStretch;
  const seen = useRef(onSeen);
  useEffect(() => {
    seen.current = onSeen;
  });

  useEffect(() => {
    const element = bottom.current;
    if (!element) return;
    const observer = new IntersectionObserver((entries) => {
      const entry = entries.at(-1);
      if (entry) setAtBottom(entry.isIntersecting);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [bottom]);

  const target = markReadTarget(messages, marked.current);
  const targetId = target?.id;
  const targetSeq = target?.seq;
  const fromOthers = target !== null && target.author.id !== viewerId;

  // Something new while the viewer is away (the tab hidden): the divider goes above it,
  // unless one already marks messages still unread. (A reader scrolled up in a visible
  // tab has the "new messages" button instead, and their view must hold still.)
  useEffect(() => {
    if (visible || olderStretch || targetSeq === undefined || !fromOthers) return;
    const from = marked.current + 1;
    setDividerSeq((seq) => (seq !== null && seq > marked.current ? seq : from));
  }, [visible, olderStretch, targetSeq, fromOthers]);

  useEffect(() => {
    if (!reading || !isMember || targetId === undefined || targetSeq === undefined) return;
    const timer = setTimeout(() => {
      if (targetSeq <= marked.current) return;
      marked.current = targetSeq;
      seen.current(targetSeq);
      void client.mutation(MarkReadMutation, { roomId, messageId: targetId }).toPromise();
    }, READ_AFTER_MS);
    return () => clearTimeout(timer);
  }, [client, reading, isMember, roomId, targetId, targetSeq]);

  return { reading, dividerSeq };
}
