import type { WebSocket } from 'ws';
import type { SubscribePayload } from 'graphql-ws';
import { type ExecutionArgs, GraphQLError, execute as graphqlExecute, getOperationAST } from 'graphql';
import type { Authenticated } from '../auth/sessions.js';
import { createContext } from '../graphql/context.js';
import { personalized, sharedContext } from '../graphql/per-viewer.js';
import type { ParleyYoga } from '../graphql/yoga.js';
import type { UpgradeRequest } from '../http/upgrade.js';
import type { Executor, FanoutTarget } from '../realtime/fanout.js';
import type { Services } from '../services.js';
import { fanoutField, masked, subscribeFast } from './fast-subscribe.js';
import { groupKey } from './group-key.js';

/**
 * The arguments graphql-ws keeps for one operation and hands back to `execute` or
 * `subscribe`. Its root value says how to run it: Yoga's envelop, or the fan-out.
 */
export type OperationArgs = ExecutionArgs & {
  rootValue:
    | { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown; fast?: undefined }
    // null once started: graphql-ws keeps the args while the subscription lives.
    | { fast: (() => Promise<unknown>) | null };
};

/** Who and where an operation comes from. */
export interface OperationSource {
  readonly socket: WebSocket;
  readonly request: UpgradeRequest;
  readonly socketAuth: Authenticated | null;
  readonly socketAuthByCookie: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const unset: Executor = () => {
  throw new Error('fan-out executor used before its context was built');
};

/** Parses and validates through Yoga's envelop (cached, with the armor limits). */
function checked(yoga: ParleyYoga, payload: SubscribePayload) {
  const envelop = yoga.getEnveloped({ params: payload });
  try {
    const document = envelop.parse(payload.query);
    // graphql-armor's limits throw from validation; answer the operation, not 4500.
    const errors = envelop.validate(envelop.schema, document);
    return errors.length > 0 ? { errors } : { document, schema: envelop.schema };
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
}

/**
 * One `subscribe` message, ready for graphql-ws to run: validated, with the context its
 * transport knows, or the errors that answer it. A room subscription takes the shared
 * fan-out path; anything else runs through Yoga's envelop like an HTTP request.
 */
export async function prepareOperation(
  yoga: ParleyYoga,
  services: Services,
  source: OperationSource,
  id: string,
  payload: SubscribePayload,
): Promise<{ args: OperationArgs; subscription: boolean } | readonly GraphQLError[]> {
  try {
    // The web UI sends its operations as hashes of trusted documents.
    const trusted = services.trustedDocuments.resolve(payload);
    if (trusted !== undefined) payload = { ...payload, query: trusted };
  } catch (error) {
    if (error instanceof GraphQLError) return [error];
    throw error;
  }
  const validated = checked(yoga, payload);
  if (validated.errors) return validated.errors;
  const { document, schema } = validated;
  const operation = getOperationAST(document, payload.operationName);
  const wsOperation = {
    socketAuth: source.socketAuth,
    socketAuthByCookie: source.socketAuthByCookie,
    upgrade: source.request,
    ws: source.socket,
  };
  const base = { schema, document, operationName: payload.operationName, variableValues: payload.variables };
  const field = operation ? fanoutField(operation) : undefined;
  if (operation && field) {
    // The shared fan-out path. Its executor runs the document with each event as root
    // value, as graphql-js does per event (plain graphql-js `execute`: Yoga's would see
    // a subscription document and subscribe again), in a context without a viewer:
    // `@perViewer` fields leave holes for each subscriber's own answer.
    const fanout: Mutable<FanoutTarget> = {
      socket: source.socket,
      id,
      groupKey: groupKey(payload.query, document, operation, payload.variables),
      execute: unset,
    };
    const contextValue = await createContext(services, { wsOperation: { ...wsOperation, fanout }, params: payload });
    fanout.execute = (value) => {
      const { context, holes } = sharedContext(services);
      const result = graphqlExecute({ ...base, contextValue: context, rootValue: value });
      return result instanceof Promise
        ? result.then((r) => personalized(services, masked(r), holes))
        : personalized(services, masked(result), holes);
    };
    // No context here: graphql-ws keeps these args as long as the subscription lives,
    // and an idle subscriber should cost only its socket and fan-out entry.
    const fast = () => subscribeFast(schema, operation, field, payload.variables, contextValue);
    return { args: { ...base, rootValue: { fast } }, subscription: true };
  }
  const { execute, subscribe, contextFactory } = yoga.getEnveloped({ wsOperation, params: payload });
  return {
    args: { ...base, contextValue: await contextFactory(), rootValue: { execute, subscribe } },
    subscription: operation?.operation === 'subscription',
  };
}

export function executeOperation(args: ExecutionArgs): unknown {
  const root = (args as OperationArgs).rootValue;
  if (root.fast !== undefined) throw new Error('the fan-out path is for subscriptions only');
  return root.execute(args);
}

export function subscribeOperation(args: ExecutionArgs): unknown {
  const root = (args as OperationArgs).rootValue;
  if (root.fast === undefined) return root.subscribe(args);
  const start = root.fast;
  if (!start) throw new Error('a fan-out subscription started twice');
  root.fast = null; // and with it the operation's context
  return start();
}
