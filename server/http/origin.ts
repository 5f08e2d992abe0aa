import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../config.js';

/**
 * Whether a browser request from `origin` may act with the user's cookie. The server's
 * own origin (the `Host` it was reached at) is always allowed; `ALLOWED_ORIGINS` adds
 * others. A request without `Origin` is not from a cross-site page (browsers always send
 * it on WebSocket upgrades and cross-origin POSTs), so it is allowed too.
 */
export function originAllowed(headers: IncomingHttpHeaders, config: Config): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (config.allowedOrigins.includes(origin)) return true;
  const forwarded = config.trustProxy ? headers['x-forwarded-host'] : undefined;
  const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() ?? headers.host;
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // "null" and other opaque origins
  }
}

/** The peer's address, or the first `X-Forwarded-For` hop behind a trusted proxy. */
export function clientAddress(headers: IncomingHttpHeaders, remote: string | undefined, config: Config): string {
  if (config.trustProxy) {
    const forwarded = headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return remote ?? 'unknown';
}
