import type { CombinedError } from '@urql/core';

/** Messages keyed by the form field they belong beside; `form` for the rest. */
export type FieldErrors<F extends string> = Partial<Record<F | 'form', string>>;

const UNREACHABLE = 'Could not reach the server. Check your connection and try again.';
const UNEXPECTED = 'Something went wrong on our side. Please try again.';

/**
 * Spreads an API error over a form: the API names the argument at fault in
 * `extensions.field`; anything else (wrong password, rate limit, network) is form-wide.
 */
export function fieldErrors<F extends string>(
  error: CombinedError | undefined,
  fields: readonly F[],
  /** Codes that belong to a field though the API names none (e.g. NOT_FOUND for a user name). */
  fieldForCode: Partial<Record<string, F>> = {},
): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  if (!error) errors.form = UNEXPECTED;
  else if (error.networkError && error.graphQLErrors.length === 0) errors.form = UNREACHABLE;
  if (!error || errors.form) return errors;
  for (const e of error.graphQLErrors) {
    const code = e.extensions.code;
    const field = e.extensions.field ?? (typeof code === 'string' ? fieldForCode[code] : undefined);
    const message = code === 'INTERNAL_SERVER_ERROR' ? UNEXPECTED : e.message;
    if (typeof field === 'string' && (fields as readonly string[]).includes(field)) errors[field as F] ??= message;
    else errors.form ??= message;
  }
  return errors;
}

/** One line for a failed operation, for places without a form (a retry hint, a banner). */
export function errorMessage(error: CombinedError | undefined): string {
  const errors = fieldErrors(error, []);
  return errors.form ?? UNEXPECTED;
}

/** The API's `extensions.code` of the first error, if any. */
export function errorCode(error: CombinedError | undefined): string | undefined {
  const code = error?.graphQLErrors[0]?.extensions.code;
  return typeof code === 'string' ? code : undefined;
}

/** A string `extensions` entry of the first GraphQL error (`reason`, `by`), if any. */
export function errorExtension(error: CombinedError | undefined, key: string): string | undefined {
  const value = error?.graphQLErrors[0]?.extensions[key];
  return typeof value === 'string' ? value : undefined;
}
