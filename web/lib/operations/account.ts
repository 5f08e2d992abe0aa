import { graphql } from '@/gql';

/** The account page: who is signed in and where, and the personal access tokens (never their values). */
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
    accessTokens {
      id
      name
      createdAt
      lastUsedAt
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

/** A new personal access token: `token` is its value, given only in this answer. */
export const CreateAccessTokenMutation = graphql(`
  mutation CreateAccessToken($name: String!) {
    createAccessToken(name: $name) {
      token
      accessToken {
        id
        name
        createdAt
        lastUsedAt
      }
    }
  }
`);

export const RevokeAccessTokenMutation = graphql(`
  mutation RevokeAccessToken($id: ID!) {
    revokeAccessToken(id: $id)
  }
`);
