import { graphql } from '@/gql';

/** A person as the chat shows them: in messages, typing notices and who is online. */
export const ChatUserFragment = graphql(`
  fragment ChatUser on User {
    id
    name
  }
`);

/** A message as the chat shows it, from history and live alike. */
export const ChatMessageFragment = graphql(`
  fragment ChatMessage on Message {
    id
    roomId
    text
    createdAt
    author {
      ...ChatUser
    }
  }
`);

/** The room page's header: the room and who is online (its history is MessagePage). */
export const RoomViewQuery = graphql(`
  query RoomView($id: ID!) {
    room(id: $id) {
      id
      name
      isPrivate
      isMember
      online {
        ...ChatUser
      }
    }
  }
`);

/** A page of history: the latest 50 without `before`, else the 50 before that cursor. */
export const MessagePageQuery = graphql(`
  query MessagePage($id: ID!, $before: String) {
    room(id: $id) {
      id
      messages(last: 50, before: $before) {
        edges {
          node {
            ...ChatMessage
          }
        }
        pageInfo {
          hasPreviousPage
          startCursor
        }
      }
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($roomId: ID!, $text: String!, $clientId: ID) {
    sendMessage(roomId: $roomId, text: $text, clientId: $clientId) {
      id
    }
  }
`);

/** Every message after `after` (replayed), then live: no gap, no duplicate at the seam. */
export const MessageAddedSubscription = graphql(`
  subscription MessageAdded($roomId: ID!, $after: ID) {
    messageAdded(roomId: $roomId, after: $after) {
      ...ChatMessage
    }
  }
`);
