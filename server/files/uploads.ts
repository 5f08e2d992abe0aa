import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Busboy } from '@fastify/busboy';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { SESSION_COOKIE, bearerToken, cookieValue } from '../auth/tokens.js';
import { FILES_PER_MESSAGE_MAX, HTTP_MAX_BODY_BYTES, UPLOAD_MAX_BODY_BYTES } from '../limits.js';
import type { Services } from '../services.js';

/**
 * The header a cookie-authenticated upload must carry (any value), as Yoga's CSRF
 * prevention names it. A page elsewhere can post a multipart form without a preflight,
 * but not with a header of its own: so a cross-site form can never upload as the user,
 * even from an old browser that sends no `Origin`. The web UI sends
 * `x-graphql-yoga-csrf: 1` with its XHR uploads; a Bearer request needs nothing.
 */
export const UPLOAD_CSRF_HEADER = 'x-graphql-yoga-csrf';

/**
 * One file of a multipart request, written to a temporary file as it arrived (never
 * whole in memory) and removed when the response is sent. What the `File` scalar holds.
 */
export class StagedFile {
  constructor(
    /** The name the client gave, as it gave it. */
    readonly name: string,
    readonly path: string,
    readonly size: number,
  ) {}
}

/** `File`: only ever a part of a multipart request (the GraphQL multipart request spec). */
export const FileScalar = new GraphQLScalarType({
  name: 'File',
  parseValue(value) {
    if (value instanceof StagedFile) return value;
    throw new GraphQLError('A File is sent as a part of a multipart request (the GraphQL multipart request spec).');
  },
  parseLiteral() {
    throw new GraphQLError('A File is sent as a part of a multipart request, not written in the document.');
  },
  serialize() {
    throw new GraphQLError('A File is an input only.');
  },
});

const requestError = (message: string, status: number, code: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, http: { status }, ...extensions } });

const fileTooLarge = (maxBytes: number) =>
  requestError(`A file may be at most ${Math.floor(maxBytes / (1024 * 1024))} MiB.`, 413, 'BAD_USER_INPUT', {
    field: 'file',
  });

const badMultipart = (message: string) => requestError(message, 400, 'BAD_REQUEST');

let stagingDir: Promise<string> | undefined;
/** This process's folder for uploads in flight (each removed with its response). */
export const staging = (): Promise<string> => (stagingDir ??= mkdtemp(join(tmpdir(), 'parley-uploads-')));

/** Sets `value` at a dotted `path` of `target` (the spec's `map`), never on a prototype. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let current: Record<string, unknown> = target;
  for (const [i, key] of keys.entries()) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw badMultipart(`bad map path ${path}`);
    if (i === keys.length - 1) current[key] = value;
    else {
      const next = current[key];
      if (typeof next !== 'object' || next === null) throw badMultipart(`map path ${path} names nothing`);
      current = next as Record<string, unknown>;
    }
  }
}

interface NodeContext {
  req?: IncomingMessage;
  res?: ServerResponse;
}

/**
 * Reads a multipart request (operations, map, then the files) from the Node request,
 * each file streamed to a temporary file with its size counted: past the per-file limit
 * the request ends with 413 and what was written is removed.
 */
async function parseMultipart(services: Services, req: IncomingMessage, res: ServerResponse) {
  const dir = await staging();
  const written: string[] = [];
  // Uploads live as long as their request: removed once the response is sent (or lost).
  res.once('close', () => void Promise.all(written.map((path) => rm(path, { force: true }))));
  const { maxBytes } = services.config.files;

  return new Promise<Record<string, unknown>>((resolve, reject) => {
    let operations: Record<string, unknown> | undefined;
    let map: Record<string, string[]> | undefined;
    const staged = new Map<string, StagedFile>();
    const writes: Promise<void>[] = [];
    let failed = false;
    /**
     * Ends the parse with `error`. The rest of a body within UPLOAD_MAX_BODY_BYTES is read
     * and dropped first: answering while the client still sends would close the socket on
     * unread bytes, and the client would see a reset instead of the 413.
     */
    const fail = (error: unknown, drain = true) => {
      if (failed) return;
      failed = true;
      req.unpipe();
      if (!drain || req.readableEnded) return reject(error);
      req.once('end', () => reject(error));
      req.once('close', () => reject(error));
      req.resume();
    };
    const parser = new Busboy({
      headers: req.headers as { 'content-type': string },
      limits: {
        fields: 2,
        fieldSize: HTTP_MAX_BODY_BYTES,
        files: FILES_PER_MESSAGE_MAX,
        parts: FILES_PER_MESSAGE_MAX + 2,
        fileSize: maxBytes,
      },
    });
    parser.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) return fail(requestError('Request body too large', 413, 'REQUEST_ENTITY_TOO_LARGE'));
      try {
        if (name === 'operations') operations = JSON.parse(value) as Record<string, unknown>;
        else if (name === 'map') map = JSON.parse(value) as Record<string, string[]>;
      } catch {
        fail(badMultipart(`Multipart form field "${name}" must be valid JSON.`));
      }
    });
    parser.on('file', (field, stream, filename) => {
      if (failed || !operations || !map || !(field in map)) {
        stream.resume();
        if (!failed) fail(badMultipart('Multipart files come after "operations" and a "map" that names them.'));
        return;
      }
      const path = join(dir, randomBytes(12).toString('hex'));
      written.push(path);
      let size = 0;
      stream.on('limit', () => fail(fileTooLarge(maxBytes)));
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          done(null, chunk);
        },
      });
      writes.push(
        pipeline(stream, counter, createWriteStream(path)).then(() => {
          if (!stream.truncated) staged.set(field, new StagedFile(filename, path, size));
        }, fail),
      );
    });
    parser.on('partsLimit', () => fail(badMultipart(`At most ${FILES_PER_MESSAGE_MAX} files a request.`)));
    parser.on('filesLimit', () => fail(badMultipart(`At most ${FILES_PER_MESSAGE_MAX} files a request.`)));
    parser.on('fieldsLimit', () => fail(badMultipart('A multipart request has two fields: operations and map.')));
    parser.on('error', (error) => fail(badMultipart(`Invalid multipart body: ${(error as Error).message}`)));
    parser.on('finish', () => {
      Promise.all(writes).then(() => {
        if (failed) return;
        if (!operations) return fail(badMultipart('Missing multipart form field "operations".'));
        try {
          for (const [field, paths] of Object.entries(map ?? {})) {
            const file = staged.get(field);
            if (!file) return fail(badMultipart(`The map names "${field}", which the request did not send.`));
            for (const path of Array.isArray(paths) ? paths : []) setPath(operations, path, file);
          }
        } catch (error) {
          return fail(error);
        }
        resolve(operations);
      }, fail);
    });
    // A chunked body has no length to refuse up front (body-limit.ts): counted here.
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      // A body dropped after a failure is read only up to the limit too.
      if (failed && bodyBytes > UPLOAD_MAX_BODY_BYTES) req.destroy();
      else if (bodyBytes > UPLOAD_MAX_BODY_BYTES)
        fail(requestError('Request body too large', 413, 'REQUEST_ENTITY_TOO_LARGE'), false);
    });
    req.on('error', (error) => fail(error, false));
    // A client gone mid-upload: nothing more will come, and nothing waits for it.
    req.once('close', () => {
      if (!req.readableEnded) fail(badMultipart('The upload was cut off before its end.'), false);
    });
    req.pipe(parser);
  });
}

/**
 * Multipart requests (uploads) are read by `parseMultipart` rather than Yoga's own
 * parser, which holds each file whole in memory. Everything after parsing is Yoga's as
 * for any request: the operation may be a document or a persisted one's hash.
 */
export function useUploads(services: Services): Plugin {
  return {
    onRequestParse({ request, serverContext, setRequestParser }) {
      if (request.method !== 'POST') return;
      if (!request.headers.get('content-type')?.toLowerCase().startsWith('multipart/form-data')) return;
      const { req, res } = serverContext as NodeContext;
      if (!req || !res) throw badMultipart('Uploads are taken over HTTP only.');
      const bearer = bearerToken(request.headers.get('authorization'));
      const cookie = cookieValue(request.headers.get('cookie'), SESSION_COOKIE);
      // Nobody's bytes are written for a request that could not be anyone's upload.
      if (!bearer && !cookie) {
        throw requestError('Sign in first: send Authorization: Bearer <token>.', 401, 'UNAUTHENTICATED');
      }
      if (!bearer && !request.headers.has(UPLOAD_CSRF_HEADER)) {
        throw badMultipart(`An upload signed in by cookie needs the ${UPLOAD_CSRF_HEADER} header.`);
      }
      setRequestParser(() => parseMultipart(services, req, res));
    },
  };
}
