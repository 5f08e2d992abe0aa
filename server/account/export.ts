import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestOrigin } from '../http/origin.js';
import { requestViewer } from '../http/viewer.js';
import { RATE_EXPORT } from '../limits.js';
import { may } from '../rooms/rules.js';
import type { Services } from '../services.js';
import type { MessageRow, UserRow } from '../store/index.js';
import { isDeletedName } from './names.js';
import { ExportAborted, JsonStream } from './json-stream.js';

/**
 * The version of the export's shape, its `format` field: raised when a field changes
 * meaning or goes away (adding one keeps it).
 */
export const EXPORT_FORMAT = 'parley-export/1';

/** Messages read from the store at a time: what an export holds in memory at once. */
const EXPORT_PAGE = 500;

const ROOM_PATH = /^\/export\/rooms\/([^/]{1,200})\.json$/;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    })
    .end(text);
}

/** A file name's safe part: letters, digits, `-`, `_` and `.`. */
const safe = (text: string): string => text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64) || 'export';

function start(res: ServerResponse, name: string): JsonStream {
  const date = new Date().toISOString().slice(0, 10);
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="parley-${safe(name)}-${date}.json"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  return new JsonStream(res);
}

const attachmentsOf = (message: MessageRow, origin: string) =>
  message.deletedAt === null
    ? (message.attachments ?? []).map((file) => ({
        name: file.name,
        contentType: file.contentType,
        size: file.size,
        url: `${origin}/files/${file.id}`,
      }))
    : [];

/**
 * Runs an export whose headers are sent: a failure past them can only cut the
 * connection, so the client sees an incomplete download rather than a valid-looking file.
 */
async function streaming(services: Services, res: ServerResponse, what: string, write: () => Promise<void>) {
  try {
    await write();
    res.end();
  } catch (error) {
    if (!(error instanceof ExportAborted)) services.log.error({ err: error }, `${what} export failed midway`);
    res.destroy();
  }
}

/** `GET /export/me.json`: everything of the signed-in person's (README, "Your data"). */
async function exportMe(services: Services, req: IncomingMessage, res: ServerResponse, viewer: UserRow) {
  const { store } = services;
  const account = await store.account(viewer.id);
  if (!account) return answer(res, 404, 'No such account.\n');
  const origin = requestOrigin(req.headers, services.config);
  const rooms = await store.joinedRooms(viewer.id);
  const tokens = await store.sessionsOf(viewer.id, Date.now(), true);
  const webhooks = await store.webhooksCreatedBy(viewer.id);
  const out = start(res, account.name);
  await streaming(services, res, 'account', async () => {
    await out.raw('{');
    await out.field('format', EXPORT_FORMAT, true);
    await out.field('exportedAt', new Date().toISOString());
    await out.field('profile', {
      id: account.id,
      name: account.name,
      displayName: account.displayName,
      avatarUrl: account.avatarId === null ? null : `${origin}/files/${account.avatarId}`,
      createdAt: iso(account.createdAt),
    });
    await out.openArray('rooms');
    for (const { room, role, joinedAt } of rooms)
      await out.item({ id: room.id, name: room.name, kind: room.kind, role, joinedAt: iso(joinedAt) });
    await out.closeArray();

    await out.openArray('messages');
    for (let after: string | null = null; ;) {
      const page = await store.messagesByAuthor(viewer.id, after, EXPORT_PAGE);
      for (const m of page)
        await out.item({
          roomId: m.roomId,
          id: m.id,
          seq: m.seq,
          text: m.text,
          createdAt: iso(m.createdAt),
          editedAt: iso(m.editedAt),
          deletedAt: iso(m.deletedAt),
          replyToId: m.replyToId,
          attachments: attachmentsOf(m, origin),
        });
      if (page.length < EXPORT_PAGE) break;
      after = page[page.length - 1]!.id;
    }
    await out.closeArray();

    await out.openArray('reactions');
    for (let after: string | null = null; ;) {
      const page = await store.messagesReactedBy(viewer.id, after, EXPORT_PAGE);
      for (const m of page)
        for (const reaction of m.reactions)
          if (reaction.userIds.includes(viewer.id))
            await out.item({ roomId: m.roomId, messageId: m.id, emoji: reaction.emoji });
      if (page.length < EXPORT_PAGE) break;
      after = page[page.length - 1]!.id;
    }
    await out.closeArray();

    await out.openArray('accessTokens');
    for (const token of tokens)
      await out.item({ name: token.name, createdAt: iso(token.createdAt), lastUsedAt: iso(token.lastUsedAt) });
    await out.closeArray();

    await out.openArray('webhooks');
    for (const hook of webhooks)
      await out.item({ id: hook.id, roomId: hook.roomId, name: hook.name, createdAt: iso(hook.createdAt) });
    await out.closeArray();
    await out.raw('\n}\n');
  });
}

/**
 * `GET /export/rooms/<id>.json`: every message of a room, for those ROOM_RULES.exportRoom
 * allows. Who may not see the room gets 404 (a private room of others reads as a missing
 * one, as in the API); a member without the role, or a non-member of a public room, 403.
 */
async function exportRoom(services: Services, req: IncomingMessage, res: ServerResponse, viewer: UserRow, id: string) {
  const { store } = services;
  const room = await services.roomAccess.visible(id, viewer.id);
  if (!room) return answer(res, 404, 'No such room.\n');
  const role = await store.roleIn(room.id, viewer.id);
  if (!may(role, 'exportRoom'))
    return answer(res, 403, `Only an owner or moderator of "${room.name}" may export it.\n`);
  const origin = requestOrigin(req.headers, services.config);
  const out = start(res, room.id);
  await streaming(services, res, 'room', async () => {
    await out.raw('{');
    await out.field('format', EXPORT_FORMAT, true);
    await out.field('exportedAt', new Date().toISOString());
    await out.field('room', {
      id: room.id,
      name: room.name,
      kind: room.kind,
      isPrivate: room.isPrivate,
      topic: room.topic,
    });
    await out.openArray('messages');
    for (let after = 0; ;) {
      const page = await store.messagesAfter(room.id, after, EXPORT_PAGE);
      for (const m of page)
        await out.item({
          id: m.id,
          seq: m.seq,
          author: { id: m.author.id, name: m.author.name, isDeleted: isDeletedName(m.author.name) },
          text: m.text,
          createdAt: iso(m.createdAt),
          editedAt: iso(m.editedAt),
          deletedAt: iso(m.deletedAt),
          replyToId: m.replyToId,
          reactions: m.reactions.map((r) => ({ emoji: r.emoji, userIds: r.userIds })),
          attachments: attachmentsOf(m, origin),
        });
      if (page.length < EXPORT_PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    await out.closeArray();
    await out.raw('\n}\n');
  });
}

/** `/export/me.json` and `/export/rooms/<id>.json`. */
export async function serveExport(services: Services, req: IncomingMessage, res: ServerResponse, path: string) {
  if (req.method !== 'GET') return answer(res, 405, 'Exports are read with GET.\n', { allow: 'GET' });
  const viewer = await requestViewer(services, req);
  if (!viewer) return answer(res, 401, 'Sign in to export: the cookie, or Authorization: Bearer <token>.\n');
  // Each export reads a whole history: a few an hour is plenty for a person.
  const waitMs = await services.limiter.attempt('export', RATE_EXPORT, viewer.id);
  if (waitMs > 0)
    return answer(res, 429, 'Too many exports: try again later.\n', {
      'retry-after': String(Math.ceil(waitMs / 1000)),
    });
  if (path === '/export/me.json') return exportMe(services, req, res, viewer);
  const room = ROOM_PATH.exec(path);
  if (room) {
    let id: string;
    try {
      id = decodeURIComponent(room[1]!);
    } catch {
      return answer(res, 404, 'No such room.\n');
    }
    return exportRoom(services, req, res, viewer, id);
  }
  return answer(res, 404, 'No such export: /export/me.json or /export/rooms/<id>.json.\n');
}
