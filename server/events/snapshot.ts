import { BREAK, type FragmentDefinitionNode, type OperationDefinitionNode, visit } from 'graphql';
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

/** Whether the operation selects `eventCursor` anywhere, its fragments included. */
export function operationSelectsEventCursor(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): boolean {
  let known = selectsCursor.get(operation);
  if (known === undefined) {
    known = [operation, ...Object.values(fragments)].some((node) => {
      let found = false;
      visit(node, {
        Field(field) {
          if (field.name.value !== 'eventCursor') return undefined;
          found = true;
          return BREAK;
        },
      });
      return found;
    });
    selectsCursor.set(operation, known);
  }
  return known;
}
