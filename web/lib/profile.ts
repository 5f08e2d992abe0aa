import type { User } from './chat/types';

/** What a profile change says about one person. */
export interface HeardProfile {
  id: string;
  name: string;
  displayName?: string | null;
  avatarUrl?: string | null;
  /** The account was deleted: its messages stay, under "deleted user". */
  isDeleted?: boolean;
}

/** The newest profile heard per person, by id. */
export type Profiles = ReadonlyMap<string, HeardProfile>;

/** Whether two profiles of one person show the same. */
export const sameProfile = (a: HeardProfile, b: HeardProfile): boolean =>
  a.displayName === b.displayName && a.avatarUrl === b.avatarUrl && a.isDeleted === b.isDeleted;

/**
 * How a person is shown: the display name they chose (else their user name), their avatar
 * if any, and whether their account is gone (heard live, or as the page was given).
 */
export function shownProfile(
  user: User & { isDeleted?: boolean },
  heard: HeardProfile | undefined,
): { name: string; userName: string; avatarUrl: string | null; isDeleted: boolean } {
  const displayName = heard ? heard.displayName : user.displayName;
  const avatarUrl = heard ? heard.avatarUrl : user.avatarUrl;
  return {
    name: displayName?.trim() || user.name,
    userName: user.name,
    avatarUrl: avatarUrl ?? null,
    isDeleted: (heard?.isDeleted ?? false) || (user.isDeleted ?? false),
  };
}

export const DISPLAY_NAME_MAX_CHARS = 64; // characters, the API's limit

/** Why a display name cannot be saved, or undefined if it can (an empty one clears it). */
export function displayNameProblem(value: string): string | undefined {
  const trimmed = value.trim();
  if ([...trimmed].length > DISPLAY_NAME_MAX_CHARS) {
    return `A display name can be at most ${DISPLAY_NAME_MAX_CHARS} characters.`;
  }
  return undefined;
}

/**
 * The centred square of a `width` × `height` picture, as the server crops an avatar:
 * the side is the shorter dimension, the offsets centre it on the longer one.
 */
export function centredSquare(width: number, height: number): { left: number; top: number; size: number } {
  const size = Math.min(width, height);
  return { left: Math.floor((width - size) / 2), top: Math.floor((height - size) / 2), size };
}
