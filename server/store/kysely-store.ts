import { type Compilable, type CompiledQuery, type Kysely, Migrator, sql } from 'kysely';
import type { Database } from './schema.js';
import { type DialectTraits, fts5Query } from './dialects.js';
import { migrations } from './migrations.js';
import { searchWords } from './search-words.js';
import { KyselyFiles } from './files.js';
import {
  type AccountRow,
  type AttachmentRow,
  type JoinedRoom,
  type FileRow,
  type FileVariant,
  type NewFile,
  type Profile,
  type Membership,
  type MessageChange,
  type MessageSearch,
  type MessageRow,
  type NewMessage,
  type NotificationLevel,
  type RoomChange,
  type ReadState,
  type RoomChangeKind,
  type RoomKind,
  type RoomRole,
  type RoomRow,
  type SessionRow,
  type Store,
  UniqueViolation,
  type UserRow,
  type WebhookRow,
} from './types.js';

type MessageSelection = {
  id: number | string;
  room_id: string;
  seq: number | string;
  text: string;
  created_at: number | string;
  author_id: number | string;
  author_name: string;
  author_is_bot?: number | boolean;
  edited_at: number | string | null;
  deleted_at: number | string | null;
  deleted_by?: number | string | null;
  reply_to_id: number | string | null;
  reactions: string;
  mentions: string;
  attachments?: string;
};

const orNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

type WebhookSelection = {
  id: string;
  room_id: string;
  name: string;
  bot_user_id: number | string;
  bot_name: string;
  created_by: number | string;
  creator_name: string;
  created_at: number | string;
  last_posted_at: number | string | null;
};

const toWebhook = (r: WebhookSelection): WebhookRow => ({
  id: r.id,
  roomId: r.room_id,
  name: r.name,
  bot: { id: String(r.bot_user_id), name: r.bot_name, isBot: true },
  createdBy: { id: String(r.created_by), name: r.creator_name },
  createdAt: Number(r.created_at),
  lastPostedAt: orNull(r.last_posted_at),
});

const toMessage = (r: MessageSelection): MessageRow => ({
  id: String(r.id),
  roomId: r.room_id,
  seq: Number(r.seq),
  text: r.text,
  author: { id: String(r.author_id), name: r.author_name, isBot: Boolean(r.author_is_bot) },
  createdAt: Number(r.created_at),
  editedAt: orNull(r.edited_at),
  deletedAt: orNull(r.deleted_at),
  deletedById: r.deleted_by === null || r.deleted_by === undefined ? null : String(r.deleted_by),
  replyToId: r.reply_to_id === null ? null : String(r.reply_to_id),
  reactions: JSON.parse(r.reactions) as MessageRow['reactions'],
  mentions: JSON.parse(r.mentions) as MessageRow['mentions'],
  attachments: r.attachments ? (JSON.parse(r.attachments) as AttachmentRow[]) : [],
});

/** The columns `toMessage` reads, from `messages` joined with its author. */
const MESSAGE_COLUMNS = [
  'messages.id',
  'messages.room_id',
  'messages.seq',
  'messages.text',
  'messages.created_at',
  'messages.author_id',
  'users.name as author_name',
  'users.is_bot as author_is_bot',
  'messages.edited_at',
  'messages.deleted_at',
  'messages.deleted_by',
  'messages.reply_to_id',
  'messages.reactions',
  'messages.mentions',
  'messages.attachments',
] as const;

type Transaction = Kysely<Database>;

const toRoom = (r: {
  id: string;
  name: string;
  is_private: number | boolean;
  kind: string;
  topic: string | null;
  slow_mode_seconds: number | string;
}): RoomRow => ({
  id: r.id,
  name: r.name,
  isPrivate: Boolean(r.is_private),
  kind: r.kind as RoomKind,
  topic: r.topic,
  slowModeSeconds: Number(r.slow_mode_seconds),
});

/** The columns `toRoom` reads. */
const ROOM_COLUMNS = [
  'rooms.id',
  'rooms.name',
  'rooms.is_private',
  'rooms.kind',
  'rooms.topic',
  'rooms.slow_mode_seconds',
] as const;

/** Ids are opaque strings outside; inside they are integers. Anything else matches nothing. */
const numericId = (id: string): number | null => (/^\d{1,15}$/.test(id) ? Number(id) : null);

/**
 * A query built and compiled once, then run with new values: Kysely would otherwise
 * build, freeze and compile its tree again on every call, which on a history page cost
 * more than PostgreSQL took to answer. `build` receives stand-ins for the arguments;
 * each stand-in's place among the compiled parameters is where the argument goes.
 */
class Precompiled<A extends unknown[], R> {
  private compiled: CompiledQuery<R> | undefined;
  /** For each compiled parameter: the argument it takes, or -1 for a constant. */
  private slots: number[] = [];

  /** `build` declares one parameter per argument (no defaults, no rest): its `length`. */
  constructor(private readonly build: (...args: A) => Compilable<R>) {}

  async run(db: Kysely<Database>, ...args: A): Promise<R[]> {
    const compiled = (this.compiled ??= this.compile());
    const parameters = this.slots.map((slot, i) => (slot === -1 ? compiled.parameters[i] : args[slot]));
    return (await db.executeQuery<R>({ ...compiled, parameters })).rows;
  }

  private compile(): CompiledQuery<R> {
    const standIns = Array.from({ length: this.build.length }, (_, i) => ({ standIn: i }));
    const compiled = this.build(...(standIns as unknown as A)).compile();
    this.slots = compiled.parameters.map((p) => standIns.indexOf(p as { standIn: number }));
    const missing = standIns.findIndex((_, i) => !this.slots.includes(i));
    if (missing !== -1) throw new Error(`argument ${missing} is not a parameter of: ${compiled.sql}`);
    return compiled;
  }
}

/**
 * The `Store` over Kysely, shared by SQLite and PostgreSQL: the SQL here is the
 * common subset of both; where they differ (`is_private`'s type, unique-violation
 * codes, how a room is locked) its `DialectTraits` say how.
 */
export class KyselyStore implements Store {
  // The queries every history page and replay runs (compiled on first use: `this.db`
  // is set by then).
  private readonly newest = new Precompiled((roomId: string, limit: number) =>
    this.roomMessages(roomId).orderBy('messages.seq', 'desc').limit(limit),
  );
  private readonly before = new Precompiled((roomId: string, seq: number, limit: number) =>
    this.roomMessages(roomId).where('messages.seq', '<', seq).orderBy('messages.seq', 'desc').limit(limit),
  );
  private readonly after = new Precompiled((roomId: string, seq: number, limit: number) =>
    this.roomMessages(roomId).where('messages.seq', '>', seq).orderBy('messages.seq', 'asc').limit(limit),
  );
  private readonly changes = new Precompiled((roomId: string, seq: number, limit: number) =>
    this.db
      .selectFrom('room_events as e')
      .leftJoin('messages', 'messages.id', 'e.message_id')
      .leftJoin('users', 'users.id', 'messages.author_id')
      .leftJoin('users as eu', 'eu.id', 'e.user_id')
      .leftJoin('users as ea', 'ea.id', 'e.actor_id')
      .select(MESSAGE_COLUMNS)
      .select([
        'e.seq as event_seq',
        'e.kind as event_kind',
        'e.created_at as event_created_at',
        'e.user_id as event_user_id',
        'eu.name as event_user_name',
        'e.actor_id as event_actor_id',
        'ea.name as event_actor_name',
      ])
      .where('e.room_id', '=', roomId)
      .where('e.seq', '>', seq)
      .orderBy('e.seq', 'asc')
      .limit(limit),
  );
  private readonly access = new Precompiled((roomId: string, userId: number) =>
    this.db
      .selectFrom('rooms')
      .leftJoin('room_members', (join) =>
        join.onRef('room_members.room_id', '=', 'rooms.id').on('room_members.user_id', '=', userId),
      )
      .leftJoin('room_bans', (join) =>
        join.onRef('room_bans.room_id', '=', 'rooms.id').on('room_bans.user_id', '=', userId),
      )
      .select([...ROOM_COLUMNS, 'room_members.user_id as member', 'room_bans.user_id as banned'])
      .where('rooms.id', '=', roomId),
  );

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectTraits,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  /** Files and profiles (store/files.ts), once the dialect's blob store is open. */
  private filesPart: Promise<KyselyFiles> | undefined;
  private files(): Promise<KyselyFiles> {
    return (this.filesPart ??= this.dialect
      .openBlobs(this.db)
      .then((blobs) => new KyselyFiles(this.db, this.dialect, blobs)));
  }

  async migrate(): Promise<void> {
    const migrationTableSchema = await this.dialect.migrationSchema(this.db);
    const migrator = new Migrator({
      db: this.db,
      provider: { getMigrations: async () => migrations(this.dialect.name) },
      ...(migrationTableSchema ? { migrationTableSchema } : {}),
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.onClose();
  }

  private isUniqueViolation(error: unknown): boolean {
    return this.dialect.isUniqueViolation(error);
  }

  private bool(value: boolean): boolean | number {
    return this.dialect.bool(value);
  }

  // --- files and profiles ----------------------------------------------------------

  async reserveFile(file: NewFile, storageMaxBytes: number): Promise<boolean> {
    return (await this.files()).reserveFile(file, storageMaxBytes);
  }

  async writeFileBlob(fileId: string, variant: FileVariant, source: AsyncIterable<Uint8Array>): Promise<number> {
    return (await this.files()).writeFileBlob(fileId, variant, source);
  }

  async finishFile(fileId: string): Promise<void> {
    return (await this.files()).finishFile(fileId);
  }

  async file(fileId: string): Promise<FileRow | undefined> {
    return (await this.files()).file(fileId);
  }

  async *readFileBlob(fileId: string, variant: FileVariant, start: number, end: number): AsyncIterable<Uint8Array> {
    yield* (await this.files()).readFileBlob(fileId, variant, start, end);
  }

  async storageUsed(userId: string): Promise<number> {
    return (await this.files()).storageUsed(userId);
  }

  async deadFiles(orphanBefore: number, limit: number): Promise<string[]> {
    return (await this.files()).deadFiles(orphanBefore, limit);
  }

  async deleteFile(fileId: string, orphanBefore?: number): Promise<boolean> {
    return (await this.files()).deleteFile(fileId, orphanBefore);
  }

  async profiles(userIds: readonly string[]): Promise<Map<string, Profile>> {
    return (await this.files()).profiles(userIds);
  }

  async updateProfile(userId: string, patch: Partial<Profile>): Promise<UserRow & { profile: Profile }> {
    return (await this.files()).updateProfile(userId, patch);
  }

  // --- users ---------------------------------------------------------------------

  async createUser(name: string, passwordHash: string): Promise<UserRow> {
    try {
      const row = await this.db
        .insertInto('users')
        .values({ name, name_key: name.toLowerCase(), password_hash: passwordHash, created_at: Date.now() })
        .returning(['id', 'name'])
        .executeTakeFirstOrThrow();
      return { id: String(row.id), name: row.name };
    } catch (error) {
      if (this.isUniqueViolation(error)) throw new UniqueViolation(`name ${name} is taken`);
      throw error;
    }
  }

  async userCredentials(name: string) {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'name', 'password_hash'])
      .where('name_key', '=', name.toLowerCase())
      .where('is_bot', '=', this.bool(false))
      .executeTakeFirst();
    return row && { id: String(row.id), name: row.name, passwordHash: row.password_hash };
  }

  async userByName(name: string): Promise<UserRow | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'name'])
      .where('name_key', '=', name.toLowerCase())
      // A deleted account keeps its old name as its key (reserved), but no one finds it by it.
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && { id: String(row.id), name: row.name };
  }

  async usersByIds(ids: readonly string[]): Promise<UserRow[]> {
    const numeric = ids.map(numericId).filter((id): id is number => id !== null);
    if (numeric.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'name', 'is_bot'])
      .where('id', 'in', numeric)
      .execute();
    return rows.map((r) => ({ id: String(r.id), name: r.name, isBot: Boolean(r.is_bot) }));
  }

  // --- sessions ------------------------------------------------------------------

  async createSession(
    tokenHash: string,
    userId: string,
    expiresAt: number,
    device?: string,
    name?: string,
  ): Promise<void> {
    const now = Date.now();
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: tokenHash,
        user_id: Number(userId),
        expires_at: expiresAt,
        created_at: now,
        device: device ?? null,
        // A new access token has not been used yet; a sign-in just was.
        last_used_at: name === undefined ? now : null,
        ...(name !== undefined && { name }),
      })
      .execute();
  }

  async sessionsOf(userId: string, now: number, tokens = false): Promise<SessionRow[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select(['token_hash', 'device', 'name', 'created_at', 'last_used_at'])
      .where('user_id', '=', Number(userId))
      .where('expires_at', '>', now)
      .where('name', tokens ? 'is not' : 'is', null)
      .execute();
    return rows
      .map((r) => ({
        tokenHash: r.token_hash,
        device: r.device ?? null,
        name: r.name ?? null,
        createdAt: Number(r.created_at),
        lastUsedAt: r.last_used_at === null || r.last_used_at === undefined ? null : Number(r.last_used_at),
      }))
      .sort((a, b) => (b.lastUsedAt ?? b.createdAt) - (a.lastUsedAt ?? a.createdAt));
  }

  async touchSession(tokenHash: string, now: number, resolutionMs: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_used_at: now })
      .where('token_hash', '=', tokenHash)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now - resolutionMs)]))
      .execute();
  }

  async deleteSessionsOf(userId: string, keep: string | null): Promise<string[]> {
    // Sign-ins only: access tokens are revoked one by one.
    let query = this.db.deleteFrom('sessions').where('user_id', '=', Number(userId)).where('name', 'is', null);
    if (keep !== null) query = query.where('token_hash', '<>', keep);
    const rows = await query.returning('token_hash').execute();
    return rows.map((r) => r.token_hash);
  }

  // --- webhooks ------------------------------------------------------------------

  private webhookRows(db: Transaction = this.db) {
    return db
      .selectFrom('webhooks')
      .innerJoin('users as bot', 'bot.id', 'webhooks.bot_user_id')
      .innerJoin('users as creator', 'creator.id', 'webhooks.created_by')
      .select([
        'webhooks.id',
        'webhooks.room_id',
        'webhooks.name',
        'webhooks.secret_hash',
        'webhooks.bot_user_id',
        'bot.name as bot_name',
        'webhooks.created_by',
        'creator.name as creator_name',
        'webhooks.created_at',
        'webhooks.last_posted_at',
      ]);
  }

  async createWebhook(
    webhook: { id: string; roomId: string; name: string; secretHash: string },
    createdBy: string,
  ): Promise<WebhookRow> {
    const now = Date.now();
    return this.db.transaction().execute(async (trx) => {
      // The bot's key can never be a person's name (those have no ':'), so nobody signs in as it.
      const { id: botId } = await trx
        .insertInto('users')
        .values({
          name: webhook.name,
          name_key: `bot:${webhook.id}`,
          password_hash: '!',
          created_at: now,
          is_bot: this.bool(true),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('webhooks')
        .values({
          id: webhook.id,
          room_id: webhook.roomId,
          name: webhook.name,
          secret_hash: webhook.secretHash,
          bot_user_id: Number(botId),
          created_by: Number(createdBy),
          created_at: now,
          last_posted_at: null,
        })
        .execute();
      const row = await this.webhookRows(trx).where('webhooks.id', '=', webhook.id).executeTakeFirstOrThrow();
      return toWebhook(row);
    });
  }

  async webhook(id: string): Promise<(WebhookRow & { secretHash: string }) | undefined> {
    const row = await this.webhookRows().where('webhooks.id', '=', id).executeTakeFirst();
    return row && { ...toWebhook(row), secretHash: row.secret_hash };
  }

  async webhooksOf(roomId: string): Promise<WebhookRow[]> {
    const rows = await this.webhookRows()
      .where('webhooks.room_id', '=', roomId)
      .orderBy('webhooks.created_at')
      .execute();
    return rows.map(toWebhook);
  }

  async deleteWebhook(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async touchWebhook(id: string, now: number, resolutionMs: number): Promise<void> {
    await this.db
      .updateTable('webhooks')
      .set({ last_posted_at: now })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_posted_at', 'is', null), eb('last_posted_at', '<', now - resolutionMs)]))
      .execute();
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', Number(userId)).execute();
  }

  async sessionUser(tokenHash: string, now: number): Promise<UserRow | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.name'])
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
    return row && { id: String(row.id), name: row.name };
  }

  async deleteSession(tokenHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  // --- rooms ---------------------------------------------------------------------

  /**
   * Creates `room` with its first members, each joining as a change of its feed, in one
   * transaction. Throws the store's unique violation when the id is taken.
   */
  private async insertRoom(room: RoomRow, members: readonly { userId: string; role: RoomRole }[]): Promise<void> {
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('rooms')
        .values({
          id: room.id,
          name: room.name,
          is_private: this.bool(room.isPrivate),
          kind: room.kind,
          topic: room.topic,
          last_seq: 0,
          created_at: now,
          last_activity_at: now,
        })
        .execute();
      await trx
        .insertInto('room_members')
        .values(
          members.map(({ userId, role }) => ({ room_id: room.id, user_id: Number(userId), joined_at: now, role })),
        )
        .execute();
      for (const { userId } of members) {
        const seq = await this.nextChangeSeq(trx, room.id);
        await this.recordChange(trx, room.id, seq, 'MEMBER_JOINED', null, userId, now, userId);
      }
    });
  }

  async createRoom(channel: Pick<RoomRow, 'id' | 'name' | 'isPrivate'>, creatorId: string): Promise<RoomRow> {
    const room: RoomRow = { ...channel, kind: 'CHANNEL', topic: null, slowModeSeconds: 0 };
    try {
      await this.insertRoom(room, [{ userId: creatorId, role: 'OWNER' }]);
    } catch (error) {
      if (this.isUniqueViolation(error)) throw new UniqueViolation(`room ${room.id} exists`);
      throw error;
    }
    return room;
  }

  async room(id: string): Promise<RoomRow | undefined> {
    const row = await this.db.selectFrom('rooms').select(ROOM_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && toRoom(row);
  }

  async isMember(roomId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('room_members')
      .select('room_id')
      .where('room_id', '=', roomId)
      .where('user_id', '=', Number(userId))
      .executeTakeFirst();
    return row !== undefined;
  }

  async roomFor(roomId: string, userId: string) {
    const [row] = await this.access.run(this.db, roomId, Number(userId));
    return row && { ...toRoom(row), isMember: row.member !== null, isBanned: row.banned !== null };
  }

  async isBanned(roomId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('room_bans')
      .select('room_id')
      .where('room_id', '=', roomId)
      .where('user_id', '=', Number(userId))
      .executeTakeFirst();
    return row !== undefined;
  }

  /** A user as a change names them. */
  private async userRow(trx: Transaction, userId: string): Promise<UserRow> {
    const row = await trx
      .selectFrom('users')
      .select(['id', 'name'])
      .where('id', '=', Number(userId))
      .executeTakeFirstOrThrow();
    return { id: String(row.id), name: row.name };
  }

  /** Records a member or room change by `actorId` under the room's lock, and returns it. */
  private async memberChange(
    trx: Transaction,
    roomId: string,
    kind: RoomChangeKind,
    userId: string | null,
    actorId: string,
  ): Promise<RoomChange> {
    const now = Date.now();
    const seq = await this.nextChangeSeq(trx, roomId);
    await this.recordChange(trx, roomId, seq, kind, null, userId, now, actorId);
    const actor = await this.userRow(trx, actorId);
    const user = userId === null ? null : userId === actorId ? actor : await this.userRow(trx, userId);
    return { roomId, seq, kind, message: null, user, actor, createdAt: now };
  }

  async setRole(roomId: string, userId: string, role: RoomRole, actorId: string): Promise<RoomChange | undefined> {
    return this.db.transaction().execute(async (trx) => {
      await this.dialect.lockRoom(trx, roomId);
      const result = await trx
        .updateTable('room_members')
        .set({ role })
        .where('room_id', '=', roomId)
        .where('user_id', '=', Number(userId))
        .where('role', '<>', role)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      return this.memberChange(trx, roomId, 'ROOM_UPDATED', userId, actorId);
    });
  }

  async updateRoom(
    roomId: string,
    patch: { readonly name?: string; readonly topic?: string | null; readonly slowModeSeconds?: number },
    actorId: string,
  ): Promise<{ room: RoomRow; change?: RoomChange } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      await this.dialect.lockRoom(trx, roomId);
      const before = await trx.selectFrom('rooms').select(ROOM_COLUMNS).where('id', '=', roomId).executeTakeFirst();
      if (!before) return undefined;
      const current = toRoom(before);
      const room: RoomRow = {
        ...current,
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.topic !== undefined && { topic: patch.topic }),
        ...(patch.slowModeSeconds !== undefined && { slowModeSeconds: patch.slowModeSeconds }),
      };
      if (
        room.name === current.name &&
        room.topic === current.topic &&
        room.slowModeSeconds === current.slowModeSeconds
      )
        return { room };
      await trx
        .updateTable('rooms')
        .set({ name: room.name, topic: room.topic, slow_mode_seconds: room.slowModeSeconds })
        .where('id', '=', roomId)
        .execute();
      return { room, change: await this.memberChange(trx, roomId, 'ROOM_UPDATED', null, actorId) };
    });
  }

  async removeMember(roomId: string, userId: string, actorId: string, ban: boolean): Promise<RoomChange | undefined> {
    return this.db.transaction().execute(async (trx) => {
      await this.dialect.lockRoom(trx, roomId);
      if (ban)
        await trx
          .insertInto('room_bans')
          .values({ room_id: roomId, user_id: Number(userId), banned_by: Number(actorId), created_at: Date.now() })
          .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
          .execute();
      const result = await trx
        .deleteFrom('room_members')
        .where('room_id', '=', roomId)
        .where('user_id', '=', Number(userId))
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return undefined;
      return this.memberChange(trx, roomId, 'MEMBER_LEFT', userId, actorId);
    });
  }

  async ownerCount(roomId: string): Promise<number> {
    const row = await this.db
      .selectFrom('room_members')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('room_id', '=', roomId)
      .where('role', '=', 'OWNER')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async slowModeWaitMs(roomId: string, authorId: string, seconds: number, now: number): Promise<number> {
    const row = await this.db
      .selectFrom('messages')
      .select('created_at')
      .where('author_id', '=', Number(authorId))
      .where('room_id', '=', roomId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return 0;
    return Math.max(0, Number(row.created_at) + seconds * 1000 - now);
  }

  async addMember(roomId: string, userId: string, actorId: string = userId): Promise<RoomChange | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('room_members')
        .values({ room_id: roomId, user_id: Number(userId), joined_at: Date.now() })
        .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return undefined;
      return this.memberChange(trx, roomId, 'MEMBER_JOINED', userId, actorId);
    });
  }

  async memberCount(roomId: string): Promise<number> {
    const row = await this.db
      .selectFrom('room_members')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('room_id', '=', roomId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async members(roomId: string, afterKey: string | null, limit: number): Promise<(UserRow & { role: RoomRole })[]> {
    let query = this.db
      .selectFrom('room_members')
      .innerJoin('users', 'users.id', 'room_members.user_id')
      .select(['users.id', 'users.name', 'room_members.role'])
      .where('room_members.room_id', '=', roomId);
    if (afterKey !== null) query = query.where('users.name_key', '>', afterKey);
    const rows = await query.orderBy('users.name_key').limit(limit).execute();
    return rows.map((r) => ({ id: String(r.id), name: r.name, role: r.role as RoomRole }));
  }

  async membersOf(roomIds: readonly string[]): Promise<Map<string, UserRow[]>> {
    const members = new Map<string, UserRow[]>();
    if (roomIds.length === 0) return members;
    const rows = await this.db
      .selectFrom('room_members')
      .innerJoin('users', 'users.id', 'room_members.user_id')
      .select(['room_members.room_id', 'users.id', 'users.name'])
      .where('room_members.room_id', 'in', [...roomIds])
      .orderBy('users.name_key')
      .execute();
    for (const row of rows) {
      const list = members.get(row.room_id);
      const user = { id: String(row.id), name: row.name };
      if (list) list.push(user);
      else members.set(row.room_id, [user]);
    }
    return members;
  }

  async roleIn(roomId: string, userId: string): Promise<RoomRole | undefined> {
    const row = await this.db
      .selectFrom('room_members')
      .select('role')
      .where('room_id', '=', roomId)
      .where('user_id', '=', Number(userId))
      .executeTakeFirst();
    return row?.role as RoomRole | undefined;
  }

  async membersNamed(roomId: string, names: readonly string[]): Promise<UserRow[]> {
    if (names.length === 0) return [];
    const rows = await this.db
      .selectFrom('room_members')
      .innerJoin('users', 'users.id', 'room_members.user_id')
      .select(['users.id', 'users.name'])
      .where('room_members.room_id', '=', roomId)
      .where(
        'users.name_key',
        'in',
        names.map((n) => n.toLowerCase()),
      )
      .execute();
    return rows.map((r) => ({ id: String(r.id), name: r.name }));
  }

  async roomsVisibleTo(userId: string) {
    const rows = await this.db
      .selectFrom('rooms')
      .leftJoin('room_members', (join) =>
        join.onRef('room_members.room_id', '=', 'rooms.id').on('room_members.user_id', '=', Number(userId)),
      )
      .select([...ROOM_COLUMNS, 'room_members.user_id as member'])
      .where((eb) => eb.or([eb('rooms.is_private', '=', this.bool(false)), eb('room_members.user_id', 'is not', null)]))
      .orderBy('rooms.last_activity_at', 'desc')
      .orderBy('rooms.id')
      .execute();
    return rows.map((r) => ({ ...toRoom(r), isMember: r.member !== null }));
  }

  // --- messages ------------------------------------------------------------------

  /** Messages with their authors' names. */
  private messages(db: Transaction = this.db) {
    return db.selectFrom('messages').innerJoin('users', 'users.id', 'messages.author_id').select(MESSAGE_COLUMNS);
  }

  /** A room's messages, with their authors' names. */
  private roomMessages(roomId: string) {
    return this.messages().where('messages.room_id', '=', roomId);
  }

  private async byClientId(m: NewMessage): Promise<MessageRow | undefined> {
    if (m.clientId === null) return undefined;
    const row = await this.roomMessages(m.roomId)
      .where('messages.author_id', '=', Number(m.author.id))
      .where('messages.client_id', '=', m.clientId)
      .executeTakeFirst();
    return row && toMessage(row);
  }

  /**
   * Takes the room's next change seq. Bumping the room's counter takes its row lock
   * (PostgreSQL) or the write lock (SQLite) until commit, so the room's changes commit
   * in seq order and a rolled-back change leaves no gap.
   */
  private async nextChangeSeq(trx: Transaction, roomId: string): Promise<number> {
    const { last_event } = await trx
      .updateTable('rooms')
      .set({ last_event: sql`last_event + 1` })
      .where('id', '=', roomId)
      .returning('last_event')
      .executeTakeFirstOrThrow();
    return Number(last_event);
  }

  private async recordChange(
    trx: Transaction,
    roomId: string,
    seq: number,
    kind: RoomChangeKind,
    messageId: string | null,
    userId: string | null,
    createdAt: number,
    actorId: string | null = null,
  ): Promise<void> {
    await trx
      .insertInto('room_events')
      .values({
        room_id: roomId,
        seq,
        kind,
        message_id: messageId === null ? null : Number(messageId),
        user_id: userId === null ? null : Number(userId),
        ...(actorId !== null && { actor_id: Number(actorId) }),
        created_at: createdAt,
      })
      .execute();
  }

  async appendMessage(m: NewMessage): Promise<{ message: MessageRow; created: boolean; change?: RoomChange }> {
    const existing = await this.byClientId(m);
    if (existing) return { message: existing, created: false };
    const words = searchWords(m.text);
    const files = m.attachmentIds?.length ? await this.files() : undefined;
    try {
      return await this.db.transaction().execute(async (trx) => {
        // The message's seq and the change's seq, both under the room's lock (see
        // nextChangeSeq): writers to one room commit in order, with no gap.
        const { last_seq, last_event } = await trx
          .updateTable('rooms')
          .set({ last_seq: sql`last_seq + 1`, last_event: sql`last_event + 1`, last_activity_at: m.createdAt })
          .where('id', '=', m.roomId)
          .returning(['last_seq', 'last_event'])
          .executeTakeFirstOrThrow();
        const { id } = await trx
          .insertInto('messages')
          .values({
            room_id: m.roomId,
            seq: last_seq,
            author_id: Number(m.author.id),
            text: m.text,
            client_id: m.clientId,
            created_at: m.createdAt,
            edited_at: null,
            deleted_at: null,
            reply_to_id: m.replyToId === null ? null : Number(m.replyToId),
            mentions: JSON.stringify(m.mentions),
            ...this.dialect.wordColumns(words),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await this.dialect.indexWords(trx, Number(id), words, false);
        // The files, claimed for this message in its transaction: all of them, or no message.
        const attachments = files ? await files.claim(trx, m.attachmentIds!, m.author, m.roomId, Number(id)) : [];
        if (attachments.length > 0)
          await trx
            .updateTable('messages')
            .set({ attachments: JSON.stringify(attachments) })
            .where('id', '=', id)
            .execute();
        const message: MessageRow = {
          id: String(id),
          roomId: m.roomId,
          seq: Number(last_seq),
          text: m.text,
          author: m.author,
          createdAt: m.createdAt,
          editedAt: null,
          deletedAt: null,
          replyToId: m.replyToId,
          reactions: [],
          mentions: m.mentions,
          attachments,
        };
        const seq = Number(last_event);
        await this.recordChange(trx, m.roomId, seq, 'MESSAGE_ADDED', message.id, null, m.createdAt);
        await this.recordMentions(trx, message);
        // Sending is reading: the author's own messages are never unread.
        await trx
          .updateTable('room_members')
          .set({ read_seq: last_seq })
          .where('room_id', '=', m.roomId)
          .where('user_id', '=', Number(m.author.id))
          .execute();
        const change: RoomChange = {
          roomId: m.roomId,
          seq,
          kind: 'MESSAGE_ADDED',
          message,
          user: null,
          createdAt: m.createdAt,
        };
        return { message, created: true, change };
      });
    } catch (error) {
      // A concurrent send with the same clientId won the race: answer with its message.
      if (this.isUniqueViolation(error)) {
        const winner = await this.byClientId(m);
        if (winner) return { message: winner, created: false };
      }
      throw error;
    }
  }

  async message(messageId: string): Promise<MessageRow | undefined> {
    const id = numericId(messageId);
    if (id === null) return undefined;
    const row = await this.messages().where('messages.id', '=', id).executeTakeFirst();
    return row && toMessage(row);
  }

  async messagesByIds(ids: readonly string[]): Promise<MessageRow[]> {
    const numeric = ids.map(numericId).filter((id): id is number => id !== null);
    if (numeric.length === 0) return [];
    return (await this.messages().where('messages.id', 'in', numeric).execute()).map(toMessage);
  }

  async changeMessage(
    roomId: string,
    messageId: string,
    decide: (current: MessageRow) => MessageChange,
  ): Promise<{ message: MessageRow; change?: RoomChange } | undefined> {
    const id = numericId(messageId);
    if (id === null) return undefined;
    return this.db.transaction().execute(async (trx) => {
      // Lock the room first, then read: every change to the room's messages holds this
      // lock, so `decide` sees the state it replaces.
      await this.dialect.lockRoom(trx, roomId);
      const row = await this.messages(trx)
        .where('messages.id', '=', id)
        .where('messages.room_id', '=', roomId)
        .executeTakeFirst();
      if (!row) return undefined;
      const current = toMessage(row);
      const decided = decide(current);
      if (decided === null) return { message: current };
      const now = Date.now();
      const message: MessageRow = {
        ...current,
        ...(decided.text !== undefined && { text: decided.text }),
        ...(decided.editedAt !== undefined && { editedAt: decided.editedAt }),
        ...(decided.deletedAt !== undefined && { deletedAt: decided.deletedAt }),
        ...(decided.deletedBy !== undefined && { deletedById: decided.deletedBy }),
        ...(decided.reactions !== undefined && { reactions: decided.reactions }),
        ...(decided.mentions !== undefined && { mentions: decided.mentions }),
        // A deleted message's files are no one's to read (the sweep removes their bytes).
        ...(decided.deletedAt !== undefined && { attachments: [] }),
      };
      if (decided.mentions !== undefined) {
        await trx.deleteFrom('message_mentions').where('message_id', '=', id).execute();
        await this.recordMentions(trx, message);
      }
      // Search finds a message by its current text only, and never once deleted.
      const reindex = message.text !== current.text || message.deletedAt !== current.deletedAt;
      const words = message.deletedAt === null ? searchWords(message.text) : null;
      await trx
        .updateTable('messages')
        .set({
          text: message.text,
          edited_at: message.editedAt,
          deleted_at: message.deletedAt,
          deleted_by:
            message.deletedById === null || message.deletedById === undefined ? null : Number(message.deletedById),
          reactions: JSON.stringify(message.reactions),
          mentions: JSON.stringify(message.mentions),
          ...(message.deletedAt !== null && { attachments: '[]' }),
          ...(reindex && this.dialect.wordColumns(words)),
        })
        .where('id', '=', id)
        .execute();
      if (reindex) await this.dialect.indexWords(trx, id, words, true);
      const seq = await this.nextChangeSeq(trx, roomId);
      await this.recordChange(trx, roomId, seq, decided.kind, message.id, null, now);
      const change: RoomChange = { roomId, seq, kind: decided.kind, message, user: null, createdAt: now };
      return { message, change };
    });
  }

  /** Who `message` mentions, where mention counts look. */
  private async recordMentions(trx: Transaction, message: MessageRow): Promise<void> {
    if (message.mentions.length === 0) return;
    await trx
      .insertInto('message_mentions')
      .values(
        message.mentions.map((user) => ({
          room_id: message.roomId,
          user_id: Number(user.id),
          seq: message.seq,
          message_id: Number(message.id),
        })),
      )
      .execute();
  }

  async openDirect(id: string, name: string, memberIds: readonly string[]) {
    const room: RoomRow = { id, name, isPrivate: true, kind: 'DIRECT', topic: null, slowModeSeconds: 0 };
    try {
      await this.insertRoom(
        room,
        memberIds.map((userId) => ({ userId, role: 'MEMBER' })),
      );
      return { room, created: true };
    } catch (error) {
      // Another opener of the same conversation won the race: its room is the room.
      if (!this.isUniqueViolation(error)) throw error;
      const existing = await this.room(id);
      if (existing?.kind !== 'DIRECT') throw new Error(`room ${id} exists and is not a direct room`);
      return { room, created: false };
    }
  }

  async memberships(userId: string, roomId?: string): Promise<Membership[]> {
    const user = Number(userId);
    let rooms = this.db
      .selectFrom('room_members')
      .innerJoin('rooms', 'rooms.id', 'room_members.room_id')
      .select([
        ...ROOM_COLUMNS,
        'rooms.last_seq',
        'room_members.role',
        'room_members.read_seq',
        'room_members.notification_level',
      ])
      .where('room_members.user_id', '=', user);
    let mentions = this.db
      .selectFrom('message_mentions')
      .innerJoin('room_members', (join) =>
        join
          .onRef('room_members.room_id', '=', 'message_mentions.room_id')
          .onRef('room_members.user_id', '=', 'message_mentions.user_id'),
      )
      .select(['message_mentions.room_id', 'message_mentions.seq'])
      .where('message_mentions.user_id', '=', user)
      .whereRef('message_mentions.seq', '>', 'room_members.read_seq');
    if (roomId !== undefined) {
      rooms = rooms.where('room_members.room_id', '=', roomId);
      mentions = mentions.where('message_mentions.room_id', '=', roomId);
    }
    const [roomRows, mentionRows] = await Promise.all([
      rooms.execute(),
      mentions.orderBy('message_mentions.seq').execute(),
    ]);
    const seqs = new Map<string, number[]>();
    for (const m of mentionRows) {
      const list = seqs.get(m.room_id);
      if (list) list.push(Number(m.seq));
      else seqs.set(m.room_id, [Number(m.seq)]);
    }
    return roomRows.map((r) => ({
      room: toRoom(r),
      role: r.role as RoomRole,
      lastSeq: Number(r.last_seq),
      readSeq: Number(r.read_seq),
      level: r.notification_level as NotificationLevel | null,
      mentionSeqs: seqs.get(r.id) ?? [],
    }));
  }

  async setNotificationLevel(roomId: string, userId: string, level: NotificationLevel | null): Promise<boolean> {
    const result = await this.db
      .updateTable('room_members')
      .set({ notification_level: level })
      .where('room_id', '=', roomId)
      .where('user_id', '=', Number(userId))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async usersByPrefix(prefix: string, limit: number): Promise<UserRow[]> {
    const pattern = prefix.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'name'])
      .where(sql<boolean>`name_key like ${pattern} escape '\\'`)
      .where('deleted_at', 'is', null)
      .orderBy('name_key')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: String(r.id), name: r.name }));
  }

  async search(search: MessageSearch): Promise<MessageRow[]> {
    if (search.terms.length > 0 && this.dialect.name === 'sqlite') return this.searchFts5(search);
    let query = this.messages().where('messages.deleted_at', 'is', null);
    if (search.terms.length > 0) query = query.where(this.dialect.matches(search.terms));
    query =
      search.roomId !== null
        ? query.where('messages.room_id', '=', search.roomId)
        : query.where('messages.room_id', 'in', (eb) =>
            eb.selectFrom('room_members').select('room_id').where('user_id', '=', Number(search.userId)),
          );
    if (search.authorId !== null) query = query.where('messages.author_id', '=', Number(search.authorId));
    const before = search.beforeId === null ? null : numericId(search.beforeId);
    if (before !== null) query = query.where('messages.id', '<', before);
    const rows = await query.orderBy('messages.id', 'desc').limit(search.limit).execute();
    return rows.map(toMessage);
  }

  /**
   * SQLite: walk the FTS5 matches newest first (its rowid is the message id) and stop at
   * the page's end, instead of collecting every match first: a common word matches
   * hundreds of thousands of messages. CROSS JOIN keeps the FTS table the outer loop.
   */
  private async searchFts5(search: MessageSearch): Promise<MessageRow[]> {
    const before = search.beforeId === null ? null : numericId(search.beforeId);
    const rows = await sql<MessageSelection>`
      select ${sql.raw(MESSAGE_COLUMNS.join(', '))}
      from message_words cross join messages on messages.id = message_words.rowid
      join users on users.id = messages.author_id
      where message_words match ${fts5Query(search.terms)}
        and messages.deleted_at is null
        and ${
          search.roomId !== null
            ? sql`messages.room_id = ${search.roomId}`
            : sql`messages.room_id in (select room_id from room_members where user_id = ${Number(search.userId)})`
        }
        ${search.authorId !== null ? sql`and messages.author_id = ${Number(search.authorId)}` : sql``}
        ${before !== null ? sql`and message_words.rowid < ${before}` : sql``}
      order by message_words.rowid desc
      limit ${search.limit}`.execute(this.db);
    return rows.rows.map(toMessage);
  }

  async readStates(roomIds: readonly string[], userId: string): Promise<Map<string, ReadState>> {
    const states = new Map<string, ReadState>();
    if (roomIds.length === 0) return states;
    const user = Number(userId);
    const [rows, mentions] = await Promise.all([
      this.db
        .selectFrom('rooms')
        .leftJoin('room_members', (join) =>
          join.onRef('room_members.room_id', '=', 'rooms.id').on('room_members.user_id', '=', user),
        )
        .select([
          'rooms.id',
          'rooms.last_seq',
          'room_members.read_seq',
          'room_members.user_id as member',
          'room_members.notification_level',
        ])
        .where('rooms.id', 'in', roomIds)
        .execute(),
      this.db
        .selectFrom('message_mentions')
        .innerJoin('room_members', (join) =>
          join
            .onRef('room_members.room_id', '=', 'message_mentions.room_id')
            .onRef('room_members.user_id', '=', 'message_mentions.user_id'),
        )
        .select(['message_mentions.room_id', (eb) => eb.fn.countAll().as('count')])
        .where('message_mentions.user_id', '=', user)
        .where('message_mentions.room_id', 'in', roomIds)
        .whereRef('message_mentions.seq', '>', 'room_members.read_seq')
        .groupBy('message_mentions.room_id')
        .execute(),
    ]);
    const mentionsIn = new Map(mentions.map((m) => [m.room_id, Number(m.count)]));
    for (const row of rows) {
      const isMember = row.member !== null;
      states.set(row.id, {
        lastSeq: Number(row.last_seq),
        readSeq: isMember ? Number(row.read_seq) : 0,
        mentions: mentionsIn.get(row.id) ?? 0,
        isMember,
        level: row.notification_level as NotificationLevel | null,
      });
    }
    return states;
  }

  async markRead(roomId: string, userId: string, seq: number): Promise<void> {
    await this.db
      .updateTable('room_members')
      .set({ read_seq: seq })
      .where('room_id', '=', roomId)
      .where('user_id', '=', Number(userId))
      .where('read_seq', '<', seq)
      .execute();
  }

  async lastMessages(roomIds: readonly string[]): Promise<Map<string, MessageRow>> {
    if (roomIds.length === 0) return new Map();
    const rows = await this.messages()
      .innerJoin('rooms', (join) =>
        join.onRef('rooms.id', '=', 'messages.room_id').onRef('rooms.last_seq', '=', 'messages.seq'),
      )
      .where('rooms.id', 'in', roomIds)
      .execute();
    return new Map(rows.map((row) => [row.room_id, toMessage(row)]));
  }

  async lastChangeSeq(roomId: string): Promise<number> {
    const row = await this.db.selectFrom('rooms').select('last_event').where('id', '=', roomId).executeTakeFirst();
    return row ? Number(row.last_event) : 0;
  }

  async changesAfter(roomId: string, afterSeq: number, limit: number): Promise<RoomChange[]> {
    const rows = await this.changes.run(this.db, roomId, afterSeq, limit);
    return rows.map((r) => ({
      roomId,
      seq: Number(r.event_seq),
      kind: r.event_kind as RoomChangeKind,
      message: r.id === null ? null : toMessage(r as MessageSelection),
      user: r.event_user_id === null ? null : { id: String(r.event_user_id), name: r.event_user_name! },
      actor:
        r.event_actor_id === null || r.event_actor_id === undefined
          ? null
          : { id: String(r.event_actor_id), name: r.event_actor_name! },
      createdAt: Number(r.event_created_at),
    }));
  }

  async lastSeq(roomId: string): Promise<number> {
    const row = await this.db.selectFrom('rooms').select('last_seq').where('id', '=', roomId).executeTakeFirst();
    return row ? Number(row.last_seq) : 0;
  }

  async messageSeq(roomId: string, messageId: string): Promise<number | undefined> {
    const id = numericId(messageId);
    if (id === null) return undefined;
    const row = await this.db
      .selectFrom('messages')
      .select('seq')
      .where('id', '=', id)
      .where('room_id', '=', roomId)
      .executeTakeFirst();
    return row ? Number(row.seq) : undefined;
  }

  async messagesBefore(roomId: string, beforeSeq: number | null, limit: number): Promise<MessageRow[]> {
    const rows =
      beforeSeq === null
        ? await this.newest.run(this.db, roomId, limit)
        : await this.before.run(this.db, roomId, beforeSeq, limit);
    return rows.reverse().map(toMessage);
  }

  async messagesAfter(roomId: string, afterSeq: number, limit: number): Promise<MessageRow[]> {
    return (await this.after.run(this.db, roomId, afterSeq, limit)).map(toMessage);
  }

  // --- accounts (server/account/) ---------------------------------------------------

  async account(userId: string): Promise<AccountRow | undefined> {
    const id = numericId(userId);
    if (id === null) return undefined;
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'name', 'display_name', 'avatar_file_id', 'created_at', 'deleted_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return (
      row && {
        id: String(row.id),
        name: row.name,
        displayName: row.display_name ?? null,
        avatarId: row.avatar_file_id ?? null,
        createdAt: Number(row.created_at),
        deletedAt: orNull(row.deleted_at ?? null),
      }
    );
  }

  async joinedRooms(userId: string): Promise<JoinedRoom[]> {
    const rows = await this.db
      .selectFrom('room_members')
      .innerJoin('rooms', 'rooms.id', 'room_members.room_id')
      .select([...ROOM_COLUMNS, 'room_members.role', 'room_members.joined_at'])
      .where('room_members.user_id', '=', Number(userId))
      .orderBy('room_members.joined_at')
      .orderBy('rooms.id')
      .execute();
    return rows.map((r) => ({ room: toRoom(r), role: r.role as RoomRole, joinedAt: Number(r.joined_at) }));
  }

  async messagesByAuthor(authorId: string, afterId: string | null, limit: number): Promise<MessageRow[]> {
    let query = this.messages().where('messages.author_id', '=', Number(authorId));
    if (afterId !== null) query = query.where('messages.id', '>', Number(afterId));
    return (await query.orderBy('messages.id').limit(limit).execute()).map(toMessage);
  }

  async messagesReactedBy(userId: string, afterId: string | null, limit: number): Promise<MessageRow[]> {
    // Reactions are JSON beside each message; its user ids are quoted strings there.
    const pattern = `%"${String(Number(userId))}"%`;
    let query = this.messages()
      .where('messages.deleted_at', 'is', null)
      .where(sql<boolean>`messages.reactions like ${pattern}`);
    if (afterId !== null) query = query.where('messages.id', '>', Number(afterId));
    return (await query.orderBy('messages.id').limit(limit).execute()).map(toMessage);
  }

  async webhooksCreatedBy(userId: string): Promise<WebhookRow[]> {
    const rows = await this.webhookRows()
      .where('webhooks.created_by', '=', Number(userId))
      .orderBy('webhooks.created_at')
      .execute();
    return rows.map(toWebhook);
  }

  async successorIn(roomId: string, userId: string): Promise<UserRow | undefined> {
    const row = await this.db
      .selectFrom('room_members')
      .innerJoin('users', 'users.id', 'room_members.user_id')
      .select(['users.id', 'users.name'])
      .where('room_members.room_id', '=', roomId)
      .where('room_members.user_id', '<>', Number(userId))
      .where('users.is_bot', '=', this.bool(false))
      .where('users.deleted_at', 'is', null)
      .orderBy(sql`case when room_members.role = 'MODERATOR' then 0 else 1 end`)
      .orderBy('room_members.joined_at')
      .orderBy('users.id')
      .executeTakeFirst();
    return row && { id: String(row.id), name: row.name };
  }

  async deleteAccount(userId: string, deletedName: string, passwordHash: string, now: number): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const sessions = await trx
        .deleteFrom('sessions')
        .where('user_id', '=', Number(userId))
        .returning('token_hash')
        .execute();
      await trx.deleteFrom('webhooks').where('created_by', '=', Number(userId)).execute();
      await trx
        .updateTable('users')
        .set({
          name: deletedName,
          display_name: null,
          avatar_file_id: null,
          password_hash: passwordHash,
          deleted_at: now,
        })
        .where('id', '=', Number(userId))
        .execute();
      return sessions.map((r) => r.token_hash);
    });
  }
}
