/**
 * The one storage interface the resolvers see. The embedded SQLite store and the
 * PostgreSQL store both implement it and both pass `test/store/store.contract.ts`.
 * Row types double as codegen mappers: a resolver receives exactly these shapes.
 */

export interface UserRow {
  readonly id: string;
  readonly name: string;
  /** A webhook's bot; known where the row was read with it. */
  readonly isBot?: boolean;
  /** Known where the row was read with its profile (`profileChanged`): else loaded apart. */
  readonly profile?: Profile;
}

/** What a person shows of themselves besides their name. */
export interface Profile {
  readonly displayName: string | null;
  /** A file of kind AVATAR. */
  readonly avatarId: string | null;
}

export type FileKind = 'ATTACHMENT' | 'AVATAR';

/** A file as a message carries it (immutable, so kept with the message). */
export interface AttachmentRow {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly width: number | null;
  readonly height: number | null;
  readonly thumbnail: boolean;
}

/** A stored file and who may read it. */
export interface FileRow extends AttachmentRow {
  readonly ownerId: string;
  readonly kind: FileKind;
  /** The room an attachment was uploaded to; null for an avatar. */
  readonly roomId: string | null;
  /** Null until a message carries it. */
  readonly messageId: string | null;
  /** Whether that message was deleted since (then the file is no one's to read). */
  readonly messageDeleted: boolean;
  readonly thumbnailSize: number | null;
  /** A hash of the stored bytes. */
  readonly etag: string;
  readonly createdAt: number;
}

export type NewFile = Omit<FileRow, 'messageId' | 'messageDeleted' | 'thumbnail'>;

/** Which of a file's blobs: the file itself or its thumbnail. */
export type FileVariant = 'file' | 'thumbnail';

/** `attachmentIds` named a file that is not the author's, not of this room, not ready or already sent. */
export class AttachmentUnavailable extends Error {
  override name = 'AttachmentUnavailable';
  constructor(readonly fileId: string) {
    super(`file ${fileId} cannot be attached`);
  }
}

/** An incoming webhook, as its room's moderators see it (the secret is not kept). */
export interface WebhookRow {
  readonly id: string;
  readonly roomId: string;
  readonly name: string;
  readonly bot: UserRow;
  readonly createdBy: UserRow;
  readonly createdAt: number;
  readonly lastPostedAt: number | null;
}

export type RoomKind = 'CHANNEL' | 'DIRECT';

/** One signed-in session, as its user may see it. */
export interface SessionRow {
  readonly tokenHash: string;
  readonly device: string | null;
  /** An access token's name; null for a sign-in. */
  readonly name: string | null;
  readonly createdAt: number;
  /** Null for an access token never used. */
  readonly lastUsedAt: number | null;
}

export interface RoomRow {
  readonly id: string;
  readonly name: string;
  readonly isPrivate: boolean;
  readonly kind: RoomKind;
  readonly topic: string | null;
  /** Seconds a member (not a moderator or owner) waits between messages; 0: no slow mode. */
  readonly slowModeSeconds: number;
}

/** Where a member stands in a room: how far they read, and what is there to read. */
export interface ReadState {
  /** The room's newest message seq. */
  readonly lastSeq: number;
  /** The member's read marker (a message seq); 0 for a non-member. */
  readonly readSeq: number;
  /** Messages after the marker that mention the member. */
  readonly mentions: number;
  readonly isMember: boolean;
  /** The member's own notification level; null for the room kind's default. */
  readonly level: NotificationLevel | null;
}

export type NotificationLevel = 'ALL' | 'MENTIONS' | 'NOTHING';

/**
 * Everything a member's sidebar shows of one room that depends on them, read at once so
 * a node can keep it current from the room's changes (realtime/viewer-rooms.ts).
 */
export interface Membership {
  readonly room: RoomRow;
  readonly role: RoomRole;
  /** The room's newest message seq. */
  readonly lastSeq: number;
  readonly readSeq: number;
  readonly level: NotificationLevel | null;
  /** Seqs of the messages past the read marker that mention the member. */
  readonly mentionSeqs: readonly number[];
}

/** One emoji on a message and who used it, earliest first. */
export interface ReactionRow {
  readonly emoji: string;
  readonly userIds: readonly string[];
}

export interface MessageRow {
  readonly id: string;
  readonly roomId: string;
  /** Position in the room: 1, 2, 3… with no gap, assigned atomically at commit. */
  readonly seq: number;
  /** Empty once deleted. */
  readonly text: string;
  readonly author: UserRow;
  /** Milliseconds since the epoch, like every instant here. */
  readonly createdAt: number;
  readonly editedAt: number | null;
  readonly deletedAt: number | null;
  /** Who deleted it: its author, or a moderator or owner of the room. */
  readonly deletedById?: string | null;
  readonly replyToId: string | null;
  /** In order of each emoji's first use; empty once deleted. */
  readonly reactions: readonly ReactionRow[];
  /** Members named as `@name`, each once, in order of appearance; empty once deleted. */
  readonly mentions: readonly UserRow[];
  /** Files sent with it, in order; absent where a row was made without them (none). */
  readonly attachments?: readonly AttachmentRow[];
}

export interface NewMessage {
  readonly roomId: string;
  readonly author: UserRow;
  readonly text: string;
  readonly clientId: string | null;
  readonly replyToId: string | null;
  readonly mentions: readonly UserRow[];
  readonly createdAt: number;
  /** Files the author uploaded to this room and has not sent: claimed in the same transaction. */
  readonly attachmentIds?: readonly string[];
}

export type RoomChangeKind =
  | 'MESSAGE_ADDED'
  | 'MESSAGE_EDITED'
  | 'MESSAGE_DELETED'
  | 'REACTIONS_CHANGED'
  | 'MEMBER_JOINED'
  | 'MEMBER_LEFT'
  | 'ROOM_UPDATED';

/**
 * One change to a room: the room's change feed is these, in `seq` order (1, 2, 3…, no
 * gap, assigned under the room's lock in the transaction that made the change).
 */
export interface RoomChange {
  readonly roomId: string;
  /** Position in the room's feed (not the message's `seq`). */
  readonly seq: number;
  readonly kind: RoomChangeKind;
  /** For the message kinds: the message after the change (when read back later: now). */
  readonly message: MessageRow | null;
  /** For the member kinds, and for ROOM_UPDATED when it changed someone's role. */
  readonly user: UserRow | null;
  /** Who made a member or room change (the member themselves when they joined or left). */
  readonly actor?: UserRow | null;
  readonly createdAt: number;
}

/**
 * What a change to a message becomes, decided by the caller from the message's current
 * state while the room is locked: `null` changes nothing (an idempotent repeat). Throw
 * to refuse; nothing is written.
 */
export type MessageChange = {
  readonly kind: 'MESSAGE_EDITED' | 'MESSAGE_DELETED' | 'REACTIONS_CHANGED';
  readonly text?: string;
  readonly editedAt?: number;
  readonly deletedAt?: number;
  readonly deletedBy?: string;
  readonly reactions?: readonly ReactionRow[];
  readonly mentions?: readonly UserRow[];
} | null;

export type RoomRole = 'OWNER' | 'MODERATOR' | 'MEMBER';

/** One part of a search: a word (matched as a word or its start) or a phrase. */
export interface SearchTerm {
  /** Folded tokens (store/search-words.ts): one for a word, several for a phrase. */
  readonly tokens: readonly string[];
  /** True for a quoted phrase: its words whole, in order, next to each other. */
  readonly phrase: boolean;
}

/** What to search for, and where; the caller has authorized `roomId`. */
export interface MessageSearch {
  /** Without `roomId`, the rooms this user belongs to. */
  readonly userId: string;
  readonly roomId: string | null;
  readonly authorId: string | null;
  /** All must match; may be empty when `authorId` is set. */
  readonly terms: readonly SearchTerm[];
  /** Messages older than this one only (the previous page's last), by id. */
  readonly beforeId: string | null;
  readonly limit: number;
}

/** A unique key was taken (a user name, a room id). */
export class UniqueViolation extends Error {
  override name = 'UniqueViolation';
}

/**
 * Files and profiles. A file's row is written before its bytes (`ready` false) and made
 * ready after; its blobs go with its row when it is deleted.
 */
export interface FileStore {
  /**
   * Records a file not yet ready if its owner's files, with it, stay within
   * `storageMaxBytes`; false (nothing written) past it.
   */
  reserveFile(file: NewFile, storageMaxBytes: number): Promise<boolean>;
  /** Stores one of a reserved file's blobs from `source`; resolves to its bytes. */
  writeFileBlob(fileId: string, variant: FileVariant, source: AsyncIterable<Uint8Array>): Promise<number>;
  /** Makes a reserved file readable. */
  finishFile(fileId: string): Promise<void>;
  /** A ready file, with its message's state. */
  file(fileId: string): Promise<FileRow | undefined>;
  /** Bytes `start` to `end` (inclusive) of one of a file's blobs. */
  readFileBlob(fileId: string, variant: FileVariant, start: number, end: number): AsyncIterable<Uint8Array>;
  /** Bytes of all of `userId`'s files. */
  storageUsed(userId: string): Promise<number>;
  /**
   * Up to `limit` files no one can read any more: never sent and created before
   * `orphanBefore` (or never made ready), sent with a message deleted since, or avatars
   * no one shows that are older than `orphanBefore`.
   */
  deadFiles(orphanBefore: number, limit: number): Promise<string[]>;
  /**
   * Deletes a file and its blobs; with `orphanBefore`, only while it is still dead by the
   * rules of `deadFiles` (so nodes sweeping together delete each file once). Whether it did.
   */
  deleteFile(fileId: string, orphanBefore?: number): Promise<boolean>;
  /** The profiles of `userIds` (unknown ids are left out). */
  profiles(userIds: readonly string[]): Promise<Map<string, Profile>>;
  /** Changes what is given of a profile; the user with their profile after it. */
  updateProfile(userId: string, patch: Partial<Profile>): Promise<UserRow & { profile: Profile }>;
}

/** What an account holds besides its name: read for the person's own export. */
export interface AccountRow {
  readonly id: string;
  readonly name: string;
  readonly displayName: string | null;
  readonly avatarId: string | null;
  readonly createdAt: number;
  /** Set once the account was deleted (0012). */
  readonly deletedAt: number | null;
}

/** A room a person belongs to, as their export lists it. */
export interface JoinedRoom {
  readonly room: RoomRow;
  readonly role: RoomRole;
  readonly joinedAt: number;
}

/**
 * Exporting one's data and deleting one's account (server/account/). Reads page by id so
 * an export of any size is written in pieces.
 */
export interface AccountStore {
  account(userId: string): Promise<AccountRow | undefined>;
  /** The rooms `userId` belongs to, earliest joined first. */
  joinedRooms(userId: string): Promise<JoinedRoom[]>;
  /** Up to `limit` of `authorId`'s messages with an id after `afterId` (null: from the first), by id. */
  messagesByAuthor(authorId: string, afterId: string | null, limit: number): Promise<MessageRow[]>;
  /**
   * Up to `limit` messages with an id after `afterId` whose reactions may include
   * `userId`'s, by id (the caller checks each one's `reactions`): a page may hold none
   * that do, yet more follow while a page is full.
   */
  messagesReactedBy(userId: string, afterId: string | null, limit: number): Promise<MessageRow[]>;
  /** The webhooks `userId` created, in any room. */
  webhooksCreatedBy(userId: string): Promise<WebhookRow[]>;
  /** Who should own the room after `userId`: its earliest-joined moderator, else its earliest-joined member. */
  successorIn(roomId: string, userId: string): Promise<UserRow | undefined>;
  /**
   * In one transaction: deletes every sign-in and access token of `userId` and the
   * webhooks they created, and anonymizes the account: its name becomes `deletedName`,
   * its display name and avatar go, its password becomes `passwordHash` (of a password no
   * one has). The lowercased old name stays as the key, so no one else can take it.
   * Returns the hashes of the tokens it deleted.
   */
  deleteAccount(userId: string, deletedName: string, passwordHash: string, now: number): Promise<string[]>;
}

export interface Store extends FileStore, AccountStore {
  /** Applies pending migrations; safe to run from several nodes at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Throws `UniqueViolation` when the name is taken without regard to case. */
  createUser(name: string, passwordHash: string): Promise<UserRow>;
  userCredentials(name: string): Promise<(UserRow & { passwordHash: string }) | undefined>;
  usersByIds(ids: readonly string[]): Promise<UserRow[]>;
  /** Not a deleted account, whose old name stays taken (`createUser`) but names no one. */
  userByName(name: string): Promise<UserRow | undefined>;

  createSession(
    tokenHash: string,
    userId: string,
    expiresAt: number,
    device?: string,
    /** Set for a personal access token. */
    name?: string,
  ): Promise<void>;
  /** `userId`'s sessions (or, with `tokens`, access tokens) not expired at `now`, most recently used first. */
  sessionsOf(userId: string, now: number, tokens?: boolean): Promise<SessionRow[]>;
  /** Records that the session was used at `now`, unless it was within `resolutionMs`. */
  touchSession(tokenHash: string, now: number, resolutionMs: number): Promise<void>;
  /** Deletes `userId`'s sign-in sessions (not access tokens) but `keep`; returns the hashes it deleted. */
  deleteSessionsOf(userId: string, keep: string | null): Promise<string[]>;
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;

  /** A webhook of `roomId` named `name`, with a bot user of its own, and `secretHash`. */
  createWebhook(
    webhook: { id: string; roomId: string; name: string; secretHash: string },
    createdBy: string,
  ): Promise<WebhookRow>;
  /** The webhook and its secret's hash, if it exists. */
  webhook(id: string): Promise<(WebhookRow & { secretHash: string }) | undefined>;
  webhooksOf(roomId: string): Promise<WebhookRow[]>;
  deleteWebhook(id: string): Promise<boolean>;
  /** Records a post, at most once per `resolutionMs`. */
  touchWebhook(id: string, now: number, resolutionMs: number): Promise<void>;
  /** The session's user while it exists and has not expired at `now`. */
  sessionUser(tokenHash: string, now: number): Promise<UserRow | undefined>;
  deleteSession(tokenHash: string): Promise<boolean>;

  /** Throws `UniqueViolation` when the id is taken. The creator is its owner. */
  createRoom(room: Pick<RoomRow, 'id' | 'name' | 'isPrivate'>, creatorId: string): Promise<RoomRow>;
  room(id: string): Promise<RoomRow | undefined>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** The room, whether `userId` belongs to it and whether they are banned from it, in one query. */
  roomFor(roomId: string, userId: string): Promise<(RoomRow & { isMember: boolean; isBanned: boolean }) | undefined>;
  /** Whether `userId` is banned from the room. */
  isBanned(roomId: string, userId: string): Promise<boolean>;
  /** Sets a member's role (the change, ROOM_UPDATED naming them, unless it was theirs already). */
  setRole(roomId: string, userId: string, role: RoomRole, actorId: string): Promise<RoomChange | undefined>;
  /** Changes what is given of the room's name, topic and slow mode; undefined for no such room. */
  updateRoom(
    roomId: string,
    patch: { readonly name?: string; readonly topic?: string | null; readonly slowModeSeconds?: number },
    actorId: string,
  ): Promise<{ room: RoomRow; change?: RoomChange } | undefined>;
  /**
   * Takes `userId` out of the room (MEMBER_LEFT, by `actorId`: themselves when leaving),
   * and with `ban` keeps them out. The change only when they were a member.
   */
  removeMember(roomId: string, userId: string, actorId: string, ban: boolean): Promise<RoomChange | undefined>;
  /** How many owners the room has. */
  ownerCount(roomId: string): Promise<number>;
  /**
   * When `authorId` may send in the room again under slow mode: 0 when now (their last
   * message there is older than `seconds`).
   */
  slowModeWaitMs(roomId: string, authorId: string, seconds: number, now: number): Promise<number>;
  /** Idempotent: the change (MEMBER_JOINED, by `actorId`: themselves unless invited) only when the user was not a member. */
  addMember(roomId: string, userId: string, actorId?: string): Promise<RoomChange | undefined>;
  /** Public rooms and the private rooms `userId` belongs to, latest activity first. */
  roomsVisibleTo(userId: string): Promise<(RoomRow & { isMember: boolean })[]>;
  /**
   * The direct room of exactly `memberIds` (2–9 users), created with them as members if
   * it does not exist: `id` is derived from the set, so racing creators get one room.
   */
  openDirect(id: string, name: string, memberIds: readonly string[]): Promise<{ room: RoomRow; created: boolean }>;
  /** `userId`'s memberships: in every room, or in `roomId` only. */
  memberships(userId: string, roomId?: string): Promise<Membership[]>;
  /** Sets `userId`'s level in a room they belong to (null: the default); false for a non-member. */
  setNotificationLevel(roomId: string, userId: string, level: NotificationLevel | null): Promise<boolean>;
  /** Up to `limit` users whose name starts with `prefix` (without regard to case), by name. */
  usersByPrefix(prefix: string, limit: number): Promise<UserRow[]>;
  /** `userId`'s read state in each of `roomIds` (missing rooms are left out). */
  readStates(roomIds: readonly string[], userId: string): Promise<Map<string, ReadState>>;
  /** Moves `userId`'s read marker in the room forward to `seq` (never back). */
  markRead(roomId: string, userId: string, seq: number): Promise<void>;
  /** The newest message of each of `roomIds` that has one. */
  lastMessages(roomIds: readonly string[]): Promise<Map<string, MessageRow>>;

  /**
   * Appends a message with the room's next `seq`, atomically. With a `clientId` that
   * this author already used in this room, returns that message and `created: false`.
   */
  appendMessage(message: NewMessage): Promise<{ message: MessageRow; created: boolean; change?: RoomChange }>;
  /** A message by id, in its current state. */
  message(messageId: string): Promise<MessageRow | undefined>;
  /** Messages by id, in any order; unknown ids are left out. */
  messagesByIds(ids: readonly string[]): Promise<MessageRow[]>;
  /**
   * Changes message `messageId` of room `roomId` as `decide` says, given its current
   * state read under the room's lock, and records the change in the room's feed in the
   * same transaction. Undefined when the room has no such message; `change` is
   * undefined when `decide` changed nothing.
   */
  changeMessage(
    roomId: string,
    messageId: string,
    decide: (current: MessageRow) => MessageChange,
  ): Promise<{ message: MessageRow; change?: RoomChange } | undefined>;
  /** The room's newest change `seq` (0 when none). */
  lastChangeSeq(roomId: string): Promise<number>;
  /** Up to `limit` changes with `seq > afterSeq`, oldest first, messages in their current state. */
  changesAfter(roomId: string, afterSeq: number, limit: number): Promise<RoomChange[]>;
  /** The members of `roomId` among `names` (compared without regard to case). */
  membersNamed(roomId: string, names: readonly string[]): Promise<UserRow[]>;
  /** How many members the room has. */
  memberCount(roomId: string): Promise<number>;
  /** Up to `limit` members whose name (lowercased) sorts after `afterKey`, by name. */
  members(roomId: string, afterKey: string | null, limit: number): Promise<(UserRow & { role: RoomRole })[]>;
  /**
   * The members of each of `roomIds` (direct rooms: a handful each), by name, in one read;
   * a room without members is missing from the map.
   */
  membersOf(roomIds: readonly string[]): Promise<Map<string, UserRow[]>>;
  /** `userId`'s role in the room, or undefined for a non-member. */
  roleIn(roomId: string, userId: string): Promise<RoomRole | undefined>;
  /** The room's newest `seq` (0 when empty). */
  lastSeq(roomId: string): Promise<number>;
  /** The `seq` of message `messageId` if it belongs to `roomId`. */
  messageSeq(roomId: string, messageId: string): Promise<number | undefined>;
  /** Up to `limit` messages with `seq < beforeSeq` (or the newest), oldest first. */
  messagesBefore(roomId: string, beforeSeq: number | null, limit: number): Promise<MessageRow[]>;
  /** Up to `limit` messages with `seq > afterSeq`, oldest first. */
  messagesAfter(roomId: string, afterSeq: number, limit: number): Promise<MessageRow[]>;
  /**
   * Messages that match `search`, newest first (by id): never deleted ones, and edited
   * ones by their current text. The index is kept in the transaction of each change.
   */
  search(search: MessageSearch): Promise<MessageRow[]>;
}
