/** A search as the tests ask it, with what a result holds. */
export const SEARCH = /* GraphQL */ `
  query ($q: String!, $roomId: ID, $first: Int, $after: String) {
    search(query: $q, roomId: $roomId, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          roomId
          text
          author {
            name
          }
        }
        highlights {
          start
          end
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface SearchResult {
  edges: {
    cursor: string;
    node: { id: string; roomId: string; text: string; author: { name: string } };
    highlights: { start: number; end: number }[];
  }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
