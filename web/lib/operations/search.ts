import { graphql } from '@/gql';

/**
 * Messages that match, newest first, with where the query matched in each text (UTF-16
 * offsets). One page of 20; `after` is the previous page's `endCursor`. Only what a
 * result shows is asked for.
 */
export const SearchQuery = graphql(`
  query Search($query: String!, $roomId: ID, $after: String) {
    search(query: $query, roomId: $roomId, first: 20, after: $after) {
      edges {
        cursor
        highlights {
          start
          end
        }
        node {
          id
          roomId
          text
          createdAt
          editedAt
          author {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
