import type { Redis } from 'ioredis';
import { connectRedis } from './redis-client.js';
import type { Listener, PubSub, Topic } from './types.js';

interface Channel {
  readonly listeners: Map<Listener<never>, (() => void) | undefined>;
  /** Settles when Redis has confirmed the SUBSCRIBE. */
  readonly ready: Promise<unknown>;
}

/**
 * Redis pub/sub for several nodes. One Redis subscription per topic per process,
 * however many local listeners it has; events are JSON, parsed once per process.
 *
 * While Redis is down, `publish` fails at once (the publisher has no offline queue);
 * the subscriber reconnects and subscribes again by itself, and then every listener's
 * `onMissed` runs so it can read what was published meanwhile from the store.
 */
export class RedisPubSub implements PubSub {
  private readonly channels = new Map<string, Channel>();
  private closed = false;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    /** Keeps this cluster's channels apart from any other app's on a shared Redis. */
    private readonly prefix: string,
    private readonly onListenerError: (error: unknown) => void,
  ) {
    subscriber.on('message', (channel: string, payload: string) => this.dispatch(channel, payload));
    // 'ready' again means a reconnection: ioredis has re-sent the SUBSCRIBEs. A PING
    // answered after them means Redis has processed them; from then on nothing is
    // missed, so that is when listeners catch up.
    subscriber.on('ready', () => {
      subscriber.ping().then(() => this.missed(), onListenerError);
    });
  }

  static async open(url: string, prefix: string, onError: (error: unknown) => void): Promise<RedisPubSub> {
    const publisher = await connectRedis(url, onError, { offlineQueue: false });
    try {
      const subscriber = await connectRedis(url, onError, { offlineQueue: true });
      return new RedisPubSub(publisher, subscriber, prefix, onError);
    } catch (error) {
      publisher.disconnect();
      throw error;
    }
  }

  private missed(): void {
    if (this.closed) return;
    for (const { listeners } of this.channels.values()) {
      for (const onMissed of listeners.values()) {
        try {
          onMissed?.();
        } catch (error) {
          this.onListenerError(error);
        }
      }
    }
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
    for (const listener of entry.listeners.keys()) {
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

  async subscribe<E>(topic: Topic<E>, listener: Listener<E>, onMissed?: () => void): Promise<() => Promise<void>> {
    let entry = this.channels.get(topic);
    if (!entry) {
      entry = { listeners: new Map(), ready: this.subscriber.subscribe(this.prefix + topic) };
      this.channels.set(topic, entry);
    }
    const current = entry;
    // Wrapped so the same function can subscribe twice and unsubscribe each once.
    const wrapped: Listener<E> = (event) => listener(event);
    current.listeners.set(wrapped as Listener<never>, onMissed);
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
    this.closed = true;
    this.channels.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
