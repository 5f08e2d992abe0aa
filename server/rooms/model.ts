import type { MessageRow, RoomRow } from '../store/index.js';

/**
 * A room as resolvers pass it around: `isMember` is filled when it was read with the
 * room, `lastMessage` when whoever passes it already knows it (a sidebar event).
 */
export type RoomModel = RoomRow & {
  readonly isMember?: boolean;
  readonly lastMessage?: MessageRow;
  /** Set when the viewer is banned from it (a public room they may then not use). */
  readonly isBanned?: boolean;
};
