/** How many recently used emoji the picker remembers. */
export const RECENT_MAX = 16;
const STORAGE_KEY = 'parley.recentEmoji';

/** `emoji` first, each once, at most `max`. */
export function pushRecent(recent: readonly string[], emoji: string, max = RECENT_MAX): string[] {
  return [emoji, ...recent.filter((e) => e !== emoji)].slice(0, max);
}

/** What this browser remembers; anything unreadable (private mode, a hand edit) reads as none. */
export function loadRecent(): string[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(stored) ? stored.filter((e): e is string => typeof e === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

export function saveRecent(recent: readonly string[]): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(recent));
  } catch {
    // Storage full or disabled: recents last until the tab closes.
  }
}
