/**
 * A webhook created on one node posts through the other, and live subscribers on the
 * first hear it. Skipped without PostgreSQL and Redis.
 */
import { describe, expect, it } from 'vitest';
import { type Events, ROOM_EVENTS } from '../helpers/events.js';
import { createRoom, gqlOk, signUp } from '../helpers/http.js';
import { CREATE_WEBHOOK, type CreatedWebhook, postJson } from '../helpers/webhooks.js';
import { waitOnline } from '../helpers/wait.js';
import { CLUSTER_BACKENDS } from './harness.js';
import { useTwoNodes } from './support.js';

describe.runIf(CLUSTER_BACKENDS)('webhooks on two nodes', () => {
  const { socketOn, A, B } = useTwoNodes();

  it('takes a post on the node that did not create the webhook', async () => {
    const owner = await signUp(A().url);
    const roomId = await createRoom(A().url, owner.token);
    const { createWebhook } = await gqlOk<{ createWebhook: CreatedWebhook }>(
      A().url,
      CREATE_WEBHOOK,
      { r: roomId, n: 'Deploys' },
      { token: owner.token },
    );
    const feed = socketOn(A(), owner).subscribe<Events>(ROOM_EVENTS, { roomId });
    await waitOnline(A().url, owner.token, roomId, owner.user.name, 10_000);
    // The same path, on the other node.
    const onB = `${B().url}${new URL(createWebhook.url).pathname}`;
    expect(await postJson(onB, { text: 'v2.3.1 is out' })).toEqual({ status: 200, text: 'ok' });
    const events = await feed.waitFor((items) => items.some((e) => e.roomEvents.kind === 'MESSAGE_ADDED'), 10_000);
    const added = events.find((e) => e.roomEvents.kind === 'MESSAGE_ADDED')!.roomEvents.message!;
    expect(added).toMatchObject({ text: 'v2.3.1 is out', author: { name: 'Deploys' } });
  }, 60_000);
});
