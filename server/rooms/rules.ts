import type { RoomRole } from '../store/index.js';

/**
 * Who may do what in a room, in one place (the README's table says the same). Every
 * moderation mutation asks `may` with the viewer's role, before anything is written.
 */
export const ROOM_RULES = {
  /** Give a member a role, OWNER included (`setRole`). */
  setRole: ['OWNER'],
  /** Rename, set the topic or slow mode (`updateRoom`). */
  updateRoom: ['OWNER', 'MODERATOR'],
  /** Remove or ban a member (`removeMember`). */
  removeMember: ['OWNER', 'MODERATOR'],
  /** Remove or ban a moderator. */
  removeModerator: ['OWNER'],
  /** Delete someone else's message (`deleteMessage`). */
  deleteOthersMessage: ['OWNER', 'MODERATOR'],
  /** Create, list and delete its incoming webhooks. */
  manageWebhooks: ['OWNER', 'MODERATOR'],
  /** Download every message of the room as JSON (`/export/rooms/<id>.json`). */
  exportRoom: ['OWNER', 'MODERATOR'],
  /** Send without waiting out slow mode. */
  skipSlowMode: ['OWNER', 'MODERATOR'],
} as const satisfies Record<string, readonly RoomRole[]>;

export type RoomAction = keyof typeof ROOM_RULES;

/** Whether a member with `role` (undefined: not a member) may do `action`. */
export const may = (role: RoomRole | undefined, action: RoomAction): boolean =>
  role !== undefined && (ROOM_RULES[action] as readonly RoomRole[]).includes(role);
