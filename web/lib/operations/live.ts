import { graphql } from '@/gql';

export const SetTypingMutation = graphql(`
  mutation SetTyping($roomId: ID!, $isTyping: Boolean!) {
    setTyping(roomId: $roomId, isTyping: $isTyping)
  }
`);

/** Who else types in the room: the first few and how many, one frame per change (bounded by the server). */
export const RoomTypingSubscription = graphql(`
  subscription RoomTyping($roomId: ID!) {
    roomTyping(roomId: $roomId) {
      count
      users {
        ...ChatUser
      }
    }
  }
`);

/** Who came and went, a window at a time, and how many are online. */
export const RoomPresenceSubscription = graphql(`
  subscription RoomPresence($roomId: ID!) {
    roomPresence(roomId: $roomId) {
      onlineCount
      leftCount
      joined {
        ...ChatUser
      }
      left {
        id
      }
    }
  }
`);
