import { createHash } from 'node:crypto';
import type { GraphQLContext } from '../graphql/context.js';
import { badInput } from '../graphql/errors.js';
import { DIRECT_MAX_OTHERS } from '../limits.js';
import type { UserRow } from '../store/index.js';

/** Characters of the set's hash in a direct room's id: 80 bits, no collision in practice. */
const DIRECT_ID_HASH_CHARS = 20;
const DIRECT_ID = new RegExp(`^dm-[0-9a-f]{${DIRECT_ID_HASH_CHARS}}$`);

/** Whether `id` has the shape of a direct room's: no channel may take one. */
export const isDirectId = (id: string): boolean => DIRECT_ID.test(id);

/**
 * The people `userNames` name besides the viewer, each once (names compare without regard
 * to case): 1 to DIRECT_MAX_OTHERS of them, all existing, else BAD_USER_INPUT on
 * `userNames`.
 */
export async function directPeople(
  ctx: GraphQLContext,
  viewer: UserRow,
  userNames: readonly string[],
): Promise<UserRow[]> {
  const keys = [...new Set(userNames.map((n) => n.trim().toLowerCase()))].filter(
    (key) => key !== viewer.name.toLowerCase(),
  );
  if (keys.length === 0) throw badInput('Name at least one other person.', 'userNames');
  if (keys.length > DIRECT_MAX_OTHERS)
    throw badInput(`A direct conversation has at most ${DIRECT_MAX_OTHERS} others.`, 'userNames');
  const found = await Promise.all(keys.map((key) => ctx.services.store.userByName(key)));
  const unknown = keys.filter((_, i) => !found[i]);
  if (unknown.length > 0) throw badInput(`No user named ${unknown.map((n) => `"${n}"`).join(', ')}.`, 'userNames');
  return found as UserRow[];
}

/**
 * The id and name of the direct room of `people`: the id is derived from the set of
 * their ids, so whoever opens it, in whatever order, on whichever node, names the same
 * room, and the store's primary key makes a race of openers create it once.
 */
export function directRoom(people: readonly UserRow[]): { id: string; name: string } {
  const ids = people.map((p) => p.id).sort((a, b) => Number(a) - Number(b));
  const hash = createHash('sha256').update(ids.join(',')).digest('hex').slice(0, DIRECT_ID_HASH_CHARS);
  const name = people
    .map((p) => p.name)
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
    .join(', ');
  return { id: `dm-${hash}`, name };
}
