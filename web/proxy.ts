import { type NextRequest, NextResponse } from 'next/server';
import { LAST_ROOM_COOKIE, SESSION_COOKIE } from './lib/cookies';

const ROOM_PATH = /^\/rooms\/([a-z0-9-]{1,64})$/;
const ONE_YEAR_S = 365 * 24 * 60 * 60;

/**
 * Remembers the last room opened, so `/` can go back to it. Done here rather than in the
 * page because a page cannot set cookies, and this also works without JavaScript. `/`
 * checks that the user can still see the room before using it.
 */
export function proxy(request: NextRequest): NextResponse {
  const response = NextResponse.next();
  const room = ROOM_PATH.exec(request.nextUrl.pathname)?.[1];
  // Signed-out visits are redirected to sign in: they are not a room the user was in.
  const signedIn = request.cookies.has(SESSION_COOKIE);
  if (room && signedIn && request.cookies.get(LAST_ROOM_COOKIE)?.value !== room) {
    response.cookies.set(LAST_ROOM_COOKIE, room, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: ONE_YEAR_S });
  }
  return response;
}

export const config = { matcher: '/rooms/:id' };
