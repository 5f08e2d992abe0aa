import { FILE_NAME_MAX_CHARS } from '../limits.js';

/** C0 and C1 controls, and the bidirectional overrides that make "gpj.exe" read "exe.jpg". */
const UNSAFE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/**
 * A file's name as kept: without any directory part (either slash), controls or
 * direction overrides, at most FILE_NAME_MAX_CHARS characters (the extension kept), and
 * never empty.
 */
export function fileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop()!.normalize('NFC').replace(UNSAFE, '').trim();
  const chars = [...base];
  if (chars.length === 0 || base === '.' || base === '..') return 'file';
  if (chars.length <= FILE_NAME_MAX_CHARS) return base;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? [...base.slice(dot)].slice(0, 16).join('') : '';
  return chars.slice(0, FILE_NAME_MAX_CHARS - [...extension].length).join('') + extension;
}

/** RFC 5987's attr-char: what encodeURIComponent leaves but ext-value may not hold. */
const encodeExtValue = (value: string): string =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `Content-Disposition` (RFC 6266): `inline` or `attachment`, with the name as plain
 * ASCII for old clients and in full as `filename*=UTF-8''…`.
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(name)}`;
}
