import { graphql } from '@/gql';

/** A person as the chat shows them: in messages, typing notices and who is online. */
export const ChatUserFragment = graphql(`
  fragment ChatUser on User {
    id
    name
    displayName
    avatarUrl
  }
`);

/**
 * A message as the chat shows it, from history, the change feed and mutation answers
 * alike: every change arrives as the whole message, so one selection serves all three.
 * Users inside it are written out rather than spread from ChatUser (the same two fields):
 * the API's cost limit prices a spread repeated across a 50-message page at half again
 * the whole page. Three reacting users are enough for "alice, bob, carol and 4 others".
 * Only the author says whether they are a bot (a webhook's), for the "bot" badge, and
 * brings their display name and avatar (the group header shows them).
 */
export const ChatMessageFragment = graphql(`
  fragment ChatMessage on Message {
    id
    roomId
    seq
    text
    createdAt
    editedAt
    deletedAt
    deletedBy {
      id
      name
    }
    author {
      id
      name
      displayName
      avatarUrl
      isBot
      isDeleted
    }
    attachments {
      ...ChatAttachment
    }
    replyTo {
      id
      text
      deletedAt
      author {
        id
        name
      }
    }
    reactions {
      emoji
      count
      viewerReacted
      users(first: 3) {
        id
        name
      }
    }
    mentions {
      id
      name
    }
  }
`);

/**
 * The room page's header: the room, how many are online and up to 50 of them (its history
 * is MessagePage), and where the viewer's reading stood when the page was rendered (for
 * the "New" divider).
 */
export const RoomViewQuery = graphql(`
  query RoomView($id: ID!) {
    room(id: $id) {
      id
      name
      isPrivate
      isMember
      viewerRole
      kind
      topic
      slowModeSeconds
      memberCount
      unreadCount
      notificationLevel
      lastMessage {
        id
        seq
      }
      onlineCount
      online(first: 50) {
        ...ChatUser
      }
      people {
        ...ChatUser
      }
    }
  }
`);

/**
 * A page of history: the latest 50 without `before`, else the 50 before that cursor
 * (`hasNextPage`/`endCursor` matter when it is read to leave an older stretch).
 * `eventCursor` comes in the same read as the page (the server keeps the pair
 * consistent), so the change feed resumed from it misses nothing the page lacks.
 */
export const MessagePageQuery = graphql(`
  query MessagePage($id: ID!, $before: String) {
    room(id: $id) {
      id
      eventCursor
      messages(last: 50, before: $before) {
        edges {
          node {
            ...ChatMessage
          }
        }
        pageInfo {
          hasPreviousPage
          startCursor
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

/**
 * The page that opens a room at one message (a search result, a notification): 50
 * messages centred on it, with the room's `eventCursor` read in the same request, as for
 * MessagePage. Paged on backward with MessagePage (`before`) and forward with
 * NewerMessages (`after`).
 */
export const MessagesAroundQuery = graphql(`
  query MessagesAround($id: ID!, $around: ID!) {
    room(id: $id) {
      id
      eventCursor
      messages(around: $around, last: 50) {
        edges {
          node {
            ...ChatMessage
          }
        }
        pageInfo {
          hasPreviousPage
          startCursor
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

/** The 50 messages after `after`, while an older stretch of the room is shown. */
export const NewerMessagesQuery = graphql(`
  query NewerMessages($id: ID!, $after: String!) {
    room(id: $id) {
      id
      messages(first: 50, after: $after) {
        edges {
          node {
            ...ChatMessage
          }
        }
        pageInfo {
          hasPreviousPage
          startCursor
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($roomId: ID!, $text: String!, $clientId: ID, $replyToId: ID, $attachmentIds: [ID!]) {
    sendMessage(
      roomId: $roomId
      text: $text
      clientId: $clientId
      replyToId: $replyToId
      attachmentIds: $attachmentIds
    ) {
      id
    }
  }
`);

export const EditMessageMutation = graphql(`
  mutation EditMessage($id: ID!, $text: String!) {
    editMessage(id: $id, text: $text) {
      ...ChatMessage
    }
  }
`);

export const DeleteMessageMutation = graphql(`
  mutation DeleteMessage($id: ID!) {
    deleteMessage(id: $id) {
      ...ChatMessage
    }
  }
`);

export const AddReactionMutation = graphql(`
  mutation AddReaction($messageId: ID!, $emoji: String!) {
    addReaction(messageId: $messageId, emoji: $emoji) {
      ...ChatMessage
    }
  }
`);

export const RemoveReactionMutation = graphql(`
  mutation RemoveReaction($messageId: ID!, $emoji: String!) {
    removeReaction(messageId: $messageId, emoji: $emoji) {
      ...ChatMessage
    }
  }
`);

/**
 * Every change to the room after `after` (replayed, possibly compacted), then live.
 * `user` and `actor` say who joined, left or changed role and who did it; `room` brings
 * the settings a ROOM_UPDATED changed (for the header and the timeline's lines).
 */
export const RoomEventsSubscription = graphql(`
  subscription RoomEvents($roomId: ID!, $after: String) {
    roomEvents(roomId: $roomId, after: $after) {
      kind
      cursor
      message {
        ...ChatMessage
      }
      user {
        id
        name
      }
      actor {
        id
        name
      }
      room {
        id
        name
        topic
        slowModeSeconds
      }
    }
  }
`);

/** Members by name, for `@` suggestions in the composer. */
export const RoomMembersQuery = graphql(`
  query RoomMembers($id: ID!, $after: String) {
    room(id: $id) {
      id
      members(first: 100, after: $after) {
        edges {
          node {
            ...ChatUser
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);
