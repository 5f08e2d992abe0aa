import { type RoomChoice, parseSearch, resolveRoom, roomDisplay } from './query';
import type { SearchEdge } from './results';

export interface SearchRequest {
  query: string;
  roomId: string | null;
}

export type SearchStatus =
  | { kind: 'idle' }
  /** The input names no words to look for (only `in:` parts, say). */
  | { kind: 'needs-words'; room: string | null }
  /** `in:` names a room the viewer does not have. */
  | { kind: 'unknown-room'; room: string }
  | { kind: 'loading'; request: SearchRequest }
  | { kind: 'error'; request: SearchRequest; message: string }
  | { kind: 'done'; request: SearchRequest; edges: SearchEdge[]; hasNextPage: boolean; endCursor: string | null };

/** What the input asks for: the API's query and room, or why there is nothing to send. */
export function searchRequest(
  input: string,
  rooms: readonly RoomChoice[],
  thisRoomId: string | null,
): SearchRequest | Exclude<SearchStatus, { kind: 'loading' | 'error' | 'done' }> {
  if (!input.trim()) return { kind: 'idle' };
  const parsed = parseSearch(input);
  let roomId = thisRoomId;
  let roomName: string | null = null;
  if (parsed.room !== null) {
    const room = resolveRoom(parsed.room, rooms);
    if (!room) return { kind: 'unknown-room', room: parsed.room };
    roomId = room.id;
    roomName = roomDisplay(room);
  }
  if (!parsed.text.trim()) return { kind: 'needs-words', room: roomName };
  return { query: parsed.text, roomId };
}
