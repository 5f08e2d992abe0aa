import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { requestViewer } from '../http/viewer.js';
import type { Services } from '../services.js';
import type { FileRow, FileVariant, UserRow } from '../store/types.js';
import { INLINE_TYPES } from './images.js';
import { contentDisposition } from './names.js';

/** `/files/<id>` and `/files/<id>/thumbnail`: ids are 128 random bits in base64url. */
const FILE_PATH = /^\/files\/([A-Za-z0-9_-]{22})(\/thumbnail)?$/;

/** On every answer of this route: nothing served here is ever run or sniffed as a page. */
const ALWAYS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': 'sandbox',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** A file's bytes never change under its id: browsers may keep them for a year. */
const CACHE_IMMUTABLE = 'private, max-age=31536000, immutable';

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, {
      ...ALWAYS,
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'private, no-store',
      ...headers,
    })
    .end(text);
}

/**
 * Whether `viewer` may read `file`: an avatar, anyone signed in; an attachment, whoever
 * may read its room while its message stands, and before it is sent, its uploader only.
 */
async function mayRead(services: Services, viewer: UserRow, file: FileRow): Promise<boolean> {
  if (file.kind === 'AVATAR') return true;
  if (file.messageId === null) return file.ownerId === viewer.id;
  if (file.messageDeleted || file.roomId === null) return false;
  const room = await services.roomAccess.visible(file.roomId, viewer.id);
  return room !== undefined && !room.isBanned;
}

/** One range of `bytes=…` within `size`: null for none or several (the whole file), 'unsatisfiable' past the end. */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const match = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (end < start) return match[2] === '' || Number(match[2]) >= start ? 'unsatisfiable' : null;
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** Whether an `If-None-Match` list names `etag` (weakly, as RFC 9110 has it for GET). */
const matches = (header: string | undefined, etag: string): boolean =>
  header !== undefined &&
  header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });

/**
 * Serves a file to whoever may read it, else 404 (the same for a missing file, one of a
 * private room of others and one whose message was deleted). The type is the one read
 * from its bytes at upload; only PNG, JPEG, GIF and WebP are shown inline, everything
 * else (HTML, SVG, PDF, unknown) is a download. HEAD, ETag with 304, and one byte range.
 */
export async function serveFile(services: Services, req: IncomingMessage, res: ServerResponse, path: string) {
  const found = FILE_PATH.exec(path);
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return answer(res, 405, 'Files are read with GET or HEAD.\n', { allow: 'GET, HEAD' });
  const viewer = await requestViewer(services, req);
  // 404 as for anyone else who may not read it (the contract); the sentence only says
  // what the client already knows, that it sent no credentials, and nothing of the file.
  if (!viewer) return answer(res, 404, 'No such file (and no credentials: the cookie, or Authorization: Bearer).\n');
  const file = found ? await services.store.file(found[1]!) : undefined;
  const variant: FileVariant = found?.[2] ? 'thumbnail' : 'file';
  if (!file || !(await mayRead(services, viewer, file)) || (variant === 'thumbnail' && !file.thumbnail))
    return answer(res, 404, 'No such file.\n');

  const size = variant === 'file' ? file.size : file.thumbnailSize!;
  const contentType = variant === 'file' ? file.contentType : 'image/webp';
  const etag = variant === 'file' ? `"${file.etag}"` : `"${file.etag}.thumbnail"`;
  const headers: Record<string, string> = {
    ...ALWAYS,
    etag,
    'cache-control': CACHE_IMMUTABLE,
    'accept-ranges': 'bytes',
    'content-type': contentType,
    'content-disposition': contentDisposition(INLINE_TYPES.has(contentType) ? 'inline' : 'attachment', file.name),
  };
  if (matches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { ...ALWAYS, etag, 'cache-control': CACHE_IMMUTABLE }).end();
    return;
  }
  const ifRange = req.headers['if-range'];
  const range = ifRange === undefined || ifRange === etag ? byteRange(req.headers.range, size) : null;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...ALWAYS, 'content-range': `bytes */${size}` }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  headers['content-length'] = String(end - start + 1);
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  try {
    await pipeline(Readable.from(services.store.readFileBlob(file.id, variant, start, end)), res);
  } catch (error) {
    // The headers are gone: the connection is cut (pipeline did). A client that went
    // away mid-download is not a fault; a store that failed to read is.
    if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE')
      services.log.error({ err: error, fileId: file.id }, 'a file could not be read');
  }
}
