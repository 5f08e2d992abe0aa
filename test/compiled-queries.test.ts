import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GqlResult, endpoint, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';

/** Queries run compiled (graphql-jit); they must answer exactly as graphql-js would. */
let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startServer();
  token = (await signUp(server.url)).token;
});
afterAll(() => server?.stop());

async function post(body: Record<string, unknown>): Promise<GqlResult> {
  const response = await fetch(endpoint(server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return (await response.json()) as GqlResult;
}

describe('compiled queries', () => {
  it('run the operation operationName names, in a document holding several', async () => {
    const query = 'query Me { me { name } } query Rooms { rooms { id } }';
    for (let round = 0; round < 2; round++) {
      const me = await post({ query, operationName: 'Me' });
      expect(me).toEqual({ data: { me: { name: expect.any(String) } } });
      const rooms = await post({ query, operationName: 'Rooms' });
      expect(rooms.data).toEqual({ rooms: expect.arrayContaining([{ id: 'general' }]) });
    }
  });

  it("report an error's path, code and location as graphql-js does", async () => {
    const result = await post({
      query: 'query Page {\n  room(id: "general") {\n    messages(last: 500) { edges { cursor } }\n  }\n}',
    });
    expect(result.data).toEqual({ room: null });
    expect(result.errors).toEqual([
      {
        message: expect.stringContaining('last must be from 1 to'),
        path: ['room', 'messages'],
        locations: [{ line: 3, column: 5 }],
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'last' }),
      },
    ]);
  });
});
