import { randomBytes } from 'node:crypto';
import { hashToken, newToken } from '../auth/tokens.js';
import type { Resolvers } from '../graphql/generated/resolvers.js';
import type { GraphQLContext } from '../graphql/context.js';
import { badInput, forbidden } from '../graphql/errors.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import { WEBHOOKS_PER_ROOM_MAX, WEBHOOK_NAME_MAX_CHARS } from '../limits.js';
import { userById } from '../messages/loader.js';
import { may } from '../rooms/rules.js';
import type { RoomModel } from '../rooms/model.js';
import { charCount } from '../text.js';

/** Random bytes of a webhook's id (in its URL, beside the secret). */
const WEBHOOK_ID_BYTES = 8;

/** The room, if the viewer may manage its webhooks (its owners and moderators). */
async function managedRoom(ctx: GraphQLContext, roomId: string): Promise<RoomModel> {
  const viewer = requireViewer(ctx);
  const room = await requireRoom(ctx, roomId);
  if (!may(await ctx.services.store.roleIn(room.id, viewer.id), 'manageWebhooks'))
    throw forbidden(`Only owners and moderators of "${room.name}" manage its webhooks.`);
  return room;
}

/** Where a webhook takes posts: the whole URL only when its secret is known (at creation). */
export function webhookUrl(ctx: GraphQLContext, id: string, secret: string | undefined): string {
  const origin = ctx.origin ?? `http://localhost:${ctx.services.config.port}`;
  return `${origin}/hooks/${id}/${secret ?? '…'}`;
}

export const integrationResolvers: Resolvers = {
  Mutation: {
    async createWebhook(_root, { roomId, name }, ctx) {
      const room = await managedRoom(ctx, roomId);
      if (room.kind === 'DIRECT') throw badInput('A direct conversation takes no webhooks.', 'roomId');
      const trimmed = name.trim();
      if (trimmed.length === 0 || charCount(trimmed) > WEBHOOK_NAME_MAX_CHARS)
        throw badInput(`A webhook's name is 1–${WEBHOOK_NAME_MAX_CHARS} characters.`, 'name');
      const { store } = ctx.services;
      if ((await store.webhooksOf(room.id)).length >= WEBHOOKS_PER_ROOM_MAX)
        throw badInput(`A room has at most ${WEBHOOKS_PER_ROOM_MAX} webhooks: delete one first.`, 'roomId');
      // 256 random bits in the URL, kept only as a hash.
      const secret = newToken();
      const id = randomBytes(WEBHOOK_ID_BYTES).toString('hex');
      const webhook = await store.createWebhook(
        { id, roomId: room.id, name: trimmed, secretHash: hashToken(secret) },
        requireViewer(ctx).id,
      );
      return { ...webhook, secret };
    },

    async deleteWebhook(_root, { id }, ctx) {
      requireViewer(ctx);
      const webhook = await ctx.services.store.webhook(id);
      if (!webhook) return false;
      await managedRoom(ctx, webhook.roomId);
      return ctx.services.store.deleteWebhook(id);
    },
  },

  Room: {
    async webhooks(room, _args, ctx) {
      await managedRoom(ctx, room.id);
      return ctx.services.store.webhooksOf(room.id);
    },
  },

  Webhook: {
    url: (webhook, _args, ctx) => webhookUrl(ctx, webhook.id, webhook.secret),
    room: async (webhook, _args, ctx) => requireRoom(ctx, webhook.roomId),
    createdBy: (webhook) => webhook.createdBy,
    createdAt: (webhook) => webhook.createdAt,
    lastPostedAt: (webhook) => webhook.lastPostedAt,
  },

  User: {
    async isBot(user, _args, ctx) {
      if (user.isBot !== undefined) return user.isBot;
      return (await userById(ctx, user.id))?.isBot ?? false;
    },
  },
};
