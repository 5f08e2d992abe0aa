import type { RoomRow } from '../store/index.js';

/** A room as resolvers pass it around: `isMember` is filled when it was read with the room. */
export type RoomModel = RoomRow & { readonly isMember?: boolean };
