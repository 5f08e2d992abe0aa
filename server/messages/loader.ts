import { batched } from '../graphql/batch.js';
import type { GraphQLContext } from '../graphql/context.js';
import type { MessageRow, UserRow } from '../store/index.js';

const messagesById = batched<string, MessageRow>(
  async (ctx, ids) => new Map((await ctx.services.store.messagesByIds(ids)).map((m) => [m.id, m])),
);

/** A message by id, read together with the others asked for in the same tick. */
export async function loadMessage(ctx: GraphQLContext, id: string): Promise<MessageRow | null> {
  return (await messagesById(ctx, id)) ?? null;
}

/** A user by id, read together with the others asked for in the same tick (who deleted what). */
export const userById = batched<string, UserRow>(
  async (ctx, ids) => new Map((await ctx.services.store.usersByIds(ids)).map((u) => [u.id, u])),
);
