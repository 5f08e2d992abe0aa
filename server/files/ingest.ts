import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import { badInput } from '../graphql/errors.js';
import { AVATAR_PX } from '../limits.js';
import type { Services } from '../services.js';
import type { FileRow, NewFile, UserRow } from '../store/types.js';
import { INLINE_TYPES, avatarFrom, processImage } from './images.js';
import { fileName } from './names.js';
import type { StagedFile } from './uploads.js';

/** A new file id: 128 random bits, so ids can be neither guessed nor enumerated. */
const newFileId = (): string => randomBytes(16).toString('base64url');

async function sha256Of(source: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of source) hash.update(chunk);
  return hash.digest('base64url');
}

const MIB = 1024 * 1024;

/** Bytes as people read them: "1024 MiB", "100 KiB". */
const amount = (bytes: number): string =>
  bytes >= MIB ? `${Math.floor(bytes / MIB)} MiB` : `${Math.floor(bytes / 1024)} KiB`;

const overQuota = (services: Services, field: string) =>
  badInput(
    `Your files may take at most ${amount(services.config.files.storagePerUserBytes)} in all; this one would pass that.`,
    field,
  );

/**
 * Stores a file's blobs for a row it reserves within its owner's quota, then makes it
 * ready: a failure at any step removes whatever was written, so nothing is half-stored.
 */
async function keep(
  services: Services,
  file: NewFile,
  blobs: { file: () => AsyncIterable<Uint8Array>; thumbnail?: () => AsyncIterable<Uint8Array> },
  field: string,
): Promise<FileRow> {
  const { store, config } = services;
  if (!(await store.reserveFile(file, config.files.storagePerUserBytes))) throw overQuota(services, field);
  try {
    await store.writeFileBlob(file.id, 'file', blobs.file());
    if (blobs.thumbnail) await store.writeFileBlob(file.id, 'thumbnail', blobs.thumbnail());
    await store.finishFile(file.id);
  } catch (error) {
    await store.deleteFile(file.id).catch((cleanup: unknown) => {
      services.log.error({ err: cleanup, fileId: file.id }, 'an upload that failed was not removed');
    });
    throw error;
  }
  const stored = await store.file(file.id);
  if (!stored) throw new Error(`file ${file.id} vanished once stored`);
  return stored;
}

/**
 * Stores an upload for `roomId`. Its type is read from its bytes (never the client's
 * word); a PNG, JPEG, GIF or WebP is re-encoded without its metadata and gets a
 * thumbnail and its size in pixels, anything else is kept as sent.
 */
export async function storeUpload(services: Services, owner: UserRow, roomId: string, staged: StagedFile) {
  if (staged.size === 0) throw badInput('This file is empty.', 'file');
  const detected = await fileTypeFromFile(staged.path);
  const contentType = detected?.mime ?? 'application/octet-stream';
  const image = INLINE_TYPES.has(contentType);
  const out = `${staged.path}.out`;
  const thumbnail = `${staged.path}.thumbnail`;
  try {
    const pixels = image ? await processImage(staged.path, contentType, out, thumbnail) : null;
    const stored = image ? out : staged.path;
    const file: NewFile = {
      id: newFileId(),
      ownerId: owner.id,
      kind: 'ATTACHMENT',
      roomId,
      name: fileName(staged.name),
      contentType,
      size: (await stat(stored)).size,
      width: pixels?.width ?? null,
      height: pixels?.height ?? null,
      thumbnailSize: image ? (await stat(thumbnail)).size : null,
      etag: await sha256Of(createReadStream(stored)),
      createdAt: Date.now(),
    };
    return await keep(
      services,
      file,
      { file: () => createReadStream(stored), ...(image && { thumbnail: () => createReadStream(thumbnail) }) },
      'file',
    );
  } finally {
    await Promise.all([rm(out, { force: true }), rm(thumbnail, { force: true })]);
  }
}

/** A square avatar cut from `source` (an image of the owner's), stored as a file of its own. */
export async function storeAvatar(services: Services, owner: UserRow, source: FileRow): Promise<FileRow> {
  const bytes = await avatarFrom(services.store.readFileBlob(source.id, 'file', 0, source.size - 1));
  const file: NewFile = {
    id: newFileId(),
    ownerId: owner.id,
    kind: 'AVATAR',
    roomId: null,
    name: 'avatar.webp',
    contentType: 'image/webp',
    size: bytes.length,
    width: AVATAR_PX,
    height: AVATAR_PX,
    thumbnailSize: null,
    etag: createHash('sha256').update(bytes).digest('base64url'),
    createdAt: Date.now(),
  };
  return keep(
    services,
    file,
    {
      file: async function* () {
        yield bytes;
      },
    },
    'avatarId',
  );
}
