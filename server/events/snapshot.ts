import type { OperationDefinitionNode } from 'graphql';
import type { GraphQLContext } from '../graphql/context.js';

/**
 * `Room.eventCursor` read with history in one query must be read *before* the history:
 * a change committed between the two reads is then in both (applying it again changes
 * nothing) rather than in neither. One read per room per operation, which the history
 * resolvers wait for when the operation selects `eventCursor`.
 */
const snapshots = new WeakMap<GraphQLContext, Map<string, Promise<number>>>();

export function changeSeqSnapshot(ctx: GraphQLContext, roomId: string): Promise<number> {
  let rooms = snapshots.get(ctx);
  if (!rooms) snapshots.set(ctx, (rooms = new Map()));
  let seq = rooms.get(roomId);
  if (!seq) rooms.set(roomId, (seq = ctx.services.store.lastChangeSeq(roomId)));
  return seq;
}

const selectsCursor = new WeakMap<OperationDefinitionNode, boolean>();

/** Whether the operation selects `eventCursor` anywhere (fragments included, by name). */
export function operationSelectsEventCursor(
  operation: OperationDefinitionNode,
  fragments: Record<string, { selectionSet: OperationDefinitionNode['selectionSet'] }>,
): boolean {
  let known = selectsCursor.get(operation);
  if (known === undefined) {
    const text = JSON.stringify([operation.selectionSet, Object.values(fragments).map((f) => f.selectionSet)]);
    known = text.includes('"value":"eventCursor"');
    selectsCursor.set(operation, known);
  }
  return known;
}
