import { graphql } from '@/gql';

/**
 * A room as the sidebar shows it: the same fields in the page's `rooms` list and in each
 * `viewerRoomsChanged` event, so an event replaces a list entry whole. `online(first: 9)`:
 * the sidebar shows it for direct rooms only, which have at most 9 people, and a channel's
 * whole list in every event of a busy room would be most of its bytes. `people`: what a
 * direct room is called (its people's display names); empty for a channel.
 */
export const SidebarRoomFragment = graphql(`
  fragment SidebarRoomFields on Room {
    id
    name
    kind
    isPrivate
    isMember
    viewerRole
    unreadCount
    mentionCount
    notificationLevel
    online(first: 9) {
      id
      name
    }
    people {
      id
      name
      displayName
      avatarUrl
    }
    lastMessage {
      id
      seq
      text
      createdAt
      author {
        id
        name
      }
      mentions {
        id
        name
      }
    }
  }
`);

/** What the sidebar shows: who is signed in and the rooms they can see, latest activity first. */
export const SidebarQuery = graphql(`
  query Sidebar {
    me {
      id
      name
      displayName
      avatarUrl
    }
    rooms {
      ...SidebarRoomFields
    }
  }
`);

/** One of the viewer's rooms changed as the sidebar shows it (one subscription per page). */
export const ViewerRoomsChangedSubscription = graphql(`
  subscription ViewerRoomsChanged {
    viewerRoomsChanged {
      ...SidebarRoomFields
    }
  }
`);

/** Moves the viewer's read marker forward to `messageId`. */
export const MarkReadMutation = graphql(`
  mutation MarkRead($roomId: ID!, $messageId: ID!) {
    markRead(roomId: $roomId, messageId: $messageId) {
      id
      unreadCount
      mentionCount
    }
  }
`);

export const SetNotificationLevelMutation = graphql(`
  mutation SetNotificationLevel($roomId: ID!, $level: NotificationLevel!) {
    setNotificationLevel(roomId: $roomId, level: $level) {
      id
      notificationLevel
    }
  }
`);

/** People by name prefix, for the "New message" dialog. */
export const UsersByPrefixQuery = graphql(`
  query UsersByPrefix($prefix: String!) {
    users(prefix: $prefix, first: 8) {
      id
      name
    }
  }
`);

export const OpenDirectMutation = graphql(`
  mutation OpenDirect($userNames: [String!]!) {
    openDirect(userNames: $userNames) {
      id
    }
  }
`);

/** Where `/` sends a signed-in user: their last room if they can still see it. */
export const HomeRoomQuery = graphql(`
  query HomeRoom($id: ID!) {
    me {
      id
    }
    room(id: $id) {
      id
    }
  }
`);

export const RoomOnlineQuery = graphql(`
  query RoomOnline($id: ID!) {
    room(id: $id) {
      id
      onlineCount
      online(first: 50) {
        ...ChatUser
      }
    }
  }
`);

export const CreateRoomMutation = graphql(`
  mutation CreateRoom($name: String!, $isPrivate: Boolean!) {
    createRoom(name: $name, isPrivate: $isPrivate) {
      id
    }
  }
`);

export const JoinRoomMutation = graphql(`
  mutation JoinRoom($id: ID!) {
    joinRoom(id: $id) {
      id
      isMember
    }
  }
`);

export const InviteMutation = graphql(`
  mutation Invite($roomId: ID!, $userName: String!) {
    invite(roomId: $roomId, userName: $userName) {
      id
    }
  }
`);
