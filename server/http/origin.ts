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
  const host =
    (config.trustProxy ? forwardedEntry(headers['x-forwarded-host'], config.trustProxy) : undefined) ?? headers.host;
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // "null" and other opaque origins
  }
}

/**
 * Where this request came to, as an origin for absolute URLs (`PUBLIC_URL` when set):
 * its `Host`, or behind `trustProxy` proxies the one they forwarded, with their scheme.
 */
export function requestOrigin(headers: IncomingHttpHeaders, config: Config): string {
  if (config.publicUrl) return config.publicUrl;
  const forwarded = config.trustProxy ? forwardedEntry(headers['x-forwarded-host'], config.trustProxy) : undefined;
  const proto = config.trustProxy ? forwardedEntry(headers['x-forwarded-proto'], config.trustProxy) : undefined;
  return `${proto === 'https' ? 'https' : 'http'}://${forwarded ?? headers.host ?? 'localhost'}`;
}

/**
 * The entry `hops` from the right of a forwarded list (every header line of it, in
 * order): what the outermost of `hops` trusted proxies, each appending what it saw,
 * wrote. A shorter list means fewer proxies wrote than trusted: its leftmost entry.
 */
function forwardedEntry(value: string | string[] | undefined, hops: number): string | undefined {
  if (value === undefined) return undefined;
  const entries = (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries[Math.max(0, entries.length - hops)];
}

/** The peer's address, or, behind `trustProxy` proxies, the one the outermost of them saw. */
export function clientAddress(headers: IncomingHttpHeaders, remote: string | undefined, config: Config): string {
  if (config.trustProxy) {
    const forwarded = forwardedEntry(headers['x-forwarded-for'], config.trustProxy);
    if (forwarded) return forwarded;
  }
  return remote ?? 'unknown';
}
