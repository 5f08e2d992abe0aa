import { cookies, headers } from 'next/headers';
import { SESSION_COOKIE, SESSION_MAX_AGE_S } from '../cookies';

export async function sessionToken(): Promise<string | undefined> {
  return (await cookies()).get(SESSION_COOKIE)?.value || undefined;
}

/** Whether the browser reached us over HTTPS: its Origin says so, or a proxy's X-Forwarded-Proto. */
async function overHttps(): Promise<boolean> {
  const h = await headers();
  const origin = h.get('origin');
  if (origin && origin !== 'null') return origin.startsWith('https:');
  return h.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/** Stores the API token where browser JavaScript cannot read it. */
export async function setSession(token: string): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: await overHttps(),
    path: '/',
    maxAge: SESSION_MAX_AGE_S,
  });
}

export async function clearSession(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
}
