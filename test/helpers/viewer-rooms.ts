import type { TestServer } from './server.js';
import { waitUntil } from './wait.js';

/** What a sidebar shows of a room, as the tests select it. */
export const VIEWER_ROOMS = /* GraphQL */ `
  subscription {
    viewerRoomsChanged {
      id
      kind
      isMember
      viewerRole
      unreadCount
      mentionCount
      notificationLevel
      lastMessage {
        id
        text
      }
    }
  }
`;

export interface SidebarRoom {
  id: string;
  kind: string;
  isMember: boolean;
  viewerRole: string | null;
  unreadCount: number;
  mentionCount: number;
  notificationLevel: string;
  lastMessage: { id: string; text: string } | null;
}
/** Resolves once `userId` has `count` live sidebar subscriptions on `server`. */
export function sidebarLive(server: TestServer, userId: string, count = 1): Promise<unknown> {
  return waitUntil(() => server.app.services.viewerRooms.subscriptionsOf(userId) >= count, {
    what: `${count} live sidebar subscription(s) of user ${userId}`,
  });
}

/** Resolves once none of `userIds` has a sidebar subscription left on `server`. */
export function sidebarsClosed(server: TestServer, userIds: readonly string[]): Promise<unknown> {
  return waitUntil(() => userIds.every((id) => server.app.services.viewerRooms.subscriptionsOf(id) === 0), {
    what: 'sidebar subscriptions to end',
  });
}
