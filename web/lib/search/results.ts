import type { CombinedError } from '@urql/core';
import type { RoomKind, SearchQuery } from '@/gql/graphql';
import { roomLabel } from '../chat/sidebar';
import { errorCode, errorMessage } from '../errors';
import { type RoomChoice, roomDisplay } from './query';

export type SearchEdge = SearchQuery['search']['edges'][number];
export type SearchPage = SearchQuery['search'];

/**
 * The viewer's rooms as search shows and resolves them (`in:`). A direct room goes by its
 * people's user names, not the names they chose: anyone may choose "general", and a
 * search must not land in their room for it.
 */
export function roomChoices(
  rooms: readonly { id: string; name: string; kind: RoomKind }[],
  viewerName: string,
): RoomChoice[] {
  return rooms.map((room) => ({
    id: room.id,
    name: roomLabel({ name: room.name, kind: room.kind }, viewerName),
    direct: room.kind === 'DIRECT',
  }));
}

/** How a result names its room (`#<id>` for one the viewer's list does not have). */
export function resultRoomLabel(roomId: string, rooms: readonly RoomChoice[]): string {
  const room = rooms.find((r) => r.id === roomId);
  return room ? roomDisplay(room) : `#${roomId}`;
}

/** One line for a failed search: the API's own words for a bad query, else the usual ones. */
export function searchErrorMessage(error: CombinedError | undefined): string {
  if (errorCode(error) === 'BAD_USER_INPUT') {
    const first = error?.graphQLErrors[0];
    const field = first?.extensions.field;
    // The API says what is wrong with the words ("Search for at least one word…").
    if (field === 'query') return first?.message ?? 'That search cannot be run: check its words and quotes.';
    if (field === 'after') return 'Those results are out of date: search again.';
    if (field === 'roomId') return 'That room cannot be searched.';
    return first?.message ?? errorMessage(error);
  }
  return errorMessage(error);
}
