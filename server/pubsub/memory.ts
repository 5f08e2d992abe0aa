import type { Listener, PubSub, Topic } from './types.js';

/**
 * The embedded default: one process, events handed over synchronously. Events are
 * shared by reference between listeners, so they are treated as immutable everywhere.
 */
export class MemoryPubSub implements PubSub {
  private readonly topics = new Map<string, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  async publish<E>(topic: Topic<E>, event: E): Promise<void> {
    const listeners = this.topics.get(topic);
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        (listener as Listener<E>)(event);
      } catch (error) {
        // One broken listener must not keep the event from the others.
        this.onListenerError(error);
      }
    }
  }

  async subscribe<E>(topic: Topic<E>, listener: Listener<E>): Promise<() => Promise<void>> {
    let listeners = this.topics.get(topic);
    if (!listeners) {
      listeners = new Set();
      this.topics.set(topic, listeners);
    }
    // Wrapped so the same function can subscribe twice and unsubscribe each once.
    const entry: Listener<E> = (event) => listener(event);
    listeners.add(entry as Listener<never>);
    return async () => {
      listeners.delete(entry as Listener<never>);
      if (listeners.size === 0 && this.topics.get(topic) === listeners) this.topics.delete(topic);
    };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.topics.clear();
  }
}
