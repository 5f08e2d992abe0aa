import { graphql } from '@/gql';

/** A page of the room's members, by name, for the members panel. */
export const MembersPanelQuery = graphql(`
  query MembersPanel($id: ID!, $after: String) {
    room(id: $id) {
      id
      memberCount
      viewerRole
      members(first: 50, after: $after) {
        edges {
          role
          node {
            id
            name
            displayName
            avatarUrl
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

/**
 * Which of these members are online (at most ONLINE_AMONG_MAX at a time): in a crowd, the
 * room's page of who is online names only some of them.
 */
export const MembersOnlineQuery = graphql(`
  query MembersOnline($id: ID!, $among: [ID!]!) {
    room(id: $id) {
      id
      online(among: $among) {
        id
      }
    }
  }
`);

export const SetRoleMutation = graphql(`
  mutation SetRole($roomId: ID!, $userName: String!, $role: RoomRole!) {
    setRole(roomId: $roomId, userName: $userName, role: $role) {
      id
      viewerRole
    }
  }
`);

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($roomId: ID!, $userName: String!, $ban: Boolean) {
    removeMember(roomId: $roomId, userName: $userName, ban: $ban) {
      id
      memberCount
    }
  }
`);

export const UpdateRoomMutation = graphql(`
  mutation UpdateRoom($id: ID!, $name: String, $topic: String, $slowModeSeconds: Int) {
    updateRoom(id: $id, name: $name, topic: $topic, slowModeSeconds: $slowModeSeconds) {
      id
      name
      topic
      slowModeSeconds
    }
  }
`);

export const LeaveRoomMutation = graphql(`
  mutation LeaveRoom($id: ID!) {
    leaveRoom(id: $id)
  }
`);
