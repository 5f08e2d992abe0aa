import { graphql } from '@/gql';

/** The room page's header: the room and who is online (its history is MessagePage). */
export const RoomViewQuery = graphql(`
  query RoomView($id: ID!) {
    room(id: $id) {
      id
      name
      isPrivate
      isMember
      online {
        id
        name
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
            id
            roomId
            text
            createdAt
            author {
              id
              name
            }
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
      id
      roomId
      text
      createdAt
      author {
        id
        name
      }
    }
  }
`);
