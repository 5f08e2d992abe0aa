'use client';

import { useSyncExternalStore } from 'react';

const never = () => () => {};

/**
 * False on the server and while hydrating, true after: controls that need JavaScript
 * appear only once it runs, so a page read without it offers no dead buttons.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
