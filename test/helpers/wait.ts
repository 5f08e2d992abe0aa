import { onlineNames } from './http.js';

/**
 * Polls `check` until it returns a truthy value (which it resolves to) or `timeoutMs`
 * passes. For state that has no event to wait on; never a fixed sleep.
 */
export async function waitUntil<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 5_000, intervalMs = 20, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Resolves once `room(id).online` lists `name`: the server counts a user online only
 * once one of their room subscriptions is listening, so this proves that one is live.
 */
export function waitOnline(url: string, token: string, roomId: string, name: string, timeoutMs = 5_000) {
  return waitUntil(async () => (await onlineNames(url, token, roomId)).includes(name), {
    timeoutMs,
    what: `${name} online in ${roomId}`,
  });
}

export function waitOffline(url: string, token: string, roomId: string, name: string, timeoutMs = 5_000) {
  return waitUntil(async () => !(await onlineNames(url, token, roomId)).includes(name), {
    timeoutMs,
    what: `${name} offline in ${roomId}`,
  });
}
