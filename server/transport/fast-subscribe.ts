import {
  type ExecutionResult,
  type FieldNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  getArgumentValues,
  getVariableValues,
  locatedError,
} from 'graphql';
import { maskError } from 'graphql-yoga';
import type { GraphQLContext } from '../graphql/context.js';

/**
 * A room subscription (`messageAdded`, `roomEvents`, a room signal) started without graphql-js's
 * executor: the root field's arguments are coerced here and the field's own `subscribe`
 * resolver is called directly. Nothing per subscriber stays behind but the parked
 * iterator the fan-out hands graphql-ws; the executor's ExecutionContext and its
 * async-iterator mapping would cost memory on every live subscription for events that
 * the shared group delivers anyway.
 */

/** The subscription fields whose resolvers hand graphql-ws sockets to the fan-out. */
export const FANOUT_FIELDS: ReadonlySet<string> = new Set([
  'messageAdded',
  'roomEvents',
  'viewerRoomsChanged',
  'roomPresence',
  'userTyping',
  'roomTyping',
]);

/** The root field, if the operation is exactly one fan-out field with no directive on it. */
export function fanoutField(operation: OperationDefinitionNode): FieldNode | undefined {
  if (operation.operation !== 'subscription') return undefined;
  const [only, ...rest] = operation.selectionSet.selections;
  if (!only || rest.length > 0 || only.kind !== Kind.FIELD) return undefined;
  if (!FANOUT_FIELDS.has(only.name.value) || (only.directives?.length ?? 0) > 0) return undefined;
  return only;
}

export const UNEXPECTED = 'Unexpected error.';

/** Errors as Yoga would show them: domain errors as they are, anything else masked. */
export function masked(result: ExecutionResult): ExecutionResult {
  if (!result.errors) return result;
  return { ...result, errors: result.errors.map((e) => maskError(e, UNEXPECTED, false) as GraphQLError) };
}

export async function subscribeFast(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  field: FieldNode,
  rawVariables: Record<string, unknown> | null | undefined,
  ctx: GraphQLContext,
): Promise<AsyncIterable<unknown> | ExecutionResult> {
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (variables.errors) return { errors: variables.errors };
  const definition = schema.getSubscriptionType()?.getFields()[field.name.value];
  if (!definition?.subscribe) throw new Error(`schema has no Subscription.${field.name.value} resolver`);
  const path = [field.alias?.value ?? field.name.value];
  try {
    const args = getArgumentValues(definition, field, variables.coerced);
    // Our subscribe resolvers read their arguments and context only.
    return (await definition.subscribe(undefined, args, ctx, undefined as never)) as AsyncIterable<unknown>;
  } catch (error) {
    return masked({ errors: [locatedError(error, [field], path)] });
  }
}
