import { graphql } from '@/gql';

/** The account page: who is signed in and where. */
export const AccountQuery = graphql(`
  query Account {
    me {
      id
      name
    }
    sessions {
      id
      device
      createdAt
      lastUsedAt
      current
    }
  }
`);

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)
  }
`);

export const RevokeSessionMutation = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

export const SignOutOthersMutation = graphql(`
  mutation SignOutOthers {
    signOutOthers
  }
`);
