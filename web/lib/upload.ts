import { type TypedDocumentNode, formatDocument, stringifyDocument } from '@urql/core';

/** The API's limits on files (server/limits.ts), checked here before a byte is sent. */
export const FILE_MAX_BYTES = 25 * 1024 * 1024; // 25 MiB
export const FILES_PER_MESSAGE_MAX = 10; // files

/**
 * The header a cookie-signed upload must carry (any value): a cross-site form can post
 * multipart without a preflight, but not with a header of its own (server/files/uploads.ts).
 */
export const UPLOAD_CSRF_HEADER = 'x-graphql-yoga-csrf';

const UNREACHABLE = 'Could not reach the server. Check your connection and try again.';
const UNEXPECTED = 'Something went wrong on our side. Please try again.';

/** "25 MB", "1.2 MB", "830 KB", "12 bytes": a size as people read it (1 MB = 1024 KB, as the limit). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value >= 10 || Number.isInteger(value) ? Math.round(value).toString() : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

/**
 * The `operations` field of a GraphQL multipart request (the spec's JSON: one operation,
 * its variables with `null` where each file goes). The one place an upload's document is
 * written out: a document that carries codegen's hash is sent as that hash (the server's
 * trusted documents), any other as the text urql itself would send.
 */
export function uploadOperations<V extends Record<string, unknown>>(
  document: TypedDocumentNode<unknown, V>,
  variables: V,
): string {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof hash === 'string' && hash.startsWith('sha256:')) {
    return JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash.slice(7) } } });
  }
  return JSON.stringify({ query: stringifyDocument(formatDocument(document)), variables });
}

/** A multipart request body with one file, at `variables.<fileVariable>`. */
export function uploadBody<V extends Record<string, unknown>>(
  document: TypedDocumentNode<unknown, V>,
  variables: Omit<V, 'file'>,
  file: Blob,
  fileName: string,
): FormData {
  const body = new FormData();
  body.append('operations', uploadOperations(document, { ...variables, file: null } as unknown as V));
  body.append('map', JSON.stringify({ 0: ['variables.file'] }));
  body.append('0', file, fileName);
  return body;
}

/** An upload that did not end in data: the sentence to show, and whether trying again may help. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message?: string; extensions?: { code?: unknown } }[];
}

/**
 * What an upload's answer means: its data, or an UploadError worded for people (the
 * API's own message for a refusal; a retry is offered unless the file itself is at fault).
 */
export function readUploadResponse<T>(status: number, text: string): T {
  let parsed: GraphQLResponse<T> | undefined;
  try {
    parsed = JSON.parse(text) as GraphQLResponse<T>;
  } catch {
    parsed = undefined;
  }
  const error = parsed?.errors?.[0];
  if (parsed?.data && !error) return parsed.data;
  if (status === 413) {
    throw new UploadError(error?.message ?? `A file may be at most ${formatBytes(FILE_MAX_BYTES)}.`, false);
  }
  if (error) {
    const code = error.extensions?.code;
    const message = code === 'INTERNAL_SERVER_ERROR' || !error.message ? UNEXPECTED : error.message;
    // The file or the request is wrong as it stands: sending it again changes nothing.
    throw new UploadError(message, code !== 'BAD_USER_INPUT' && code !== 'FORBIDDEN' && code !== 'NOT_FOUND');
  }
  throw new UploadError(status >= 500 ? UNEXPECTED : UNREACHABLE, true);
}

export interface Upload<T> {
  /** Settles with the data, or rejects with an UploadError (or an AbortError once aborted). */
  done: Promise<T>;
  abort: () => void;
}

interface UploadOptions<V extends Record<string, unknown>> {
  url?: string;
  document: TypedDocumentNode<unknown, V>;
  variables: Omit<V, 'file'>;
  file: Blob;
  fileName: string;
  /** Bytes sent so far of `total`, as the browser reports them. */
  onProgress?: (loaded: number, total: number) => void;
}

/**
 * Sends one file as a GraphQL multipart request with XMLHttpRequest (fetch reports no
 * upload progress): same origin, so the sign-in cookie rides along, with the header the
 * server asks of cookie-signed uploads.
 */
export function sendUpload<T, V extends Record<string, unknown>>(options: UploadOptions<V>): Upload<T> {
  const { url = '/graphql', document, variables, file, fileName, onProgress } = options;
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('POST', url);
    xhr.setRequestHeader(UPLOAD_CSRF_HEADER, '1');
    xhr.setRequestHeader('accept', 'application/graphql-response+json, application/json');
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      try {
        resolve(readUploadResponse<T>(xhr.status, xhr.responseText));
      } catch (error) {
        reject(error instanceof Error ? error : new UploadError(UNEXPECTED, true));
      }
    };
    xhr.onerror = () => reject(new UploadError(UNREACHABLE, true));
    xhr.ontimeout = () => reject(new UploadError(UNREACHABLE, true));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    xhr.send(uploadBody(document, variables, file, fileName));
  });
  return { done, abort: () => xhr.abort() };
}

export interface Refusal {
  name: string;
  reason: string;
}

/**
 * Which of `files` can join a message that already holds `held` files: those within the
 * size limit, up to the count limit. The rest are refused with a sentence each, before
 * anything is sent.
 */
export function admitFiles<F extends { name: string; size: number }>(
  held: number,
  files: readonly F[],
): { admitted: F[]; refused: Refusal[] } {
  const admitted: F[] = [];
  const refused: Refusal[] = [];
  for (const file of files) {
    if (file.size > FILE_MAX_BYTES) {
      const limit = formatBytes(FILE_MAX_BYTES);
      // 25 MB and one byte reads "25 MB": say "just over" rather than a size equal to the limit.
      const size = formatBytes(file.size) === limit ? `just over ${limit}` : formatBytes(file.size);
      refused.push({ name: file.name, reason: `${file.name} is ${size}: a file can be at most ${limit}.` });
    } else if (file.size === 0) {
      refused.push({ name: file.name, reason: `${file.name} is empty.` });
    } else if (held + admitted.length >= FILES_PER_MESSAGE_MAX) {
      refused.push({
        name: file.name,
        reason: `${file.name} was not added: a message can carry at most ${FILES_PER_MESSAGE_MAX} files.`,
      });
    } else admitted.push(file);
  }
  return { admitted, refused };
}

/** A name for a pasted image, which the clipboard gives as "image.png" or nothing. */
export function pastedFileName(type: string, at: Date): string {
  const extension =
    type
      .split('/')[1]
      ?.replace('jpeg', 'jpg')
      .replace(/[^a-z0-9]/g, '') || 'bin';
  const stamp = at.toISOString().slice(0, 19).replace('T', ' ').replaceAll(':', '.');
  return `Pasted image ${stamp}.${extension}`;
}
