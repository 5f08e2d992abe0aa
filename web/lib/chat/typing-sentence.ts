/** Who else types in a room: the first few of them, in the order they started, and how many in all. */
export interface Typing {
  readonly names: readonly string[];
  readonly count: number;
}

/** "alice is typing…", "alice and bob are typing…", "several people are typing…". */
export function typingSentence({ names, count }: Typing): string {
  const typists = Math.max(count, names.length);
  if (typists === 0) return '';
  if (typists === 1 && names.length === 1) return `${names[0]} is typing…`;
  if (typists === 2 && names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'several people are typing…';
}
