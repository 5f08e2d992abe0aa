import type { Resolvers } from '../graphql/generated/resolvers.js';
import type { GraphQLContext } from '../graphql/context.js';
import { badInput, forbidden } from '../graphql/errors.js';
import { requireRoom, requireViewer } from '../graphql/guards.js';
import { ROOM_NAME_MAX_CHARS, ROOM_TOPIC_MAX_CHARS, SLOW_MODE_MAX_SECONDS } from '../limits.js';
import { announce } from '../realtime/announce.js';
import { tellViewer } from '../realtime/viewer-rooms.js';
import type { RoomRole, UserRow } from '../store/index.js';
import { charCount } from '../text.js';
import type { RoomModel } from './model.js';
import { takeBack } from './revoke.js';
import { type RoomAction, may } from './rules.js';

/** The room the viewer may use, and their role there, if `action` is theirs to do. */
async function asModerator(ctx: GraphQLContext, roomId: string, action: RoomAction) {
  const viewer = requireViewer(ctx);
  const room = await requireRoom(ctx, roomId);
  if (room.kind === 'DIRECT') throw badInput('A direct conversation has no one to moderate it.', 'roomId');
  const role = await ctx.services.store.roleIn(room.id, viewer.id);
  if (!may(role, action)) throw forbidden(`Your role in "${room.name}" does not allow that.`);
  return { viewer, room, role: role! };
}

async function namedUser(ctx: GraphQLContext, userName: string): Promise<UserRow> {
  const user = await ctx.services.store.userByName(userName);
  if (!user) throw badInput(`No user named "${userName}".`, 'userName');
  return user;
}

/** A room with at least one owner must keep one. */
async function keepsAnOwner(ctx: GraphQLContext, room: RoomModel, losing: RoomRole | undefined): Promise<void> {
  if (losing === 'OWNER' && (await ctx.services.store.ownerCount(room.id)) <= 1)
    throw badInput(`"${room.name}" would have no owner: make someone else its owner first.`, 'userName');
}

export const moderationResolvers: Resolvers = {
  Mutation: {
    async setRole(_root, { roomId, userName, role }, ctx) {
      const { viewer, room } = await asModerator(ctx, roomId, 'setRole');
      const target = await namedUser(ctx, userName);
      const current = await ctx.services.store.roleIn(room.id, target.id);
      if (current === undefined) throw badInput(`${target.name} is not in "${room.name}".`, 'userName');
      if (role !== 'OWNER') await keepsAnOwner(ctx, room, current);
      const change = await ctx.services.store.setRole(room.id, target.id, role, viewer.id);
      if (change) {
        await announce(ctx.services, ctx.log, change);
        await tellViewer(ctx.services, ctx.log, target.id, { kind: 'role', roomId: room.id, role });
      }
      return room;
    },

    async updateRoom(_root, { id, name, topic, slowModeSeconds }, ctx) {
      const { viewer, room } = await asModerator(ctx, id, 'updateRoom');
      const patch: { name?: string; topic?: string | null; slowModeSeconds?: number } = {};
      if (name != null) {
        const trimmed = name.trim();
        if (trimmed.length === 0 || charCount(trimmed) > ROOM_NAME_MAX_CHARS)
          throw badInput(`Room names are 1–${ROOM_NAME_MAX_CHARS} characters.`, 'name');
        patch.name = trimmed;
      }
      if (topic != null) {
        const trimmed = topic.trim();
        if (charCount(trimmed) > ROOM_TOPIC_MAX_CHARS)
          throw badInput(`A topic is at most ${ROOM_TOPIC_MAX_CHARS} characters.`, 'topic');
        patch.topic = trimmed || null;
      }
      if (slowModeSeconds != null) {
        if (!Number.isInteger(slowModeSeconds) || slowModeSeconds < 0 || slowModeSeconds > SLOW_MODE_MAX_SECONDS)
          throw badInput(`Slow mode is 0 to ${SLOW_MODE_MAX_SECONDS} seconds.`, 'slowModeSeconds');
        patch.slowModeSeconds = slowModeSeconds;
      }
      const updated = await ctx.services.store.updateRoom(room.id, patch, viewer.id);
      if (!updated) throw badInput(`No room "${id}".`, 'id');
      if (updated.change) {
        // Every node's cached copy of the room goes, then everyone hears of it.
        await takeBack(ctx.services, ctx.log, room.id, null);
        await announce(ctx.services, ctx.log, updated.change);
      }
      return { ...updated.room, isMember: true };
    },

    async leaveRoom(_root, { id }, ctx) {
      const viewer = requireViewer(ctx);
      const room = await requireRoom(ctx, id);
      if (room.kind === 'DIRECT') throw badInput('A direct conversation cannot be left.', 'id');
      const role = await ctx.services.store.roleIn(room.id, viewer.id);
      if (role === undefined) return false;
      if (room.id === 'general' && role === 'OWNER' && (await ctx.services.store.ownerCount(room.id)) <= 1)
        throw badInput('general needs its owner: make someone else its owner first.', 'id');
      const change = await ctx.services.store.removeMember(room.id, viewer.id, viewer.id, false);
      if (!change) return false;
      await takeBack(ctx.services, ctx.log, room.id, viewer.id, 'LEFT');
      await announce(ctx.services, ctx.log, change);
      return true;
    },

    async removeMember(_root, { roomId, userName, ban }, ctx) {
      const { viewer, room, role } = await asModerator(ctx, roomId, 'removeMember');
      const target = await namedUser(ctx, userName);
      if (target.id === viewer.id) throw badInput('To leave a room, use leaveRoom.', 'userName');
      const targetRole = await ctx.services.store.roleIn(room.id, target.id);
      if (targetRole === 'OWNER') throw forbidden(`An owner of "${room.name}" cannot be removed.`);
      if (targetRole === 'MODERATOR' && !may(role, 'removeModerator'))
        throw forbidden('Only an owner may remove a moderator.');
      if (targetRole === undefined && !ban) throw badInput(`${target.name} is not in "${room.name}".`, 'userName');
      const change = await ctx.services.store.removeMember(room.id, target.id, viewer.id, ban ?? false);
      // Told before the change is announced, so that every node says why first (a ban).
      await takeBack(ctx.services, ctx.log, room.id, target.id, ban ? 'BANNED' : 'REMOVED', viewer.name);
      if (change) await announce(ctx.services, ctx.log, change);
      return room;
    },
  },
};
