/** Longest room id a name can produce. */
export const ROOM_ID_MAX_CHARS = 48;

/** "Café Talk!" → "cafe-talk": lowercase letters, digits and single dashes. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ROOM_ID_MAX_CHARS)
    .replace(/-+$/, '');
}
