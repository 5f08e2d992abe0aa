import type { Resolvers } from '../graphql/generated/resolvers.js';
import type { GraphQLContext } from '../graphql/context.js';
import { badInput, forbidden, notFound, rateLimited } from '../graphql/errors.js';
import { requireRoom, requireViewer, visibleRoom } from '../graphql/guards.js';
import {
  CLIENT_ID_MAX_CHARS,
  FILES_PER_MESSAGE_MAX,
  HISTORY_PAGE_DEFAULT,
  HISTORY_PAGE_MAX,
  MESSAGE_MAX_REACTIONS,
  RATE_CHANGE_MESSAGE,
  RATE_REACT,
  RATE_SEND_MESSAGE,
  REACTION_USERS_MAX,
} from '../limits.js';
import { announce } from '../realtime/announce.js';
import { may } from '../rooms/rules.js';
import type { MessageChange, MessageRow, ReactionRow, UserRow } from '../store/index.js';
import { AttachmentUnavailable } from '../store/types.js';
import { charCount } from '../text.js';
import { changeSeqSnapshot, operationSelectsEventCursor } from '../events/snapshot.js';
import { decodeSeqCursor, encodeSeqCursor } from './cursor.js';
import { loadMessage, userById } from './loader.js';
import { subscribeToMessages } from './subscribe.js';
import { isEmoji, mentionCandidates, messageText, pickMentions } from './text.js';

/** The members `text` mentions. */
async function mentionsIn(ctx: GraphQLContext, roomId: string, text: string): Promise<UserRow[]> {
  const candidates = mentionCandidates(text);
  if (candidates.length === 0) return [];
  return pickMentions(candidates, await ctx.services.store.membersNamed(roomId, candidates.flat()));
}

/**
 * A message the viewer may read now, else NOT_FOUND: a message of a private room of
 * others reads exactly like one that does not exist.
 */
async function readableMessage(ctx: GraphQLContext, id: string): Promise<MessageRow> {
  const message = await ctx.services.store.message(id);
  if (!message || !(await visibleRoom(ctx, message.roomId))) throw notFound(`No message "${id}".`);
  return message;
}

/**
 * Stores a change to `message` (one the viewer may read) as `decide` says from its state
 * under the room's lock, then tells the room.
 */
async function changeMessage(
  ctx: GraphQLContext,
  message: MessageRow,
  decide: (current: MessageRow) => MessageChange,
): Promise<MessageRow> {
  const changed = await ctx.services.store.changeMessage(message.roomId, message.id, decide);
  if (!changed) throw notFound(`No message "${message.id}".`);
  if (changed.change) await announce(ctx.services, ctx.log, changed.change);
  return changed.message;
}

/** `attachmentIds`: at most FILES_PER_MESSAGE_MAX, each once. */
function attachmentsArgument(ids: readonly string[] | null | undefined): string[] {
  if (!ids) return [];
  if (ids.length > FILES_PER_MESSAGE_MAX)
    throw badInput(`A message has at most ${FILES_PER_MESSAGE_MAX} files.`, 'attachmentIds');
  if (new Set(ids).size !== ids.length) throw badInput('Each file is attached once.', 'attachmentIds');
  return [...ids];
}

function refuseIfDeleted(message: MessageRow, what: string, field: string): void {
  if (message.deletedAt !== null) throw badInput(`This message was deleted; it cannot be ${what}.`, field);
}

function emojiArgument(emoji: string): string {
  if (!isEmoji(emoji)) throw badInput('Reactions are one emoji.', 'emoji');
  return emoji;
}

function withReaction(reactions: readonly ReactionRow[], emoji: string, userId: string): ReactionRow[] | null {
  const existing = reactions.find((r) => r.emoji === emoji);
  if (existing?.userIds.includes(userId)) return null;
  if (!existing) {
    if (reactions.length >= MESSAGE_MAX_REACTIONS)
      throw badInput(`A message has at most ${MESSAGE_MAX_REACTIONS} different reactions.`, 'emoji');
    return [...reactions, { emoji, userIds: [userId] }];
  }
  return reactions.map((r) => (r === existing ? { emoji, userIds: [...r.userIds, userId] } : r));
}

function withoutReaction(reactions: readonly ReactionRow[], emoji: string, userId: string): ReactionRow[] | null {
  const existing = reactions.find((r) => r.emoji === emoji);
  if (!existing?.userIds.includes(userId)) return null;
  return reactions
    .map((r) => (r === existing ? { emoji, userIds: r.userIds.filter((u) => u !== userId) } : r))
    .filter((r) => r.userIds.length > 0);
}

/** Adds or removes the viewer's reaction, as `toggle` says from the current reactions. */
async function react(
  ctx: GraphQLContext,
  messageId: string,
  emoji: string,
  toggle: (reactions: readonly ReactionRow[], emoji: string, userId: string) => ReactionRow[] | null,
): Promise<MessageRow> {
  const viewer = requireViewer(ctx);
  await ctx.services.limiter.consume('react', RATE_REACT, viewer.id);
  const chosen = emojiArgument(emoji);
  return changeMessage(ctx, await readableMessage(ctx, messageId), (current) => {
    refuseIfDeleted(current, 'reacted to', 'messageId');
    const reactions = toggle(current.reactions, chosen, viewer.id);
    return reactions && { kind: 'REACTIONS_CHANGED', reactions };
  });
}

export const messageResolvers: Resolvers = {
  Room: {
    async messages(room, { last, before, first, after, around }, ctx, info) {
      // Read after the room's eventCursor, when it is asked for too (events/snapshot.ts).
      if (operationSelectsEventCursor(info.operation, info.fragments)) await changeSeqSnapshot(ctx, room.id);
      if (before && after) throw badInput('Page one way at a time: before or after.', 'after');
      if (around && (before || after))
        throw badInput('around starts a page of its own: no before or after with it.', 'around');
      const forward = first != null || after != null;
      const count = first ?? last ?? HISTORY_PAGE_DEFAULT;
      if (!Number.isInteger(count) || count < 1 || count > HISTORY_PAGE_MAX) {
        throw badInput(
          `${first != null ? 'first' : 'last'} must be from 1 to ${HISTORY_PAGE_MAX}.`,
          first != null ? 'first' : 'last',
        );
      }
      const { store } = ctx.services;
      let page: MessageRow[];
      let hasPreviousPage: boolean;
      let hasNextPage: boolean;
      if (around) {
        const seq = await store.messageSeq(room.id, around);
        if (seq === undefined) throw badInput(`"${around}" is not a message of room "${room.id}".`, 'around');
        // The message in the middle: as many older as newer (the newer side one more when
        // even), and where one side runs out, more of the other. Reading a page's worth
        // each way (and one more) also tells whether there is more.
        const [older, newer] = await Promise.all([
          store.messagesBefore(room.id, seq, count),
          store.messagesAfter(room.id, seq - 1, count + 1),
        ]);
        let olderTake = Math.min(older.length, Math.floor((count - 1) / 2));
        const newerTake = Math.min(newer.length, count - olderTake);
        olderTake = Math.min(older.length, count - newerTake);
        hasPreviousPage = older.length > olderTake;
        hasNextPage = newer.length > newerTake;
        page = [...older.slice(older.length - olderTake), ...newer.slice(0, newerTake)];
      } else if (forward) {
        const afterSeq = after ? decodeSeqCursor(after, 'after') : 0;
        const rows = await store.messagesAfter(room.id, afterSeq, count + 1);
        hasPreviousPage = afterSeq > 0;
        hasNextPage = rows.length > count;
        page = rows.slice(0, count);
      } else {
        const beforeSeq = before ? decodeSeqCursor(before) : null;
        const rows = await store.messagesBefore(room.id, beforeSeq, count + 1);
        hasPreviousPage = rows.length > count;
        hasNextPage = beforeSeq !== null;
        page = hasPreviousPage ? rows.slice(1) : rows;
      }
      const edges = page.map((node) => ({ cursor: encodeSeqCursor(node.seq), node }));
      return {
        edges,
        pageInfo: {
          hasPreviousPage,
          hasNextPage,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  },

  Message: {
    createdAt: (message) => message.createdAt,
    async deletedBy(message, _args, ctx) {
      const id = message.deletedById;
      if (!id) return null;
      return id === message.author.id ? message.author : ((await userById(ctx, id)) ?? null);
    },
    replyTo: (message, _args, ctx) => (message.replyToId === null ? null : loadMessage(ctx, message.replyToId)),
  },

  Reaction: {
    count: (reaction) => reaction.userIds.length,
    viewerReacted: (reaction, _args, ctx) => reaction.userIds.includes(requireViewer(ctx).id),
    async users(reaction, { first }, ctx) {
      const count = first ?? 20;
      if (!Number.isInteger(count) || count < 0 || count > REACTION_USERS_MAX)
        throw badInput(`first must be from 0 to ${REACTION_USERS_MAX}.`, 'first');
      const ids = reaction.userIds.slice(0, count);
      const users = new Map((await ctx.services.store.usersByIds(ids)).map((u) => [u.id, u]));
      return ids.map((id) => users.get(id)).filter((u): u is UserRow => u !== undefined);
    },
  },

  Mutation: {
    async sendMessage(_root, { roomId, text, clientId, replyToId, attachmentIds }, ctx) {
      const viewer = requireViewer(ctx);
      const { limiter, store, metrics } = ctx.services;
      await limiter.consume('sendMessage', RATE_SEND_MESSAGE, viewer.id);
      const files = attachmentsArgument(attachmentIds);
      // Files may go without words; words without files need some.
      const body = files.length > 0 && text.trim() === '' ? '' : messageText(text);
      if (clientId != null && (clientId.length === 0 || charCount(clientId) > CLIENT_ID_MAX_CHARS)) {
        throw badInput(`clientId is 1–${CLIENT_ID_MAX_CHARS} characters.`, 'clientId');
      }
      const room = await requireRoom(ctx, roomId);
      if (room.slowModeSeconds > 0 && !may(await store.roleIn(room.id, viewer.id), 'skipSlowMode')) {
        const waitMs = await store.slowModeWaitMs(room.id, viewer.id, room.slowModeSeconds, Date.now());
        if (waitMs > 0) throw rateLimited(waitMs, `Slow mode: one message every ${room.slowModeSeconds} s here.`);
      }
      if (replyToId != null && (await store.messageSeq(room.id, replyToId)) === undefined)
        throw badInput(`"${replyToId}" is not a message of room "${room.id}".`, 'replyToId');
      const { message, change } = await store
        .appendMessage({
          roomId: room.id,
          author: viewer,
          text: body,
          clientId: clientId ?? null,
          replyToId: replyToId ?? null,
          mentions: await mentionsIn(ctx, room.id, body),
          createdAt: Date.now(),
          attachmentIds: files,
        })
        .catch((error: unknown) => {
          if (error instanceof AttachmentUnavailable)
            throw badInput(
              `"${error.fileId}" is not a file you uploaded to this room and have not sent yet.`,
              'attachmentIds',
            );
          throw error;
        });
      if (change) {
        metrics.messagesSent.inc();
        await announce(ctx.services, ctx.log, change);
      }
      return message;
    },

    async editMessage(_root, { id, text }, ctx) {
      const viewer = requireViewer(ctx);
      await ctx.services.limiter.consume('changeMessage', RATE_CHANGE_MESSAGE, viewer.id);
      const body = messageText(text);
      const message = await readableMessage(ctx, id);
      const mentions = await mentionsIn(ctx, message.roomId, body);
      return changeMessage(ctx, message, (current) => {
        if (current.author.id !== viewer.id) throw forbidden('Only its author may edit a message.');
        refuseIfDeleted(current, 'edited', 'id');
        if (current.text === body) return null;
        return { kind: 'MESSAGE_EDITED', text: body, editedAt: Date.now(), mentions };
      });
    },

    async deleteMessage(_root, { id }, ctx) {
      const viewer = requireViewer(ctx);
      await ctx.services.limiter.consume('changeMessage', RATE_CHANGE_MESSAGE, viewer.id);
      const message = await readableMessage(ctx, id);
      if (message.author.id !== viewer.id) {
        const role = await ctx.services.store.roleIn(message.roomId, viewer.id);
        if (!may(role, 'deleteOthersMessage'))
          throw forbidden("Only its author or the room's moderators may delete a message.");
      }
      return changeMessage(ctx, message, (current) =>
        current.deletedAt !== null
          ? null
          : {
              kind: 'MESSAGE_DELETED',
              text: '',
              deletedAt: Date.now(),
              deletedBy: viewer.id,
              reactions: [],
              mentions: [],
            },
      );
    },

    addReaction: (_root, { messageId, emoji }, ctx) => react(ctx, messageId, emoji, withReaction),
    removeReaction: (_root, { messageId, emoji }, ctx) => react(ctx, messageId, emoji, withoutReaction),
  },

  Subscription: {
    messageAdded: {
      subscribe: (_root, { roomId, after }, ctx) => subscribeToMessages(ctx, roomId, after ?? null),
      // Runs once per subscriber (SSE) or once per group (graphql-ws fan-out): the
      // delivery metrics are counted where frames are written, not here.
      resolve: (message: MessageRow) => message,
    },
  },
};
