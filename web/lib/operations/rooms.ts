import { graphql } from '@/gql';

/** What the sidebar shows: who is signed in and the rooms they can see. */
export const SidebarQuery = graphql(`
  query Sidebar {
    me {
      id
      name
    }
    rooms {
      id
      name
      isPrivate
      isMember
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
      online {
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
