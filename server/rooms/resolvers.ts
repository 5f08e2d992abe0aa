import type { Resolvers } from '../graphql/generated/resolvers.js';
import { badInput, conflict, notFound } from '../graphql/errors.js';
import { requireRoom, requireViewer, visibleRoom } from '../graphql/guards.js';
import { ROOM_NAME_MAX_CHARS } from '../limits.js';
import { charCount } from '../text.js';
import { UniqueViolation } from '../store/index.js';
import { slugify } from './slug.js';

export const roomResolvers: Resolvers = {
  Query: {
    async rooms(_root, _args, ctx) {
      return ctx.services.store.roomsVisibleTo(requireViewer(ctx).id);
    },
    async room(_root, { id }, ctx) {
      return (await visibleRoom(ctx, id)) ?? null;
    },
  },

  Mutation: {
    async createRoom(_root, { name, isPrivate }, ctx) {
      const viewer = requireViewer(ctx);
      const trimmed = name.trim();
      if (trimmed.length === 0 || charCount(trimmed) > ROOM_NAME_MAX_CHARS) {
        throw badInput(`Room names are 1–${ROOM_NAME_MAX_CHARS} characters.`, 'name');
      }
      const id = slugify(trimmed);
      if (!id) throw badInput('A room name needs at least one letter or digit.', 'name');
      try {
        const room = await ctx.services.store.createRoom(
          { id, name: trimmed, isPrivate: isPrivate ?? false },
          viewer.id,
        );
        return { ...room, isMember: true };
      } catch (error) {
        // Says nothing about whether the existing room is private: both read the same.
        if (error instanceof UniqueViolation)
          throw conflict(`The room id "${id}" is taken; choose another name.`, 'name');
        throw error;
      }
    },

    async joinRoom(_root, { id }, ctx) {
      const viewer = requireViewer(ctx);
      const room = await requireRoom(ctx, id);
      await ctx.services.store.addMember(room.id, viewer.id);
      return { ...room, isMember: true };
    },

    async invite(_root, { roomId, userName }, ctx) {
      const room = await requireRoom(ctx, roomId);
      if (!room.isPrivate) throw badInput(`"${room.name}" is public: anyone can join it.`, 'roomId');
      const invitee = await ctx.services.store.userByName(userName);
      if (!invitee) throw notFound(`No user named "${userName}".`);
      await ctx.services.store.addMember(room.id, invitee.id);
      return room;
    },
  },

  Room: {
    async isMember(room, _args, ctx) {
      if (room.isMember !== undefined) return room.isMember;
      return ctx.services.store.isMember(room.id, requireViewer(ctx).id);
    },
    online: (room, _args, ctx) => ctx.services.presence.online(room.id),
  },
};
