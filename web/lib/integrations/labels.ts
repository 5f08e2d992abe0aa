import { relativeTime } from '../chat/time';

/** The note beside a secret shown once (a webhook's URL, an access token). */
export const SHOWN_ONCE_NOTE = 'Copy it now: it will not be shown again';

/** When a webhook last posted or a token was last used: "never" before the first time. */
export function lastUsedText(iso: string | null | undefined, now: number): string {
  return iso ? relativeTime(iso, now) : 'never';
}

/** A name for a webhook or token, trimmed; the message to show when it cannot be used (1–64 characters). */
export function nameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Enter a name.';
  if ([...trimmed].length > 64) return 'Use at most 64 characters.';
  return null;
}
