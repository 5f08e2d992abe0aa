/**
 * Access taken back across two nodes: a moderator on one node removes someone whose
 * subscription is on the other; within a second that subscription ends and that node
 * answers NOT_FOUND. Skipped without PostgreSQL and Redis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Events, ROOM_EVENTS, send } from '../helpers/events.js';
import { type Session, codes, createRoom, gql, gqlOk, signUp } from '../helpers/http.js';
import { errorsOf } from '../helpers/ws.js';
import { CLUSTER_BACKENDS } from './harness.js';
import { useTwoNodes } from './support.js';

describe.runIf(CLUSTER_BACKENDS)('moderation on two nodes', () => {
  const { socketOn, A, B } = useTwoNodes();
  let owner: Session;
  let member: Session;
  beforeAll(async () => {
    [owner, member] = await Promise.all([signUp(A().url), signUp(B().url)]);
  }, 30_000);

  it('ends a removed member’s subscription on the other node within a second', async () => {
    const roomId = await createRoom(A().url, owner.token, true);
    await gqlOk(
      A().url,
      'mutation($r: ID!, $u: String!) { invite(roomId: $r, userName: $u) { id } }',
      { r: roomId, u: member.user.name },
      { token: owner.token },
    );
    // Read on B first, so that B remembers the access it must then forget.
    const read = 'query($r: ID!) { room(id: $r) { id eventCursor } }';
    const { room } = await gqlOk<{ room: { eventCursor: string } }>(
      B().url,
      read,
      { r: roomId },
      { token: member.token },
    );
    const feed = socketOn(B(), member).subscribe<Events>(ROOM_EVENTS, { roomId, after: room.eventCursor });
    await send(A().url, owner.token, roomId, 'still here?');
    await feed.waitFor(1, 10_000);

    const removedAt = Date.now();
    await gqlOk(
      A().url,
      'mutation($r: ID!, $u: String!) { removeMember(roomId: $r, userName: $u) { id } }',
      { r: roomId, u: member.user.name },
      { token: owner.token },
    );
    expect(errorsOf(await feed.waitForError(1_000))[0]?.extensions?.code).toBe('FORBIDDEN');
    await feed.waitForEnd(1_000);
    const answer = await gql<{ room: unknown }>(B().url, read, { r: roomId }, { token: member.token });
    expect(answer.data?.room).toBeNull();
    expect(Date.now() - removedAt).toBeLessThan(1_000);
    expect(
      codes(
        await gql(
          B().url,
          'mutation($r: ID!) { sendMessage(roomId: $r, text: "hi") { id } }',
          { r: roomId },
          {
            token: member.token,
          },
        ),
      ),
    ).toEqual(['NOT_FOUND']);
  }, 60_000);
});
