import { type DocumentNode, Kind, type OperationDefinitionNode, visit } from 'graphql';
import { FANOUT_FIELDS } from './fast-subscribe.js';

/**
 * The name of the variable bound to the room subscription's `after` argument when nothing
 * else in the document uses it: subscribers that differ only in it can share one execution.
 */
function findReplayOnlyVariable(operation: OperationDefinitionNode): string | undefined {
  let bound: string | undefined;
  const uses = new Map<string, number>();
  visit(operation, {
    Field(node) {
      if (!FANOUT_FIELDS.has(node.name.value)) return;
      const after = node.arguments?.find((arg) => arg.name.value === 'after');
      if (after?.value.kind === Kind.VARIABLE) bound = after.value.name.value;
    },
    Variable(node, _key, parent) {
      if ((parent as { kind?: string }).kind === Kind.VARIABLE_DEFINITION) return;
      uses.set(node.name.value, (uses.get(node.name.value) ?? 0) + 1);
    },
  });
  return bound !== undefined && uses.get(bound) === 1 ? bound : undefined;
}

/**
 * `findReplayOnlyVariable` by operation: the parser cache hands every subscriber that sent
 * the same document the same AST, so the walk (about 12 KB of garbage) runs once.
 */
const replayOnly = new WeakMap<OperationDefinitionNode, string | null>();

function replayOnlyVariable(operation: OperationDefinitionNode): string | undefined {
  let name = replayOnly.get(operation);
  if (name === undefined) replayOnly.set(operation, (name = findReplayOnlyVariable(operation) ?? null));
  return name ?? undefined;
}

/**
 * What decides a subscriber's payloads besides the event: the document, the operation
 * and the variables. Two subscribers with equal keys receive byte-identical payloads.
 */
export function groupKey(
  query: string,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
): string {
  const skip = replayOnlyVariable(operation);
  const relevant = Object.entries(variables ?? {})
    .filter(([name]) => name !== skip)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([operation.name?.value ?? null, relevant, document.definitions.length, query]);
}
