/** "ada_lovelace" → "AL", "bob" → "BO": up to two letters for an avatar. */
export function initials(name: string): string {
  const words = name.split(/[\s_.-]+/).filter(Boolean);
  const letters = words.length > 1 ? `${words[0]?.[0] ?? ''}${words[1]?.[0] ?? ''}` : name.slice(0, 2);
  return letters.toUpperCase();
}

/**
 * A hue (0–359) that is the same for a user everywhere, from their id: FNV-1a, then
 * Fibonacci hashing (Knuth's multiplicative method, keeping the high bits). Without the
 * second step sequential ids ("1", "2", …) land 179° apart and everyone gets one of two
 * colors; with it, neighbours spread around the wheel.
 */
export function userHue(userId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  const spread = Math.imul(hash, 0x9e3779b9) >>> 0; // 2^32 / golden ratio
  return Math.floor((spread / 2 ** 32) * 360);
}
