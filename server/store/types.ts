/**
 * The one storage interface the resolvers see. The embedded SQLite store and the
 * PostgreSQL store both implement it and both pass `test/store/store.contract.ts`.
 * Row types double as codegen mappers: a resolver receives exactly these shapes.
 */

export interface UserRow {
  readonly id: string;
  readonly name: string;
}

export interface RoomRow {
  readonly id: string;
  readonly name: string;
  readonly isPrivate: boolean;
}

export interface MessageRow {
  readonly id: string;
  readonly roomId: string;
  /** Position in the room: 1, 2, 3… with no gap, assigned atomically at commit. */
  readonly seq: number;
  readonly text: string;
  readonly author: UserRow;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

export interface NewMessage {
  readonly roomId: string;
  readonly author: UserRow;
  readonly text: string;
  readonly clientId: string | null;
  readonly createdAt: number;
}

/** A unique key was taken (a user name, a room id). */
export class UniqueViolation extends Error {
  override name = 'UniqueViolation';
}

export interface Store {
  /** Applies pending migrations; safe to run from several nodes at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Throws `UniqueViolation` when the name is taken without regard to case. */
  createUser(name: string, passwordHash: string): Promise<UserRow>;
  userCredentials(name: string): Promise<(UserRow & { passwordHash: string }) | undefined>;
  usersByIds(ids: readonly string[]): Promise<UserRow[]>;
  userByName(name: string): Promise<UserRow | undefined>;

  createSession(tokenHash: string, userId: string, expiresAt: number): Promise<void>;
  /** The session's user while it exists and has not expired at `now`. */
  sessionUser(tokenHash: string, now: number): Promise<UserRow | undefined>;
  deleteSession(tokenHash: string): Promise<boolean>;

  /** Throws `UniqueViolation` when the id is taken. */
  createRoom(room: RoomRow, creatorId: string): Promise<RoomRow>;
  room(id: string): Promise<RoomRow | undefined>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** The room and whether `userId` belongs to it, in one query. */
  roomFor(roomId: string, userId: string): Promise<(RoomRow & { isMember: boolean }) | undefined>;
  /** Idempotent. */
  addMember(roomId: string, userId: string): Promise<void>;
  /** Public rooms and the private rooms `userId` belongs to, by name. */
  roomsVisibleTo(userId: string): Promise<(RoomRow & { isMember: boolean })[]>;

  /**
   * Appends a message with the room's next `seq`, atomically. With a `clientId` that
   * this author already used in this room, returns that message and `created: false`.
   */
  appendMessage(message: NewMessage): Promise<{ message: MessageRow; created: boolean }>;
  /** The room's newest `seq` (0 when empty). */
  lastSeq(roomId: string): Promise<number>;
  /** The `seq` of message `messageId` if it belongs to `roomId`. */
  messageSeq(roomId: string, messageId: string): Promise<number | undefined>;
  /** Up to `limit` messages with `seq < beforeSeq` (or the newest), oldest first. */
  messagesBefore(roomId: string, beforeSeq: number | null, limit: number): Promise<MessageRow[]>;
  /** Up to `limit` messages with `seq > afterSeq`, oldest first. */
  messagesAfter(roomId: string, afterSeq: number, limit: number): Promise<MessageRow[]>;
}
