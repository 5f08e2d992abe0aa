'use client';

import { useCallback, useEffect, useState } from 'react';

export type PermissionState = NotificationPermission | 'unsupported' | 'unknown';

/**
 * The page's permission to show desktop notifications ('unknown' until hydrated: the
 * server cannot know), and a request for it, to be called from a click only.
 */
export function useNotificationPermission() {
  const [permission, setPermission] = useState<PermissionState>('unknown');

  useEffect(() => {
    if (typeof Notification === 'undefined') return setPermission('unsupported');
    setPermission(Notification.permission);
    // Changed in the browser's site settings while the page is open.
    let status: PermissionStatus | undefined;
    const update = () => setPermission(Notification.permission);
    void navigator.permissions
      ?.query({ name: 'notifications' })
      .then((s) => {
        status = s;
        s.addEventListener('change', update);
      })
      .catch(() => undefined);
    return () => status?.removeEventListener('change', update);
  }, []);

  const request = useCallback(async () => {
    if (typeof Notification === 'undefined') return;
    setPermission(await Notification.requestPermission());
  }, []);

  return { permission, request };
}
