import { graphql } from '@/gql';

export const SignUpMutation = graphql(`
  mutation SignUp($name: String!, $password: String!) {
    signUp(name: $name, password: $password) {
      token
    }
  }
`);

export const SignInMutation = graphql(`
  mutation SignIn($name: String!, $password: String!) {
    signIn(name: $name, password: $password) {
      token
    }
  }
`);

export const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);

export const ViewerQuery = graphql(`
  query Viewer {
    me {
      id
      name
    }
  }
`);
