import { graphql } from '@/gql';

export const SetTypingMutation = graphql(`
  mutation SetTyping($roomId: ID!, $isTyping: Boolean!) {
    setTyping(roomId: $roomId, isTyping: $isTyping)
  }
`);

export const UserTypingSubscription = graphql(`
  subscription UserTyping($roomId: ID!) {
    userTyping(roomId: $roomId) {
      isTyping
      user {
        ...ChatUser
      }
    }
  }
`);

export const PresenceChangedSubscription = graphql(`
  subscription PresenceChanged($roomId: ID!) {
    presenceChanged(roomId: $roomId) {
      online
      user {
        ...ChatUser
      }
    }
  }
`);
