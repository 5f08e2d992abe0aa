import type { GraphQLContext } from '../graphql/context.js';
import type { MessageRow } from '../store/index.js';

interface Batch {
  readonly loaded: Map<string, Promise<MessageRow | null>>;
  /** Ids asked for in this tick, not yet sent to the store. */
  queued: Map<string, { resolve(row: MessageRow | null): void; reject(error: unknown): void }> | null;
}

/** One batch table per operation's context. */
const batches = new WeakMap<GraphQLContext, Batch>();

/**
 * A message by id, read together with the others asked for in the same tick: every
 * `replyTo` of a history page becomes one store query.
 */
export function loadMessage(ctx: GraphQLContext, id: string): Promise<MessageRow | null> {
  let batch = batches.get(ctx);
  if (!batch) batches.set(ctx, (batch = { loaded: new Map(), queued: null }));
  const known = batch.loaded.get(id);
  if (known) return known;
  if (!batch.queued) {
    const queued: NonNullable<Batch['queued']> = (batch.queued = new Map());
    const current = batch;
    queueMicrotask(() => {
      current.queued = null;
      ctx.services.store.messagesByIds([...queued.keys()]).then(
        (rows) => {
          const byId = new Map(rows.map((r) => [r.id, r]));
          for (const [key, { resolve }] of queued) resolve(byId.get(key) ?? null);
        },
        (error: unknown) => {
          for (const { reject } of queued.values()) reject(error);
        },
      );
    });
  }
  const queued = batch.queued!;
  const promise = new Promise<MessageRow | null>((resolve, reject) => queued.set(id, { resolve, reject }));
  batch.loaded.set(id, promise);
  return promise;
}
