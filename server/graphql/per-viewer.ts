import { randomBytes } from 'node:crypto';
import {
  type ExecutionResult,
  GraphQLEnumType,
  type GraphQLFieldResolver,
  type GraphQLLeafType,
  GraphQLNonNull,
  type GraphQLOutputType,
  type GraphQLSchema,
  GraphQLScalarType,
  defaultFieldResolver,
  getNamedType,
  isLeafType,
  isObjectType,
  responsePathAsArray,
} from 'graphql';
import type { Rendered } from '../realtime/fanout.js';
import type { Services } from '../services.js';
import type { UserRow } from '../store/index.js';
import type { GraphQLContext } from './context.js';

/**
 * Execute once, answer per viewer.
 *
 * A subscription event is executed once for all subscribers that sent the same
 * selection (realtime/fanout.ts). That execution runs with a *shared* context: it has
 * no viewer, and reading `viewer` (or anything else that says who is asking) throws.
 * A field whose value depends on the viewer is declared `@perViewer` in the schema; in
 * a shared execution it answers a stand-in value and leaves a *hole*: where in the result
 * it goes and how to compute it for one viewer. Each subscriber's payload is the shared
 * result with its own answers in the holes; a result without holes (a new message has
 * no reactions) is serialized once for everyone.
 *
 * So forgetting `@perViewer` cannot hand one viewer's answer to the group: the field
 * fails instead, and `test/per-viewer.test.ts` executes every field reachable from a
 * subscription in a shared context to catch that before it ships.
 */

export const PER_VIEWER_DIRECTIVE = 'perViewer';

/** A field that must be computed for each viewer, and where it goes in the result. */
export interface Hole {
  /** Response path, aliases included, from `data`. */
  readonly path: readonly (string | number)[];
  /** Its serialized value for the viewer of `ctx`. */
  compute(ctx: GraphQLContext): unknown;
}

const HOLES = Symbol('per-viewer holes');
type SharedContext = GraphQLContext & { [HOLES]: Hole[] };

/** Thrown when a field without `@perViewer` asks who is looking during a shared execution. */
export class ViewerReadInSharedExecution extends Error {
  override name = 'ViewerReadInSharedExecution';
  constructor(what: string) {
    super(
      `a field read ${what} while executing one result for many subscribers: ` +
        `declare it @perViewer in the schema (see server/graphql/per-viewer.ts)`,
    );
  }
}

function refuse(what: string): never {
  throw new ViewerReadInSharedExecution(what);
}

/** The context of one execution shared by many subscribers, and the holes it leaves. */
export function sharedContext(services: Services): { context: GraphQLContext; holes: Hole[] } {
  const holes: Hole[] = [];
  const context = {
    services,
    log: services.log,
    [HOLES]: holes,
    get viewer(): UserRow | null {
      return refuse('the viewer');
    },
    get tokenHash(): string | null {
      return refuse('the token');
    },
    get clientAddress(): string {
      return refuse('the client address');
    },
  } satisfies SharedContext;
  return { context, holes };
}

/**
 * A context for computing one viewer's holes: who they are, the services, and what this
 * node keeps of their rooms (so a sidebar event's counts need no store read), nothing more.
 */
export function viewerContext(services: Services, viewer: UserRow): GraphQLContext {
  return {
    services,
    viewer,
    tokenHash: null,
    clientAddress: '',
    log: services.log,
    known: (roomId) => services.viewerRooms.known(viewer.id, roomId),
  };
}

const holesOf = (ctx: GraphQLContext): Hole[] | undefined => (ctx as Partial<SharedContext>)[HOLES];

/** A value that `type` serializes without complaint; overwritten per viewer. */
function standIn(type: GraphQLOutputType): unknown {
  if (!(type instanceof GraphQLNonNull)) return null;
  const named = type.ofType;
  if (named instanceof GraphQLEnumType) return named.getValues()[0]!.value;
  switch ((named as GraphQLScalarType).name) {
    case 'Boolean':
      return false;
    case 'Int':
    case 'Float':
      return 0;
    case 'String':
    case 'ID':
      return '';
  }
  throw new Error(`@perViewer fields must be nullable or a built-in scalar or enum, not ${String(type)}`);
}

function serialize(type: GraphQLLeafType, value: unknown): unknown {
  return value === null || value === undefined ? null : type.serialize(value);
}

/**
 * Wraps every `@perViewer` field of `schema` (in place) so that a shared execution
 * leaves a hole. Only leaf fields may be declared: a hole is one value, not a subtree.
 */
export function applyPerViewer(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.astNode?.directives?.some((d) => d.name.value === PER_VIEWER_DIRECTIVE)) continue;
      const leaf = getNamedType(field.type);
      if (!isLeafType(leaf)) throw new Error(`@perViewer on ${type.name}.${field.name}: only leaf fields`);
      const fallback = standIn(field.type); // throws at start-up for an unsupported type
      const resolve: GraphQLFieldResolver<unknown, GraphQLContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx: GraphQLContext, info) => {
        const holes = holesOf(ctx);
        if (!holes) return resolve(source, args, ctx, info);
        holes.push({
          path: responsePathAsArray(info.path),
          compute: (viewerCtx) => {
            const value = resolve(source, args, viewerCtx, info);
            return value instanceof Promise ? value.then((v: unknown) => serialize(leaf, v)) : serialize(leaf, value);
          },
        });
        return fallback;
      };
    }
  }
  return schema;
}

/** Names of the fields declared `@perViewer`, as `Type.field`; for tests and docs. */
export function perViewerFields(schema: GraphQLSchema): string[] {
  const names: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields()))
      if (field.astNode?.directives?.some((d) => d.name.value === PER_VIEWER_DIRECTIVE))
        names.push(`${type.name}.${field.name}`);
  }
  return names;
}

/** One viewer's answers for `holes`, in order (a promise only if some resolver is async). */
function answersFor(holes: readonly Hole[], ctx: GraphQLContext): unknown[] | Promise<unknown[]> {
  const values = holes.map((hole) => hole.compute(ctx));
  return values.some((v) => v instanceof Promise) ? Promise.all(values) : values;
}

/** Writes `values` into `result` at the holes' paths (in place: serialize before the next call). */
function fillHoles(result: ExecutionResult, holes: readonly Hole[], values: readonly unknown[]): void {
  holes.forEach((hole, i) => {
    let node = result.data as Record<string | number, unknown> | null | undefined;
    const { path } = hole;
    for (let j = 0; j < path.length - 1 && node; j++) node = node[path[j]!] as typeof node;
    // A parent nulled by an error elsewhere has no place for the answer.
    if (node) node[path.at(-1)!] = values[i];
  });
}

/** A marker per process, random: no text a user writes can hold it, by chance or on purpose. */
const HOLE_MARK = `\u0000hole:${randomBytes(8).toString('hex')}:`;

/**
 * The serialized result cut at its holes: the payload for some answers is then the
 * pieces joined with them, with no walk of the result and no second serialization.
 * Undefined when a hole has no place in the result (a parent nulled by an error).
 */
function cutAtHoles(
  result: ExecutionResult,
  holes: readonly Hole[],
): { pieces: string[]; order: number[] } | undefined {
  const marks = holes.map((_, i) => JSON.stringify(HOLE_MARK + i));
  fillHoles(
    result,
    holes,
    holes.map((_, i) => HOLE_MARK + i),
  );
  const json = JSON.stringify(result);
  const found = marks.map((mark, i) => ({ i, at: json.indexOf(mark), length: mark.length }));
  if (found.some((f) => f.at < 0)) return undefined;
  found.sort((a, b) => a.at - b.at);
  const pieces: string[] = [];
  let from = 0;
  for (const { at, length } of found) {
    pieces.push(json.slice(from, at));
    from = at + length;
  }
  pieces.push(json.slice(from));
  return { pieces, order: found.map((f) => f.i) };
}

/**
 * A shared execution's result as the fan-out sends it: one payload for everyone when it
 * has no holes (the common case), else each viewer's answers and the payload for them.
 */
export function personalized(services: Services, result: ExecutionResult, holes: readonly Hole[]): Rendered {
  if (holes.length === 0) {
    const shared = JSON.stringify(result);
    return { shared, answers: () => [], payload: () => shared };
  }
  // A user with several subscriptions (tabs, sockets) in the group is answered once.
  const byViewer = new Map<string, unknown[] | Promise<unknown[]>>();
  let cut: ReturnType<typeof cutAtHoles> | null = null;
  return {
    shared: undefined,
    answers(viewer) {
      let answers = byViewer.get(viewer.id);
      if (!answers) byViewer.set(viewer.id, (answers = answersFor(holes, viewerContext(services, viewer))));
      return answers;
    },
    payload(values) {
      if (cut === null) cut = cutAtHoles(result, holes);
      if (cut === undefined) {
        fillHoles(result, holes, values);
        return JSON.stringify(result);
      }
      const { pieces, order } = cut;
      let payload = pieces[0]!;
      for (let k = 0; k < order.length; k++) payload += JSON.stringify(values[order[k]!]) + pieces[k + 1]!;
      return payload;
    },
  };
}
