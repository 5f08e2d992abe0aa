'use client';

import { useCallback, useEffect, useState } from 'react';

/** How long a message jumped to stays highlighted. */
const HIGHLIGHT_MS = 2_000; // 2 seconds
/** How long the message a link opened the room at (a search result) stays highlighted. */
const TARGET_HIGHLIGHT_MS = 10_000; // 10 seconds

interface Options {
  ids: ReadonlySet<string>;
  /** Shows the stretch of the room around a message not held; true once it is. */
  loadAround: (id: string) => Promise<boolean>;
}

interface Seeking {
  id: string;
  /** The stretch around it was asked for: wait for it rather than ask again. */
  requested: boolean;
  /** Opened from a link: highlighted longer, scrolled to without animation. */
  target: boolean;
}

/**
 * Brings a message into view and highlights it: at once when it is held, else after
 * loading the stretch of the room around it (however far back it is).
 */
export function useJumpToMessage({ ids, loadAround }: Options) {
  const [seeking, setSeeking] = useState<Seeking | null>(null);
  const [highlight, setHighlight] = useState<{ id: string; ms: number } | null>(null);
  const [notFound, setNotFound] = useState(false);

  useEffect(() => {
    if (!seeking) return;
    if (ids.has(seeking.id)) {
      setSeeking(null);
      setHighlight({ id: seeking.id, ms: seeking.target ? TARGET_HIGHLIGHT_MS : HIGHLIGHT_MS });
      const element = document.getElementById(`message-${seeking.id}`);
      const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      const animate = !reduced && !seeking.target && !seeking.requested;
      element?.scrollIntoView({ block: 'center', behavior: animate ? 'smooth' : 'auto' });
      // Keyboard and screen-reader users land where they asked to go.
      element?.focus({ preventScroll: true });
      return;
    }
    if (seeking.requested) return;
    setSeeking({ ...seeking, requested: true });
    const { id } = seeking;
    void loadAround(id).then((found) => {
      if (found) return;
      setSeeking((current) => (current?.id === id ? null : current));
      setNotFound(true);
    });
  }, [seeking, ids, loadAround]);

  useEffect(() => {
    if (!highlight) return;
    const timer = setTimeout(() => setHighlight(null), highlight.ms);
    return () => clearTimeout(timer);
  }, [highlight]);

  const jumpTo = useCallback((id: string, options: { target?: boolean } = {}) => {
    setNotFound(false);
    setSeeking({ id, requested: false, target: options.target ?? false });
  }, []);

  return { jumpTo, highlightedId: highlight?.id ?? null, notFound, dismissNotFound: () => setNotFound(false) };
}
