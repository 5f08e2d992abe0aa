'use client';

import { useNotificationPermission } from '@/lib/chat/use-notification-permission';

/**
 * Asks for desktop notifications, on a click only (never on load). Gone once granted or
 * where the browser has none; says so when they are blocked.
 */
export function NotificationsButton() {
  const { permission, request } = useNotificationPermission();
  if (permission === 'default') {
    return (
      <div className="sidebar-notifications">
        <button type="button" className="quiet-button" onClick={() => void request()}>
          Enable notifications
        </button>
      </div>
    );
  }
  if (permission === 'denied') {
    return (
      <p className="sidebar-notifications muted" role="status">
        Notifications are blocked in this browser&apos;s site settings.
      </p>
    );
  }
  return null;
}
