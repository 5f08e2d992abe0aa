'use client';

import { useCallback, useEffect, useState } from 'react';

/** How many older pages a jump to a quoted message may load looking for it. */
const MAX_PAGES = 10;
/** How long the found message stays highlighted. */
const HIGHLIGHT_MS = 2_000; // 2 seconds

interface Options {
  ids: ReadonlySet<string>;
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => Promise<boolean>;
}

/**
 * Brings a message into view and highlights it briefly, loading older pages (a bounded
 * number) until it is held. One render per page: each effect run sees the fresh list.
 */
export function useJumpToMessage({ ids, hasOlder, loadingOlder, loadOlder }: Options) {
  const [seeking, setSeeking] = useState<{ id: string; pagesLeft: number } | null>(null);
  const [highlightedId, setHighlightedId] = useState<string | null>(null);
  const [notFound, setNotFound] = useState(false);

  useEffect(() => {
    if (!seeking) return;
    if (ids.has(seeking.id)) {
      setSeeking(null);
      setHighlightedId(seeking.id);
      const element = document.getElementById(`message-${seeking.id}`);
      const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      element?.scrollIntoView({ block: 'center', behavior: reduced ? 'auto' : 'smooth' });
      // Keyboard and screen-reader users land where they asked to go.
      element?.focus({ preventScroll: true });
      return;
    }
    if (loadingOlder) return;
    if (!hasOlder || seeking.pagesLeft === 0) {
      setSeeking(null);
      setNotFound(true);
      return;
    }
    setSeeking({ ...seeking, pagesLeft: seeking.pagesLeft - 1 });
    void loadOlder();
  }, [seeking, ids, hasOlder, loadingOlder, loadOlder]);

  useEffect(() => {
    if (!highlightedId) return;
    const timer = setTimeout(() => setHighlightedId(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlightedId]);

  const jumpTo = useCallback((id: string) => {
    setNotFound(false);
    setSeeking({ id, pagesLeft: MAX_PAGES });
  }, []);

  return { jumpTo, highlightedId, notFound, dismissNotFound: () => setNotFound(false) };
}
