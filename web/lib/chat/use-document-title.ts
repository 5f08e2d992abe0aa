'use client';

import { useEffect } from 'react';
import { titleWithCount } from './sidebar';

/**
 * The tab's title: `title` with "(N) " in front while N messages wait. Next may write the
 * page's <title> after us (its metadata streams in), so a change to it is answered by
 * putting the count back.
 */
export function useDocumentTitle(title: string, count: number): void {
  useEffect(() => {
    const wanted = titleWithCount(title, count);
    const apply = () => {
      if (document.title !== wanted) document.title = wanted;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [title, count]);
}
