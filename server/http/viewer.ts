import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE, bearerToken, cookieValue } from '../auth/tokens.js';
import type { Services } from '../services.js';
import type { UserRow } from '../store/types.js';
import { originAllowed } from './origin.js';

/**
 * Who asks, on the plain HTTP routes beside /graphql (/files, /export): `Authorization:
 * Bearer`, or the sign-in cookie on a request from an allowed origin. An `<img>` or a
 * download link sends the cookie with no Origin, so the web UI's images and downloads
 * work; another site's page gets no cookie (SameSite=Lax) or sends its foreign Origin.
 */
export async function requestViewer(services: Services, req: IncomingMessage): Promise<UserRow | undefined> {
  const bearer = bearerToken(req.headers.authorization);
  if (bearer) return (await services.sessions.authenticate(bearer))?.user;
  const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (cookie && originAllowed(req.headers, services.config))
    return (await services.sessions.authenticate(cookie))?.user;
  return undefined;
}
