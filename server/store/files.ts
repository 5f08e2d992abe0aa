import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { BlobStore } from './blobs.js';
import type { DialectTraits } from './dialects.js';
import type { Database } from './schema.js';
import {
  type AttachmentRow,
  AttachmentUnavailable,
  type FileKind,
  type FileRow,
  type FileStore,
  type FileVariant,
  type NewFile,
  type Profile,
  type UserRow,
} from './types.js';

type FileSelection = {
  id: string;
  owner_id: number | string;
  room_id: string | null;
  message_id: number | string | null;
  kind: string;
  name: string;
  content_type: string;
  size: number | string;
  width: number | null;
  height: number | null;
  thumbnail_size: number | string | null;
  etag: string;
  created_at: number | string;
  message_deleted_at: number | string | null;
};

const toFile = (r: FileSelection): FileRow => ({
  id: r.id,
  ownerId: String(r.owner_id),
  roomId: r.room_id,
  messageId: r.message_id === null ? null : String(r.message_id),
  messageDeleted: r.message_id !== null && r.message_deleted_at !== null,
  kind: r.kind as FileKind,
  name: r.name,
  contentType: r.content_type,
  size: Number(r.size),
  width: r.width === null ? null : Number(r.width),
  height: r.height === null ? null : Number(r.height),
  thumbnail: r.thumbnail_size !== null,
  thumbnailSize: r.thumbnail_size === null ? null : Number(r.thumbnail_size),
  etag: r.etag,
  createdAt: Number(r.created_at),
});

/** What a message keeps of a file. */
export const toAttachment = (f: AttachmentRow): AttachmentRow => ({
  id: f.id,
  name: f.name,
  contentType: f.contentType,
  size: f.size,
  width: f.width,
  height: f.height,
  thumbnail: f.thumbnail,
});

const blobKey = (fileId: string, variant: FileVariant): string => (variant === 'file' ? fileId : `${fileId}.thumbnail`);

/** Both of a file's possible blobs. */
const blobKeys = (fileId: string): string[] => [blobKey(fileId, 'file'), blobKey(fileId, 'thumbnail')];

const toProfile = (r: { display_name?: string | null; avatar_file_id?: string | null }): Profile => ({
  displayName: r.display_name ?? null,
  avatarId: r.avatar_file_id ?? null,
});

/** Ids are opaque strings outside; inside, users' are integers. */
const numericId = (id: string): number | null => (/^\d{1,15}$/.test(id) ? Number(id) : null);

/** The files and profiles part of the Kysely store (see FileStore). */
export class KyselyFiles implements FileStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectTraits,
    private readonly blobs: BlobStore,
  ) {}

  async reserveFile(file: NewFile, storageMaxBytes: number): Promise<boolean> {
    const { db } = this;
    // One statement: the quota is read where the row is written.
    const used = db
      .selectFrom('files')
      .select(sql<number>`coalesce(sum(size + coalesce(thumbnail_size, 0)), 0)`.as('used'))
      .where('owner_id', '=', Number(file.ownerId));
    const result = await db
      .insertInto('files')
      .columns([
        'id',
        'owner_id',
        'room_id',
        'message_id',
        'kind',
        'name',
        'content_type',
        'size',
        'width',
        'height',
        'thumbnail_size',
        'etag',
        'ready',
        'created_at',
      ])
      .expression(
        db
          .selectNoFrom([
            sql.val(file.id).as('id'),
            sql.val(Number(file.ownerId)).as('owner_id'),
            sql.val(file.roomId).as('room_id'),
            sql.val(null).as('message_id'),
            sql.val(file.kind).as('kind'),
            sql.val(file.name).as('name'),
            sql.val(file.contentType).as('content_type'),
            sql.val(file.size).as('size'),
            sql.val(file.width).as('width'),
            sql.val(file.height).as('height'),
            sql.val(file.thumbnailSize).as('thumbnail_size'),
            sql.val(file.etag).as('etag'),
            sql.val(this.dialect.bool(false)).as('ready'),
            sql.val(file.createdAt).as('created_at'),
          ])
          .where(sql<boolean>`(${used}) + ${file.size + (file.thumbnailSize ?? 0)} <= ${storageMaxBytes}`),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  writeFileBlob(fileId: string, variant: FileVariant, source: AsyncIterable<Uint8Array>): Promise<number> {
    return this.blobs.write(blobKey(fileId, variant), source);
  }

  async finishFile(fileId: string): Promise<void> {
    await this.db
      .updateTable('files')
      .set({ ready: this.dialect.bool(true) })
      .where('id', '=', fileId)
      .execute();
  }

  async file(fileId: string): Promise<FileRow | undefined> {
    const row = await this.db
      .selectFrom('files')
      .leftJoin('messages', 'messages.id', 'files.message_id')
      .select([
        'files.id',
        'files.owner_id',
        'files.room_id',
        'files.message_id',
        'files.kind',
        'files.name',
        'files.content_type',
        'files.size',
        'files.width',
        'files.height',
        'files.thumbnail_size',
        'files.etag',
        'files.created_at',
        'messages.deleted_at as message_deleted_at',
      ])
      .where('files.id', '=', fileId)
      .where('files.ready', '=', this.dialect.bool(true))
      .executeTakeFirst();
    return row && toFile(row);
  }

  readFileBlob(fileId: string, variant: FileVariant, start: number, end: number): AsyncIterable<Uint8Array> {
    return this.blobs.read(blobKey(fileId, variant), start, end);
  }

  async storageUsed(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('files')
      .select(sql<number | string>`coalesce(sum(size + coalesce(thumbnail_size, 0)), 0)`.as('used'))
      .where('owner_id', '=', Number(userId))
      .executeTakeFirstOrThrow();
    return Number(row.used);
  }

  /** The condition that no one may read a file any more (see FileStore.deadFiles). */
  private dead(orphanBefore: number) {
    const ready = this.dialect.bool(true);
    return (eb: ExpressionBuilder<Database, 'files'>) =>
      eb.or([
        eb.and([eb('files.ready', '<>', ready), eb('files.created_at', '<', orphanBefore)]),
        eb.and([
          eb('files.kind', '=', 'ATTACHMENT'),
          eb('files.message_id', 'is', null),
          eb('files.created_at', '<', orphanBefore),
        ]),
        eb.and([
          eb('files.kind', '=', 'ATTACHMENT'),
          eb('files.message_id', 'is not', null),
          eb.not(
            eb.exists(
              eb
                .selectFrom('messages')
                .select('messages.id')
                .whereRef('messages.id', '=', 'files.message_id')
                .where('messages.deleted_at', 'is', null),
            ),
          ),
        ]),
        eb.and([
          eb('files.kind', '=', 'AVATAR'),
          eb('files.created_at', '<', orphanBefore),
          eb.not(
            eb.exists(eb.selectFrom('users').select('users.id').whereRef('users.avatar_file_id', '=', 'files.id')),
          ),
        ]),
      ]);
  }

  async deadFiles(orphanBefore: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('files')
      .select('files.id')
      .where(this.dead(orphanBefore))
      .orderBy('files.created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async deleteFile(fileId: string, orphanBefore?: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      let query = trx.deleteFrom('files').where('files.id', '=', fileId);
      if (orphanBefore !== undefined) query = query.where(this.dead(orphanBefore));
      const deleted = await query.returning('files.id').executeTakeFirst();
      if (!deleted) return false;
      await this.blobs.remove(trx, blobKeys(fileId));
      return true;
    });
  }

  /**
   * Claims `fileIds` for message `messageId` inside the transaction that stores it: each
   * must be the author's, of the room, ready and not sent yet. Throws
   * AttachmentUnavailable for the first that is not (the transaction then rolls back).
   */
  async claim(
    trx: Kysely<Database>,
    fileIds: readonly string[],
    author: UserRow,
    roomId: string,
    messageId: number,
  ): Promise<AttachmentRow[]> {
    if (fileIds.length === 0) return [];
    const claimed = await trx
      .updateTable('files')
      .set({ message_id: messageId })
      .where('id', 'in', [...fileIds])
      .where('owner_id', '=', Number(author.id))
      .where('room_id', '=', roomId)
      .where('kind', '=', 'ATTACHMENT')
      .where('message_id', 'is', null)
      .where('ready', '=', this.dialect.bool(true))
      .returning(['id', 'name', 'content_type', 'size', 'width', 'height', 'thumbnail_size'])
      .execute();
    const byId = new Map(claimed.map((r) => [r.id, r]));
    return fileIds.map((id) => {
      const r = byId.get(id);
      if (!r) throw new AttachmentUnavailable(id);
      return {
        id,
        name: r.name,
        contentType: r.content_type,
        size: Number(r.size),
        width: r.width === null ? null : Number(r.width),
        height: r.height === null ? null : Number(r.height),
        thumbnail: r.thumbnail_size !== null,
      };
    });
  }

  async profiles(userIds: readonly string[]): Promise<Map<string, Profile>> {
    const numeric = userIds.map(numericId).filter((id): id is number => id !== null);
    if (numeric.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'display_name', 'avatar_file_id'])
      .where('id', 'in', numeric)
      .execute();
    return new Map(rows.map((r) => [String(r.id), toProfile(r)]));
  }

  async updateProfile(userId: string, patch: Partial<Profile>): Promise<UserRow & { profile: Profile }> {
    const columns = ['id', 'name', 'is_bot', 'display_name', 'avatar_file_id'] as const;
    const set = {
      ...(patch.displayName !== undefined && { display_name: patch.displayName }),
      ...(patch.avatarId !== undefined && { avatar_file_id: patch.avatarId }),
    };
    const row =
      Object.keys(set).length === 0
        ? await this.db.selectFrom('users').select(columns).where('id', '=', Number(userId)).executeTakeFirstOrThrow()
        : await this.db
            .updateTable('users')
            .set(set)
            .where('id', '=', Number(userId))
            .returning(columns)
            .executeTakeFirstOrThrow();
    return { id: String(row.id), name: row.name, isBot: Boolean(row.is_bot), profile: toProfile(row) };
  }
}
