import type { GraphQLContext } from './context.js';

interface Batch<K, V> {
  readonly loaded: Map<K, Promise<V | undefined>>;
  /** Keys asked for in this tick, not yet sent to the store. */
  queued: Map<K, { resolve(value: V | undefined): void; reject(error: unknown): void }> | null;
}

/**
 * A loader that reads together whatever one operation asks for in the same tick: every
 * `replyTo` of a history page, every room's unread count of `rooms`, becomes one store
 * query. Results are kept for the operation (its context), never across operations.
 */
export function batched<K, V>(
  load: (ctx: GraphQLContext, keys: readonly K[]) => Promise<Map<K, V>>,
): (ctx: GraphQLContext, key: K) => Promise<V | undefined> {
  const batches = new WeakMap<GraphQLContext, Batch<K, V>>();
  return (ctx, key) => {
    let batch = batches.get(ctx);
    if (!batch) batches.set(ctx, (batch = { loaded: new Map(), queued: null }));
    const known = batch.loaded.get(key);
    if (known) return known;
    if (!batch.queued) {
      const queued: NonNullable<Batch<K, V>['queued']> = (batch.queued = new Map());
      const current = batch;
      queueMicrotask(() => {
        current.queued = null;
        load(ctx, [...queued.keys()]).then(
          (values) => {
            for (const [k, { resolve }] of queued) resolve(values.get(k));
          },
          (error: unknown) => {
            for (const { reject } of queued.values()) reject(error);
          },
        );
      });
    }
    const queued = batch.queued!;
    const promise = new Promise<V | undefined>((resolve, reject) => queued.set(key, { resolve, reject }));
    batch.loaded.set(key, promise);
    return promise;
  };
}
