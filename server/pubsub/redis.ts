import { Redis } from 'ioredis';
import type { Listener, PubSub, Topic } from './types.js';

interface Channel {
  readonly listeners: Set<Listener<never>>;
  /** Settles when Redis has confirmed the SUBSCRIBE. */
  readonly ready: Promise<unknown>;
}

/**
 * Redis pub/sub for several nodes. One Redis subscription per topic per process,
 * however many local listeners it has; events are JSON, parsed once per process.
 */
export class RedisPubSub implements PubSub {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channels = new Map<string, Channel>();

  constructor(
    url: string,
    /** Keeps this cluster's channels apart from any other app's on a shared Redis. */
    private readonly prefix: string,
    private readonly onListenerError: (error: unknown) => void,
  ) {
    this.publisher = new Redis(url, { maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: 2 });
    this.publisher.on('error', onListenerError);
    this.subscriber.on('error', onListenerError);
    this.subscriber.on('message', (channel: string, payload: string) => this.dispatch(channel, payload));
  }

  private dispatch(channel: string, payload: string): void {
    const entry = this.channels.get(channel.slice(this.prefix.length));
    if (!entry) return;
    let event: unknown;
    try {
      event = JSON.parse(payload);
    } catch (error) {
      this.onListenerError(error);
      return;
    }
    for (const listener of entry.listeners) {
      try {
        (listener as Listener<unknown>)(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  async publish<E>(topic: Topic<E>, event: E): Promise<void> {
    await this.publisher.publish(this.prefix + topic, JSON.stringify(event));
  }

  async subscribe<E>(topic: Topic<E>, listener: Listener<E>): Promise<() => Promise<void>> {
    let entry = this.channels.get(topic);
    if (!entry) {
      entry = { listeners: new Set(), ready: this.subscriber.subscribe(this.prefix + topic) };
      this.channels.set(topic, entry);
    }
    const current = entry;
    const wrapped: Listener<E> = (event) => listener(event);
    current.listeners.add(wrapped as Listener<never>);
    try {
      await current.ready;
    } catch (error) {
      current.listeners.delete(wrapped as Listener<never>);
      if (current.listeners.size === 0 && this.channels.get(topic) === current) this.channels.delete(topic);
      throw error;
    }
    return async () => {
      current.listeners.delete(wrapped as Listener<never>);
      if (current.listeners.size === 0 && this.channels.get(topic) === current) {
        this.channels.delete(topic);
        await this.subscriber.unsubscribe(this.prefix + topic);
      }
    };
  }

  async ping(): Promise<void> {
    await this.publisher.ping();
  }

  async close(): Promise<void> {
    this.channels.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
