import type { Reaction } from './types';

/** "You, alice and 3 others": who reacted, for a tooltip and the button's label. */
export function reactedBy(reaction: Reaction, viewerId: string): string {
  const names = reaction.users.map((u) => (u.id === viewerId ? 'You' : u.name));
  const others = Math.max(0, reaction.count - names.length);
  if (others > 0) names.push(`${others} other${others === 1 ? '' : 's'}`);
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
