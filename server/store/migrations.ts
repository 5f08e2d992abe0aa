import { type ColumnDefinitionBuilder, type Kysely, type Migration, sql } from 'kysely';
import { searchWords } from './search-words.js';

/** Messages read at a time while a migration indexes what is there. */
const MIGRATION_BATCH = 1_000;

export type Dialect = 'sqlite' | 'postgres';

/**
 * Versioned migrations, applied in name order at start by Kysely's Migrator (which
 * takes a lock, so several nodes starting together apply each one once). Never edit
 * a migration that has shipped: add the next one.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const id = (c: ColumnDefinitionBuilder) =>
    dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity();
  const idType = dialect === 'sqlite' ? 'integer' : 'bigint';
  const ref = dialect === 'sqlite' ? 'integer' : 'bigint';
  const bool = dialect === 'sqlite' ? 'integer' : 'boolean';

  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('id', idType, id)
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('name_key', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

        await db.schema
          .createTable('rooms')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('is_private', bool, (c) => c.notNull())
          .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('room_members')
          .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
          .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('joined_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('room_members_pk', ['room_id', 'user_id'])
          .execute();
        await db.schema.createIndex('room_members_user').on('room_members').column('user_id').execute();

        await db.schema
          .createTable('messages')
          .addColumn('id', idType, id)
          .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('author_id', ref, (c) => c.notNull().references('users.id'))
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('client_id', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        // The room's order, and the index every history page and replay walks.
        await db.schema.createIndex('messages_room_seq').unique().on('messages').columns(['room_id', 'seq']).execute();
        // Idempotent sends: one message per (room, author, clientId).
        await db.schema
          .createIndex('messages_client_id')
          .unique()
          .on('messages')
          .columns(['room_id', 'author_id', 'client_id'])
          .where(sql.ref('client_id'), 'is not', null)
          .execute();

        await db
          .insertInto('rooms' as never)
          .values({
            id: 'general',
            name: 'General',
            is_private: dialect === 'sqlite' ? 0 : false,
            last_seq: 0,
            created_at: Date.now(),
          } as never)
          .execute();
      },
    },
    '0002_changes': {
      // Messages that change (edit, delete, reply, react, mention) and the room's change
      // feed. Existing messages become the feed's first changes (MESSAGE_ADDED, at their
      // own seq), so cursors continue from them.
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('rooms')
          .addColumn('last_event', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .alterTable('room_members')
          .addColumn('role', 'text', (c) => c.notNull().defaultTo('MEMBER'))
          .execute();
        for (const column of ['edited_at', 'deleted_at'])
          await db.schema.alterTable('messages').addColumn(column, 'bigint').execute();
        await db.schema
          .alterTable('messages')
          .addColumn('reply_to_id', ref, (c) => c.references('messages.id'))
          .execute();
        // Reactions and mentions are read with every message and change under the room's
        // lock only: kept with the message as JSON, one row read per message.
        for (const column of ['reactions', 'mentions'])
          await db.schema
            .alterTable('messages')
            .addColumn(column, 'text', (c) => c.notNull().defaultTo('[]'))
            .execute();

        await db.schema
          .createTable('room_events')
          .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('message_id', ref, (c) => c.references('messages.id').onDelete('cascade'))
          .addColumn('user_id', ref, (c) => c.references('users.id').onDelete('cascade'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('room_events_pk', ['room_id', 'seq'])
          .execute();

        await sql`insert into room_events (room_id, seq, kind, message_id, created_at)
                  select room_id, seq, 'MESSAGE_ADDED', id, created_at from messages`.execute(db);
        await sql`update rooms set last_event = last_seq`.execute(db);
        // Everyone is a member of general from the start (new accounts join it at sign-up).
        await sql`insert into room_members (room_id, user_id, joined_at, role)
                  select 'general', u.id, u.created_at, 'MEMBER' from users u
                  where exists (select 1 from rooms where id = 'general')
                    and not exists (select 1 from room_members m where m.room_id = 'general' and m.user_id = u.id)`.execute(
          db,
        );
      },
    },
    '0003_direct_and_read_state': {
      // Direct rooms, topics, the order of `rooms`, read markers and mention counts.
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('rooms')
          .addColumn('kind', 'text', (c) => c.notNull().defaultTo('CHANNEL'))
          .execute();
        await db.schema.alterTable('rooms').addColumn('topic', 'text').execute();
        await db.schema
          .alterTable('rooms')
          .addColumn('last_activity_at', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        await sql`update rooms set last_activity_at = coalesce(
                    (select max(m.created_at) from messages m where m.room_id = rooms.id), rooms.created_at)`.execute(
          db,
        );
        await db.schema.createIndex('rooms_activity').on('rooms').columns(['last_activity_at', 'id']).execute();
        await db.schema
          .alterTable('room_members')
          .addColumn('read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        // What was there before read markers existed counts as read.
        await sql`update room_members set read_seq = (select r.last_seq from rooms r where r.id = room_members.room_id)`.execute(
          db,
        );

        await db.schema
          .createTable('message_mentions')
          .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
          .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('seq', 'bigint', (c) => c.notNull())
          .addColumn('message_id', ref, (c) => c.notNull().references('messages.id').onDelete('cascade'))
          .addPrimaryKeyConstraint('message_mentions_pk', ['room_id', 'user_id', 'seq'])
          .execute();
        await db.schema.createIndex('message_mentions_message').on('message_mentions').column('message_id').execute();
        // Mentions so far are in the messages' JSON (0002); the table takes them over.
        const rows = await sql<{ id: number | string; room_id: string; seq: number | string; mentions: string }>`
          select id, room_id, seq, mentions from messages where mentions <> '[]'`.execute(db);
        for (const row of rows.rows) {
          for (const user of JSON.parse(row.mentions) as { id: string }[]) {
            await sql`insert into message_mentions (room_id, user_id, seq, message_id)
                      values (${row.room_id}, ${Number(user.id)}, ${row.seq}, ${row.id})`.execute(db);
          }
        }
      },
    },
    '0004_notification_levels': {
      // What each member hears of a room; null keeps the room kind's default.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('room_members').addColumn('notification_level', 'text').execute();
      },
    },
    '0005_search': {
      // Full-text search of messages, each store with its own engine. The words are
      // folded here (store/search-words.ts), the same for both and for queries.
      async up(db: Kysely<unknown>) {
        if (dialect === 'sqlite') {
          // prefix: 2- and 3-character prefixes indexed as themselves, so a short prefix
          // is one list to walk rather than a merge of every word it starts.
          await sql`create virtual table message_words using fts5(
                      words, content = '', contentless_delete = 1, prefix = '2 3',
                      tokenize = 'unicode61 remove_diacritics 0')`.execute(db);
        } else {
          await sql`alter table messages add column words tsvector`.execute(db);
        }
        // What is there already, in batches.
        let after = 0;
        for (;;) {
          const rows = (
            await sql<{ id: number | string; text: string }>`
              select id, text from messages where id > ${after} and deleted_at is null order by id limit ${MIGRATION_BATCH}`.execute(
              db,
            )
          ).rows;
          if (rows.length === 0) break;
          for (const row of rows) {
            const words = searchWords(row.text);
            if (!words) continue;
            if (dialect === 'sqlite')
              await sql`insert into message_words (rowid, words) values (${Number(row.id)}, ${words})`.execute(db);
            else
              await sql`update messages set words = to_tsvector('simple', ${words}) where id = ${row.id}`.execute(db);
          }
          after = Number(rows.at(-1)!.id);
        }
        if (dialect === 'postgres') await sql`create index messages_words on messages using gin (words)`.execute(db);
        // `from:name`: an author's messages, newest first.
        await db.schema.createIndex('messages_author').on('messages').columns(['author_id', 'id']).execute();
      },
    },
    '0006_moderation': {
      // Slow mode, who made each member or room change, and bans.
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('rooms')
          .addColumn('slow_mode_seconds', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.alterTable('room_events').addColumn('actor_id', ref).execute();
        await db.schema
          .createTable('room_bans')
          .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
          .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('banned_by', ref)
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('room_bans_pk', ['room_id', 'user_id'])
          .execute();
      },
    },
    '0007_account_sessions': {
      // Which device each session is, and when it was last used: for "your sessions".
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('sessions').addColumn('device', 'text').execute();
        await db.schema.alterTable('sessions').addColumn('last_used_at', 'bigint').execute();
      },
    },
    '0008_deleted_by': {
      // Who deleted a message: its author, or a moderator whose tombstone says so.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('messages').addColumn('deleted_by', ref).execute();
      },
    },
    '0009_access_tokens': {
      // Personal access tokens are sessions with a name that do not expire by themselves.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('sessions').addColumn('name', 'text').execute();
      },
    },
    '0010_webhooks': {
      // Incoming webhooks, each posting as a bot user of its own that cannot sign in.
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('users')
          .addColumn('is_bot', bool, (c) => c.notNull().defaultTo(dialect === 'sqlite' ? 0 : false))
          .execute();
        await db.schema
          .createTable('webhooks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('secret_hash', 'text', (c) => c.notNull())
          .addColumn('bot_user_id', ref, (c) => c.notNull().references('users.id'))
          .addColumn('created_by', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('last_posted_at', 'bigint')
          .execute();
        await db.schema.createIndex('webhooks_room').on('webhooks').column('room_id').execute();
      },
    },
    '0011_files': {
      // Uploaded files and profiles. A file's bytes live in `file_blobs` on PostgreSQL (every
      // node serves them) and on disk beside the SQLite database; its row says who may read it.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('files')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('owner_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('room_id', 'text')
          .addColumn('message_id', ref)
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('content_type', 'text', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('width', 'integer')
          .addColumn('height', 'integer')
          .addColumn('thumbnail_size', 'bigint')
          .addColumn('etag', 'text', (c) => c.notNull())
          .addColumn('ready', bool, (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('files_owner').on('files').column('owner_id').execute();
        await db.schema.createIndex('files_message').on('files').column('message_id').execute();
        await db.schema.createIndex('files_created').on('files').column('created_at').execute();
        if (dialect === 'postgres') {
          await db.schema
            .createTable('file_blobs')
            .addColumn('key', 'text', (c) => c.notNull())
            .addColumn('part', 'integer', (c) => c.notNull())
            .addColumn('data', 'bytea', (c) => c.notNull())
            .addPrimaryKeyConstraint('file_blobs_pk', ['key', 'part'])
            .execute();
        }
        // What a message shows of its files, kept with it like its reactions: JSON, AttachmentRow[].
        await db.schema
          .alterTable('messages')
          .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
          .execute();
        await db.schema.alterTable('users').addColumn('display_name', 'text').execute();
        await db.schema.alterTable('users').addColumn('avatar_file_id', 'text').execute();
      },
    },
    '0012_deleted_accounts': {
      // When an account was deleted (expand-only: a nullable column). The row stays, with
      // a stand-in name, so the messages it wrote keep an author.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();
      },
    },
  };
}
