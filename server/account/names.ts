/**
 * What a deleted account is called from then on. A space and `#` are never in a name
 * (USER_NAME_PATTERN), so no one can sign up under one and pose as a deleted person;
 * the id keeps two deleted people apart in a conversation.
 */
export const deletedName = (userId: string): string => `deleted user #${userId}`;

const DELETED_NAME = /^deleted user #\d+$/;

/** Whether a user's name is a deleted account's stand-in name. */
export const isDeletedName = (name: string): boolean => DELETED_NAME.test(name);
