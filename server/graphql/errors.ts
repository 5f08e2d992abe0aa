import { GraphQLError } from 'graphql';

/** The closed set of `extensions.code` values a client can see (see CONTRACT.md). */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

function domainError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const unauthenticated = (message = 'Sign in first: send Authorization: Bearer <token>.') =>
  domainError('UNAUTHENTICATED', message);

/** Also what a private room of others answers, so its existence does not leak. */
export const roomNotFound = (roomId: string) => domainError('NOT_FOUND', `No room "${roomId}".`);

export const notFound = (message: string) => domainError('NOT_FOUND', message);

/** `field` names the argument at fault, so a form can show the error beside it. */
export const badInput = (message: string, field?: string) =>
  domainError('BAD_USER_INPUT', message, field ? { field } : {});

export const conflict = (message: string, field?: string) => domainError('CONFLICT', message, field ? { field } : {});

export const forbidden = (message: string) => domainError('FORBIDDEN', message);

export const rateLimited = (
  retryAfterMs: number,
  message = `Too many requests; try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
) => domainError('RATE_LIMITED', message, { retryAfterMs });
