/**
 * What crossing nodes costs a message: the same paced sends on node A, heard by a
 * subscriber on A and one on B, timed from the moment the mutation leaves the client
 * to the moment each subscriber has the message. Both paths go through Redis (A hears
 * its own messages from Redis too), so the difference is the second node's hop.
 * Skipped without PostgreSQL and Redis: the embedded default is one node by definition.
 */
import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Message, type Session, createRoom, history, signUp } from '../helpers/http.js';
import { Feed } from '../helpers/feed.js';
import { waitOnline } from '../helpers/wait.js';
import type { TestSocket } from '../helpers/ws.js';
import { CLUSTER_BACKENDS, type NodeProcess } from './harness.js';
import { ON_MESSAGE, SEND, percentile, useTwoNodes } from './support.js';

const MESSAGES = 300;
const WARM_UP = 20; // sends before the timed ones: connections, JIT, the room's feed
const PACE_MS = 10; // between one message's last arrival and the next send
/**
 * Generous on purpose: this is 2 shared cores running PostgreSQL, Redis, two nodes and
 * the test. It catches a hop that waits on a timer or a poll, not a slow machine.
 */
const CROSS_NODE_P50_MAX_MS = 50;
const CROSS_NODE_P99_MAX_MS = 250;

interface Arrival {
  text: string;
  at: number;
}

describe.runIf(CLUSTER_BACKENDS)('cross-node delivery latency', () => {
  const { socketOn, A, B } = useTwoNodes();
  let alice: Session;
  let bob: Session;
  let carol: Session;
  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all([signUp(A().url), signUp(A().url), signUp(B().url)]);
  });

  /** A messageAdded subscription that timestamps each arrival. */
  async function timedSubscriber(node: NodeProcess, user: Session, roomId: string): Promise<Feed<Arrival>> {
    const socket = socketOn(node, user);
    const feed = new Feed<Arrival>();
    socket.client.subscribe<{ messageAdded: Message }>(
      { query: ON_MESSAGE, variables: { roomId } },
      {
        next: (result) => {
          const at = performance.now();
          if (result.data) feed.add({ text: result.data.messageAdded.text, at });
          else feed.fail(result.errors);
        },
        error: (error) => feed.fail(error),
        complete: () => feed.end(),
      },
    );
    await waitOnline(node.url, user.token, roomId, user.user.name, 10_000);
    return feed;
  }

  it(`delivers ${MESSAGES} paced messages from node A to node B within ${CROSS_NODE_P99_MAX_MS} ms at p99, each once`, async () => {
    const roomId = await createRoom(A().url, alice.token);
    const onA = await timedSubscriber(A(), bob, roomId);
    const onB = await timedSubscriber(B(), carol, roomId);
    const sender: TestSocket = socketOn(A(), alice);
    await sender.connected;

    const sameNode: number[] = [];
    const crossNode: number[] = [];
    const hop: number[] = []; // B's arrival minus A's: the second node's own cost
    const texts: string[] = [];
    for (let i = 0; i < WARM_UP + MESSAGES; i++) {
      const text = `t${i}`;
      texts.push(text);
      const sentAt = performance.now();
      const reply = sender.request<{ sendMessage: Message }>(SEND, { roomId, text });
      const [a, b] = await Promise.all([onA.waitFor(i + 1, 10_000), onB.waitFor(i + 1, 10_000)]);
      const result = await reply;
      if (!result.data?.sendMessage) throw new Error(`send ${i} failed: ${JSON.stringify(result)}`);
      const atA = a[i]!;
      const atB = b[i]!;
      expect([atA.text, atB.text], `arrival ${i}`).toEqual([text, text]);
      if (i >= WARM_UP) {
        sameNode.push(atA.at - sentAt);
        crossNode.push(atB.at - sentAt);
        hop.push(atB.at - atA.at);
      }
      await new Promise((resolve) => setTimeout(resolve, PACE_MS));
    }
    // Exactly once: anything repeated would show up among the arrivals by now.
    const stored = await history(B().url, carol.token, roomId);
    expect(stored.map((m) => m.text)).toEqual(texts);
    expect(onA.items.map((x) => x.text)).toEqual(texts);
    expect(onB.items.map((x) => x.text)).toEqual(texts);

    const figures = (values: number[]) =>
      `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
    console.info(
      `latency over ${MESSAGES} paced messages, send on A to arrival:\n` +
        `  same node  (A -> Redis -> A): ${figures(sameNode)}\n` +
        `  cross node (A -> Redis -> B): ${figures(crossNode)}\n` +
        `  B's arrival minus A's:        p50 ${percentile(hop, 50).toFixed(1)} ms, p99 ${percentile(hop, 99).toFixed(1)} ms`,
    );
    expect(percentile(crossNode, 50), 'cross-node p50 (ms)').toBeLessThan(CROSS_NODE_P50_MAX_MS);
    expect(percentile(crossNode, 99), 'cross-node p99 (ms)').toBeLessThan(CROSS_NODE_P99_MAX_MS);
  }, 90_000);
});
