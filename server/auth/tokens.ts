import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32; // 256 bits of randomness

/** A new opaque bearer token; only its hash is ever stored. */
export const newToken = (): string => randomBytes(TOKEN_BYTES).toString('base64url');

/** Tokens are high-entropy, so a fast hash suffices (no salt or stretching needed). */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export const SESSION_COOKIE = 'parley_session';

/** `Authorization: Bearer <token>` → token; anything else → undefined. */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The bearer token of a record that carries an `Authorization` header (either case): a
 * `connection_init` payload, GraphiQL's `extensions.headers`. Undefined without one,
 * null when it is there but is not `Bearer <token>`.
 */
export function authorizationToken(record: Record<string, unknown>): string | undefined | null {
  const header = record.Authorization ?? record.authorization;
  if (typeof header !== 'string') return undefined;
  return bearerToken(header) ?? null;
}

/** The value of cookie `name` in a `Cookie` header. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
