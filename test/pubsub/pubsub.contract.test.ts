import { afterEach, describe, expect, it } from 'vitest';
import { MemoryPubSub } from '../../server/pubsub/memory.js';
import { type PubSub, type Topic } from '../../server/pubsub/index.js';
import { REDIS_URL, uniqueRedisPrefix } from '../helpers/backends.js';

/**
 * One contract for every PubSub: in-process always, Redis when REDIS_URL is set.
 * `pair()` gives two handles that stand for two nodes of one cluster.
 */
type Pair = () => Promise<[PubSub, PubSub]>;
const backends: [string, Pair][] = [
  [
    'memory',
    async () => {
      const bus = new MemoryPubSub();
      return [bus, bus];
    },
  ],
];
if (REDIS_URL) {
  backends.push([
    'redis',
    async () => {
      const { RedisPubSub } = await import('../../server/pubsub/redis.js');
      const prefix = uniqueRedisPrefix();
      const fail = (error: unknown) => {
        throw error;
      };
      return Promise.all([RedisPubSub.open(REDIS_URL!, prefix, fail), RedisPubSub.open(REDIS_URL!, prefix, fail)]);
    },
  ]);
}

const topic = (name: string) => name as Topic<{ n: number }>;

function collector() {
  const seen: number[] = [];
  const waiters: (() => void)[] = [];
  return {
    seen,
    listener: (event: { n: number }) => {
      seen.push(event.n);
      waiters.splice(0).forEach((w) => w());
    },
    async until(count: number, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      while (seen.length < count) {
        if (Date.now() > deadline) throw new Error(`saw ${seen.length} of ${count} events`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

describe.each(backends)('PubSub contract (%s)', (_name, pair) => {
  const opened: PubSub[] = [];
  const open = async () => {
    const handles = await pair();
    opened.push(...handles);
    return handles;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.close()));
  });

  it('delivers what one node publishes to every listener on the other, in order', async () => {
    const [a, b] = await open();
    const first = collector();
    const second = collector();
    await b.subscribe(topic('room:x'), first.listener);
    await b.subscribe(topic('room:x'), second.listener);
    for (let n = 1; n <= 50; n++) await a.publish(topic('room:x'), { n });
    await first.until(50);
    await second.until(50);
    expect(first.seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(second.seen).toEqual(first.seen);
  });

  it('keeps topics apart and stops after unsubscribe', async () => {
    const [a, b] = await open();
    const x = collector();
    const y = collector();
    const stopX = await b.subscribe(topic('room:x'), x.listener);
    await b.subscribe(topic('room:y'), y.listener);
    await a.publish(topic('room:y'), { n: 1 });
    await y.until(1);
    await stopX();
    await a.publish(topic('room:x'), { n: 2 });
    await a.publish(topic('room:y'), { n: 3 });
    await y.until(2);
    expect(x.seen).toEqual([]);
    expect(y.seen).toEqual([1, 3]);
  });

  it('keeps other listeners of a topic when one unsubscribes', async () => {
    const [a, b] = await open();
    const stays = collector();
    const leaves = collector();
    await b.subscribe(topic('room:z'), stays.listener);
    const stop = await b.subscribe(topic('room:z'), leaves.listener);
    await stop();
    await a.publish(topic('room:z'), { n: 7 });
    await stays.until(1);
    expect(stays.seen).toEqual([7]);
    expect(leaves.seen).toEqual([]);
  });

  it('answers ping', async () => {
    const [a] = await open();
    await expect(a.ping()).resolves.toBeUndefined();
  });
});
