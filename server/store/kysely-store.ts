import { type Compilable, type CompiledQuery, type Kysely, Migrator, sql } from 'kysely';
import type { Database } from './schema.js';
import { type Dialect, migrations } from './migrations.js';
import { type MessageRow, type NewMessage, type RoomRow, type Store, UniqueViolation, type UserRow } from './types.js';

type MessageSelection = {
  id: number | string;
  room_id: string;
  seq: number | string;
  text: string;
  created_at: number | string;
  author_id: number | string;
  author_name: string;
};

const toMessage = (r: MessageSelection): MessageRow => ({
  id: String(r.id),
  roomId: r.room_id,
  seq: Number(r.seq),
  text: r.text,
  author: { id: String(r.author_id), name: r.author_name },
  createdAt: Number(r.created_at),
});

const toRoom = (r: { id: string; name: string; is_private: number | boolean }): RoomRow => ({
  id: r.id,
  name: r.name,
  isPrivate: Boolean(r.is_private),
});

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
 * codes) the dialect says how.
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
  private readonly access = new Precompiled((roomId: string, userId: number) =>
    this.db
      .selectFrom('rooms')
      .leftJoin('room_members', (join) =>
        join.onRef('room_members.room_id', '=', 'rooms.id').on('room_members.user_id', '=', userId),
      )
      .select(['rooms.id', 'rooms.name', 'rooms.is_private', 'room_members.user_id as member'])
      .where('rooms.id', '=', roomId),
  );

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  async migrate(): Promise<void> {
    // Unless told which schema, Kysely takes its migration tables in ANY schema for ours
    // (Migrator #doesTableExist), so a database where another schema has them fails with
    // 'relation "kysely_migration_lock" does not exist'. Pin them to the current schema.
    const migrationTableSchema =
      this.dialect === 'postgres'
        ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(this.db)).rows[0]?.schema
        : undefined;
    const migrator = new Migrator({
      db: this.db,
      provider: { getMigrations: async () => migrations(this.dialect) },
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
    const code = (error as { code?: unknown } | null)?.code;
    return this.dialect === 'sqlite'
      ? code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
      : code === '23505';
  }

  private bool(value: boolean): boolean | number {
    return this.dialect === 'sqlite' ? (value ? 1 : 0) : value;
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
      .executeTakeFirst();
    return row && { id: String(row.id), name: row.name, passwordHash: row.password_hash };
  }

  async userByName(name: string): Promise<UserRow | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'name'])
      .where('name_key', '=', name.toLowerCase())
      .executeTakeFirst();
    return row && { id: String(row.id), name: row.name };
  }

  async usersByIds(ids: readonly string[]): Promise<UserRow[]> {
    const numeric = ids.map(numericId).filter((id): id is number => id !== null);
    if (numeric.length === 0) return [];
    const rows = await this.db.selectFrom('users').select(['id', 'name']).where('id', 'in', numeric).execute();
    return rows.map((r) => ({ id: String(r.id), name: r.name }));
  }

  // --- sessions ------------------------------------------------------------------

  async createSession(tokenHash: string, userId: string, expiresAt: number): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ token_hash: tokenHash, user_id: Number(userId), expires_at: expiresAt, created_at: Date.now() })
      .execute();
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

  async createRoom(room: RoomRow, creatorId: string): Promise<RoomRow> {
    const now = Date.now();
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('rooms')
          .values({ id: room.id, name: room.name, is_private: this.bool(room.isPrivate), last_seq: 0, created_at: now })
          .execute();
        await trx
          .insertInto('room_members')
          .values({ room_id: room.id, user_id: Number(creatorId), joined_at: now })
          .execute();
      });
    } catch (error) {
      if (this.isUniqueViolation(error)) throw new UniqueViolation(`room ${room.id} exists`);
      throw error;
    }
    return room;
  }

  async room(id: string): Promise<RoomRow | undefined> {
    const row = await this.db
      .selectFrom('rooms')
      .select(['id', 'name', 'is_private'])
      .where('id', '=', id)
      .executeTakeFirst();
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
    return row && { ...toRoom(row), isMember: row.member !== null };
  }

  async addMember(roomId: string, userId: string): Promise<void> {
    await this.db
      .insertInto('room_members')
      .values({ room_id: roomId, user_id: Number(userId), joined_at: Date.now() })
      .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
      .execute();
  }

  async roomsVisibleTo(userId: string) {
    const rows = await this.db
      .selectFrom('rooms')
      .leftJoin('room_members', (join) =>
        join.onRef('room_members.room_id', '=', 'rooms.id').on('room_members.user_id', '=', Number(userId)),
      )
      .select(['rooms.id', 'rooms.name', 'rooms.is_private', 'room_members.user_id as member'])
      .where((eb) => eb.or([eb('rooms.is_private', '=', this.bool(false)), eb('room_members.user_id', 'is not', null)]))
      .orderBy('rooms.name')
      .orderBy('rooms.id')
      .execute();
    return rows.map((r) => ({ ...toRoom(r), isMember: r.member !== null }));
  }

  // --- messages ------------------------------------------------------------------

  /** A room's messages, with their authors' names. */
  private roomMessages(roomId: string) {
    return this.db
      .selectFrom('messages')
      .innerJoin('users', 'users.id', 'messages.author_id')
      .select([
        'messages.id',
        'messages.room_id',
        'messages.seq',
        'messages.text',
        'messages.created_at',
        'messages.author_id',
        'users.name as author_name',
      ])
      .where('messages.room_id', '=', roomId);
  }

  private async byClientId(m: NewMessage): Promise<MessageRow | undefined> {
    if (m.clientId === null) return undefined;
    const row = await this.roomMessages(m.roomId)
      .where('messages.author_id', '=', Number(m.author.id))
      .where('messages.client_id', '=', m.clientId)
      .executeTakeFirst();
    return row && toMessage(row);
  }

  async appendMessage(m: NewMessage): Promise<{ message: MessageRow; created: boolean }> {
    const existing = await this.byClientId(m);
    if (existing) return { message: existing, created: false };
    try {
      const message = await this.db.transaction().execute(async (trx) => {
        // Bumping the room's counter takes its row lock (PostgreSQL) or the write lock
        // (SQLite) until commit, so writers to one room commit in seq order and a
        // rolled-back insert leaves no gap.
        const { last_seq } = await trx
          .updateTable('rooms')
          .set({ last_seq: sql`last_seq + 1` })
          .where('id', '=', m.roomId)
          .returning('last_seq')
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
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return {
          id: String(id),
          roomId: m.roomId,
          seq: Number(last_seq),
          text: m.text,
          author: m.author,
          createdAt: m.createdAt,
        };
      });
      return { message, created: true };
    } catch (error) {
      // A concurrent send with the same clientId won the race: answer with its message.
      if (this.isUniqueViolation(error)) {
        const winner = await this.byClientId(m);
        if (winner) return { message: winner, created: false };
      }
      throw error;
    }
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
}
