import type { Resolvers } from '../graphql/generated/resolvers.js';
import { badInput, conflict, forbidden, notFound } from '../graphql/errors.js';
import { requireRoom, requireViewer, visibleRoom } from '../graphql/guards.js';
import { MEMBERS_PAGE_MAX, ONLINE_AMONG_MAX, ROOM_NAME_MAX_CHARS, USERS_PAGE_MAX } from '../limits.js';
import { byName } from '../presence/tracker.js';
import { announce } from '../realtime/announce.js';
import { tellViewer } from '../realtime/viewer-rooms.js';
import { charCount } from '../text.js';
import { type RoomRow, type UserRow, UniqueViolation } from '../store/index.js';
import { directPeople, directRoom, isDirectId } from './direct.js';
import { defaultLevel, lastMessage, mentionCount, readState, unreadCount } from './read-state.js';
import { viewerRoomsChanged } from './subscribe.js';
import { slugify } from './slug.js';
import { decodeCursor, encodeCursor } from '../graphql/cursors.js';
import { batched } from '../graphql/batch.js';

/** Member cursors carry the name's sort key (lowercase). */
const encodeNameCursor = (name: string): string => encodeCursor(`name:${name.toLowerCase()}`);
const decodeNameCursor = (cursor: string): string =>
  decodeCursor(cursor, /^name:([a-z0-9_.-]{2,32})$/, 'after', 'this connection')[1]!;

/** The people of every direct room an operation shows (a whole sidebar's), in one read. */
const directPeopleOf = batched<string, UserRow[]>((ctx, roomIds) => ctx.services.store.membersOf(roomIds));

export const roomResolvers: Resolvers = {
  Query: {
    async rooms(_root, _args, ctx) {
      return ctx.services.store.roomsVisibleTo(requireViewer(ctx).id);
    },
    async room(_root, { id }, ctx) {
      return (await visibleRoom(ctx, id)) ?? null;
    },
    async users(_root, { prefix, first }, ctx) {
      requireViewer(ctx);
      const count = first ?? 10;
      if (!Number.isInteger(count) || count < 0 || count > USERS_PAGE_MAX)
        throw badInput(`first must be from 0 to ${USERS_PAGE_MAX}.`, 'first');
      const key = prefix.trim();
      // No name has other characters: nobody matches, without asking the store.
      if (!/^[A-Za-z0-9_.-]*$/.test(key) || count === 0) return [];
      return ctx.services.store.usersByPrefix(key, count);
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
      // Direct rooms' ids are derived from their people: a channel must never take one.
      if (isDirectId(id)) throw badInput('That name is reserved; choose another.', 'name');
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
      const change = await ctx.services.store.addMember(room.id, viewer.id);
      if (change) {
        await announce(ctx.services, ctx.log, change);
        await tellViewer(ctx.services, ctx.log, viewer.id, { kind: 'membership', roomId: room.id, member: true });
      }
      return { ...room, isMember: true };
    },

    async openDirect(_root, { userNames }, ctx) {
      const viewer = requireViewer(ctx);
      const others = await directPeople(ctx, viewer, userNames);
      const people = [viewer, ...others];
      const { id, name } = directRoom(people);
      const { room, created } = await ctx.services.store.openDirect(
        id,
        name,
        people.map((p) => p.id),
      );
      if (created) {
        const signal = { kind: 'membership', roomId: room.id, member: true } as const;
        await Promise.all(people.map((p) => tellViewer(ctx.services, ctx.log, p.id, signal)));
      }
      return { ...room, isMember: true };
    },

    async markRead(_root, { roomId, messageId }, ctx) {
      const viewer = requireViewer(ctx);
      const room = await requireRoom(ctx, roomId);
      const seq = await ctx.services.store.messageSeq(room.id, messageId);
      if (seq === undefined) throw badInput(`"${messageId}" is not a message of room "${room.id}".`, 'messageId');
      await ctx.services.store.markRead(room.id, viewer.id, seq);
      // Every tab and device of the viewer clears its badge.
      await tellViewer(ctx.services, ctx.log, viewer.id, { kind: 'read', roomId: room.id, readSeq: seq });
      return room;
    },

    async setNotificationLevel(_root, { roomId, level }, ctx) {
      const viewer = requireViewer(ctx);
      const room = await requireRoom(ctx, roomId);
      // The kind's default is stored as null: it follows the default if that changes.
      const stored = level === defaultLevel(room.kind) ? null : level;
      if (!(await ctx.services.store.setNotificationLevel(room.id, viewer.id, stored)))
        throw badInput(`Join "${room.name}" to choose what you hear of it.`, 'roomId');
      await tellViewer(ctx.services, ctx.log, viewer.id, { kind: 'level', roomId: room.id, level: stored });
      return { ...room, isMember: true };
    },

    async invite(_root, { roomId, userName }, ctx) {
      const room = await requireRoom(ctx, roomId);
      if (!room.isPrivate) throw badInput(`"${room.name}" is public: anyone can join it.`, 'roomId');
      if (room.kind === 'DIRECT')
        throw badInput('A direct conversation is between its people: open another with openDirect.', 'roomId');
      const invitee = await ctx.services.store.userByName(userName);
      if (!invitee) throw notFound(`No user named "${userName}".`);
      if (await ctx.services.store.isBanned(room.id, invitee.id))
        throw forbidden(`${invitee.name} was banned from "${room.name}".`);
      const change = await ctx.services.store.addMember(room.id, invitee.id, requireViewer(ctx).id);
      if (change) {
        await announce(ctx.services, ctx.log, change);
        await tellViewer(ctx.services, ctx.log, invitee.id, { kind: 'membership', roomId: room.id, member: true });
      }
      return room;
    },
  },

  Subscription: {
    viewerRoomsChanged: {
      subscribe: (_root, _args, ctx) => viewerRoomsChanged(ctx),
      resolve: (room: RoomRow) => room,
    },
  },

  Room: {
    async isMember(room, _args, ctx) {
      if (room.isMember !== undefined) return room.isMember;
      const known = ctx.known?.(room.id);
      if (known !== undefined) return known !== null;
      return ctx.services.store.isMember(room.id, requireViewer(ctx).id);
    },
    async online(room, { first, among }, ctx) {
      if (first !== null && first !== undefined && (!Number.isInteger(first) || first < 0))
        throw badInput('first must be 0 or more.', 'first');
      if (among && among.length > ONLINE_AMONG_MAX)
        throw badInput(`among may name at most ${ONLINE_AMONG_MAX} users.`, 'among');
      if (first === 0) return [];
      const { presence, store } = ctx.services;
      if (!among) return presence.online(room.id, first ?? undefined);
      const ids = await presence.onlineAmong(room.id, [...new Set(among)]);
      const users = ids.length === 0 ? [] : (await store.usersByIds(ids)).sort(byName);
      return first === null || first === undefined ? users : users.slice(0, first);
    },
    onlineCount: (room, _args, ctx) => ctx.services.presence.count(room.id),
    memberCount: (room, _args, ctx) => ctx.services.store.memberCount(room.id),
    async members(room, { first, after }, ctx) {
      const count = first ?? 50;
      if (!Number.isInteger(count) || count < 0 || count > MEMBERS_PAGE_MAX)
        throw badInput(`first must be from 0 to ${MEMBERS_PAGE_MAX}.`, 'first');
      const afterKey = after ? decodeNameCursor(after) : null;
      // One extra row tells whether a next page exists.
      const rows = await ctx.services.store.members(room.id, afterKey, count + 1);
      const page = rows.slice(0, count);
      const edges = page.map(({ role, ...node }) => ({ cursor: encodeNameCursor(node.name), node, role }));
      return {
        edges,
        pageInfo: {
          hasPreviousPage: afterKey !== null,
          hasNextPage: rows.length > count,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
    async people(room, _args, ctx) {
      if (room.kind !== 'DIRECT') return [];
      return (await directPeopleOf(ctx, room.id)) ?? [];
    },
    async viewerRole(room, _args, ctx) {
      const known = ctx.known?.(room.id);
      if (known !== undefined) return known?.role ?? null;
      return (await ctx.services.store.roleIn(room.id, requireViewer(ctx).id)) ?? null;
    },
    unreadCount: (room, _args, ctx) => unreadCount(ctx, room.id),
    mentionCount: (room, _args, ctx) => mentionCount(ctx, room),
    async notificationLevel(room, _args, ctx) {
      const known = ctx.known?.(room.id);
      const level = known !== undefined ? known?.level : (await readState(ctx, room.id))?.level;
      return level ?? defaultLevel(room.kind);
    },
    lastMessage(room, _args, ctx) {
      // A private room's former member hears that they left, not what was said since.
      if (room.isPrivate && room.isMember === false) return null;
      if (room.lastMessage) return room.lastMessage;
      return lastMessage(ctx, room.id).then((message) => message ?? null);
    },
  },
};
