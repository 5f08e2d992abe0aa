import { Redis } from 'ioredis';
import type { Listener, PubSub, Topic } from './types.js';

/** Prefix so Parley's channels never collide with another app's on a shared Redis. */
const CHANNEL_PREFIX = 'parley:';

/**
 * Redis pub/sub for several nodes. One Redis subscription per topic per process,
 * however many local listeners it has; events are JSON, parsed once per process.
 */
export class RedisPubSub implements PubSub {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly topics = new Map<string, Set<Listener<never>>>();

  constructor(
    url: string,
    private readonly onListenerError: (error: unknown) => void,
  ) {
    // Commands wait (queued) while Redis is away rather than failing at once, up to a point.
    this.publisher = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.publisher.on('error', onListenerError);
    this.subscriber.on('error', onListenerError);
    this.subscriber.on('message', (channel: string, payload: string) => this.dispatch(channel, payload));
  }

  private dispatch(channel: string, payload: string): void {
    const listeners = this.topics.get(channel.slice(CHANNEL_PREFIX.length));
    if (!listeners) return;
    let event: unknown;
    try {
      event = JSON.parse(payload);
    } catch (error) {
      this.onListenerError(error);
      return;
    }
    for (const listener of listeners) {
      try {
        (listener as Listener<unknown>)(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  async publish<E>(topic: Topic<E>, event: E): Promise<void> {
    await this.publisher.publish(CHANNEL_PREFIX + topic, JSON.stringify(event));
  }

  async subscribe<E>(topic: Topic<E>, listener: Listener<E>): Promise<() => Promise<void>> {
    let listeners = this.topics.get(topic);
    if (!listeners) {
      listeners = new Set();
      this.topics.set(topic, listeners);
      await this.subscriber.subscribe(CHANNEL_PREFIX + topic);
    }
    const entry: Listener<E> = (event) => listener(event);
    listeners.add(entry as Listener<never>);
    return async () => {
      listeners.delete(entry as Listener<never>);
      if (listeners.size === 0 && this.topics.get(topic) === listeners) {
        this.topics.delete(topic);
        await this.subscriber.unsubscribe(CHANNEL_PREFIX + topic);
      }
    };
  }

  async ping(): Promise<void> {
    await this.publisher.ping();
  }

  async close(): Promise<void> {
    this.topics.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
