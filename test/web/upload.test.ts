import { describe, expect, it } from 'vitest';
import { UploadFileDocument as UploadFileMutation } from '../../web/gql/graphql';
import {
  FILES_PER_MESSAGE_MAX,
  FILE_MAX_BYTES,
  UploadError,
  admitFiles,
  formatBytes,
  pastedFileName,
  readUploadResponse,
  uploadBody,
  uploadOperations,
} from '../../web/lib/upload';
import { FILES_PER_MESSAGE_MAX as SERVER_FILES_MAX, FILE_MAX_BYTES as SERVER_FILE_MAX } from '../../server/limits';
import { documentHash } from '../../web/lib/urql/trusted-documents';

const file = (name: string, size: number) => ({ name, size });

describe('upload limits', () => {
  it('checks the same limits the server enforces', () => {
    expect(FILE_MAX_BYTES).toBe(SERVER_FILE_MAX);
    expect(FILES_PER_MESSAGE_MAX).toBe(SERVER_FILES_MAX);
  });

  it('refuses a file over 25 MB before sending it, saying the limit', () => {
    const { admitted, refused } = admitFiles(0, [file('video.mp4', FILE_MAX_BYTES + 1), file('a.txt', 10)]);
    expect(admitted.map((f) => f.name)).toEqual(['a.txt']);
    expect(refused).toEqual([
      { name: 'video.mp4', reason: 'video.mp4 is just over 25 MB: a file can be at most 25 MB.' },
    ]);
    expect(admitFiles(0, [file('film.mov', 40 * 1024 * 1024)]).refused[0]?.reason).toBe(
      'film.mov is 40 MB: a file can be at most 25 MB.',
    );
  });

  it('takes a file of exactly 25 MB', () => {
    expect(admitFiles(0, [file('big.bin', FILE_MAX_BYTES)]).admitted).toHaveLength(1);
  });

  it('admits up to ten files a message, counting those already held', () => {
    const files = Array.from({ length: 5 }, (_, i) => file(`f${i}.txt`, 1));
    const { admitted, refused } = admitFiles(7, files);
    expect(admitted.map((f) => f.name)).toEqual(['f0.txt', 'f1.txt', 'f2.txt']);
    expect(refused.map((r) => r.reason)).toEqual([
      'f3.txt was not added: a message can carry at most 10 files.',
      'f4.txt was not added: a message can carry at most 10 files.',
    ]);
  });

  it('refuses an empty file', () => {
    expect(admitFiles(0, [file('empty.txt', 0)]).refused[0]?.reason).toBe('empty.txt is empty.');
  });
});

describe('formatBytes', () => {
  it('reads as people read sizes', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(830)).toBe('830 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(1024 * 1024 * 1.25)).toBe('1.3 MB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
  });
});

describe('the multipart request', () => {
  it('names the file in operations and map as the GraphQL multipart request spec says', async () => {
    const body = uploadBody(UploadFileMutation, { roomId: 'general' }, new Blob(['hello']), 'hello.txt');
    const operations = JSON.parse(body.get('operations') as string) as {
      query?: string;
      variables: Record<string, unknown>;
      extensions?: { persistedQuery?: { sha256Hash: string } };
    };
    expect(operations.variables).toEqual({ roomId: 'general', file: null });
    // A trusted document goes as its hash alone, the one codegen gave it.
    expect(documentHash(UploadFileMutation)).toMatch(/^[0-9a-f]{64}$/);
    expect(operations.extensions?.persistedQuery?.sha256Hash).toBe(documentHash(UploadFileMutation));
    expect(operations.query).toBeUndefined();
    expect(JSON.parse(body.get('map') as string)).toEqual({ 0: ['variables.file'] });
    const part = body.get('0') as File;
    expect(part.name).toBe('hello.txt');
    expect(await part.text()).toBe('hello');
  });

  it('writes a document without a hash as its text', () => {
    const { __meta__: _hash, ...plain } = UploadFileMutation as typeof UploadFileMutation & { __meta__?: unknown };
    const operations = JSON.parse(
      uploadOperations(plain as typeof UploadFileMutation, { roomId: 'r', file: null as unknown as File }),
    );
    expect(operations.query).toContain('mutation UploadFile($roomId: ID!, $file: File!)');
    expect(operations.query).toContain('fragment ChatAttachment on Attachment');
  });
});

describe('reading an upload answer', () => {
  it('gives the data of a success', () => {
    const data = { uploadFile: { id: 'f1' } };
    expect(readUploadResponse(200, JSON.stringify({ data }))).toEqual(data);
  });

  it('says the API refusal as the API words it, and offers no retry for a bad file', () => {
    const body = JSON.stringify({
      data: null,
      errors: [{ message: 'This room is not yours.', extensions: { code: 'BAD_USER_INPUT' } }],
    });
    const error = catchError(() => readUploadResponse(200, body));
    expect(error).toBeInstanceOf(UploadError);
    expect(error.message).toBe('This room is not yours.');
    expect(error.retryable).toBe(false);
  });

  it('offers a retry when the rate limit refused it', () => {
    const body = JSON.stringify({ errors: [{ message: 'Too many uploads.', extensions: { code: 'RATE_LIMITED' } }] });
    expect(catchError(() => readUploadResponse(429, body)).retryable).toBe(true);
  });

  it('says the size limit for a 413 without a body', () => {
    const error = catchError(() => readUploadResponse(413, '<html>Too large</html>'));
    expect(error.message).toBe('A file may be at most 25 MB.');
    expect(error.retryable).toBe(false);
  });

  it('hides what an unexpected server error says', () => {
    const body = JSON.stringify({
      errors: [{ message: 'SQLITE_BUSY', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expect(catchError(() => readUploadResponse(500, body)).message).toBe(
      'Something went wrong on our side. Please try again.',
    );
  });
});

describe('pastedFileName', () => {
  it('names a pasted screenshot by its time and type', () => {
    expect(pastedFileName('image/png', new Date('2026-11-30T17:05:09.123Z'))).toBe(
      'Pasted image 2026-11-30 17.05.09.png',
    );
    expect(pastedFileName('image/jpeg', new Date('2026-11-30T17:05:09Z'))).toMatch(/\.jpg$/);
  });
});

function catchError(run: () => unknown): UploadError {
  try {
    run();
  } catch (error) {
    return error as UploadError;
  }
  throw new Error('expected an error');
}
