import sharp from 'sharp';
import { type GqlResult, endpoint, gqlOk } from './http.js';

export interface Attachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
  width: number | null;
  height: number | null;
  thumbnailUrl: string | null;
}

export const ATTACHMENT_FIELDS = 'id name contentType size url width height thumbnailUrl';

export const UPLOAD = /* GraphQL */ `
  mutation Upload($roomId: ID!, $file: File!) {
    uploadFile(roomId: $roomId, file: $file) { ${ATTACHMENT_FIELDS} }
  }
`;

export interface UploadOptions {
  /** The type the client claims (the server never believes it). */
  type?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** POSTs one file with the GraphQL multipart request spec; the parsed body and the status. */
export async function uploadResponse(
  url: string,
  roomId: string,
  bytes: Uint8Array,
  name: string,
  options: UploadOptions = {},
): Promise<GqlResult<{ uploadFile: Attachment }> & { status: number }> {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: UPLOAD, variables: { roomId, file: null } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob([new Uint8Array(bytes)], { type: options.type ?? 'application/octet-stream' }), name);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(endpoint(url), { method: 'POST', headers, body: form });
  const text = await response.text();
  try {
    return { ...(JSON.parse(text) as GqlResult<{ uploadFile: Attachment }>), status: response.status };
  } catch {
    throw new Error(`not JSON (HTTP ${response.status}): ${text.slice(0, 200)}`);
  }
}

/** Uploads a file that must be accepted. */
export async function upload(
  url: string,
  token: string,
  roomId: string,
  bytes: Uint8Array,
  name: string,
  type?: string,
): Promise<Attachment> {
  const result = await uploadResponse(url, roomId, bytes, name, { token, ...(type && { type }) });
  if (result.errors?.length || !result.data)
    throw new Error(`upload failed (HTTP ${result.status}): ${JSON.stringify(result.errors)}`);
  return result.data.uploadFile;
}

/** Sends a message with files; its id and attachments. */
export async function sendWithFiles(
  url: string,
  token: string,
  roomId: string,
  attachmentIds: string[],
  text = '',
): Promise<{ id: string; text: string; attachments: Attachment[] }> {
  const data = await gqlOk<{ sendMessage: { id: string; text: string; attachments: Attachment[] } }>(
    url,
    `mutation($roomId: ID!, $text: String!, $ids: [ID!]) {
      sendMessage(roomId: $roomId, text: $text, attachmentIds: $ids) { id text attachments { ${ATTACHMENT_FIELDS} } }
    }`,
    { roomId, text, ids: attachmentIds },
    { token },
  );
  return data.sendMessage;
}

/** GETs (or HEADs) a file path of the server, with a Bearer token unless none is given. */
export function fetchFile(
  url: string,
  path: string,
  token?: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(new URL(path, url), {
    method: init.method ?? 'GET',
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...init.headers },
  });
}

/** A PNG of `width` × `height` pixels in one colour. */
export function png(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .png()
    .toBuffer();
}

/** A JPEG that carries EXIF with a GPS position (and a camera make) in its metadata. */
export function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'SecretCam', Model: 'Model X' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 2964/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 17/1 4032/100',
      },
    })
    .toBuffer();
}

/** An animated GIF of `frames` frames, each `side` pixels square. */
export async function animatedGif(frames = 3, side = 32): Promise<Buffer> {
  const pages = await Promise.all(
    Array.from({ length: frames }, (_, i) =>
      sharp({ create: { width: side, height: side, channels: 3, background: { r: 80 * i, g: 50, b: 200 - 60 * i } } })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(pages, { join: { animated: true } })
    .gif({ delay: Array<number>(frames).fill(100), loop: 0 })
    .toBuffer();
}

/**
 * A small, valid PNG whose header declares `width` × `height` (a decompression bomb: a
 * few hundred bytes that would decode to gigabytes).
 */
export async function pixelBomb(width = 30_000, height = 30_000): Promise<Buffer> {
  const { deflateSync, crc32 } = await import('node:zlib');
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  // One row of zeros, compressed: the rest is missing, which a header check never reaches.
  const data = deflateSync(Buffer.alloc(width + 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', data),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const STREAM_CHUNK = 64 * 1024;

/**
 * A multipart upload of `size` bytes made as it is sent (chunked, no Content-Length), so
 * that the client holds no more of it than the server does. With `stall`, it stops before
 * its end and waits (for `signal` to abort it).
 */
export function streamedUpload(
  url: string,
  token: string,
  roomId: string,
  size: number,
  { signal, stall = false }: { signal?: AbortSignal; stall?: boolean } = {},
): Promise<Response> {
  const boundary = `----parley${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    [
      `--${boundary}`,
      'Content-Disposition: form-data; name="operations"',
      '',
      JSON.stringify({ query: UPLOAD, variables: { roomId, file: null } }),
      `--${boundary}`,
      'Content-Disposition: form-data; name="map"',
      '',
      JSON.stringify({ 0: ['variables.file'] }),
      `--${boundary}`,
      'Content-Disposition: form-data; name="0"; filename="big.bin"',
      'Content-Type: application/octet-stream',
      '',
      '',
    ].join('\r\n'),
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  let sent = -1;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === -1) {
        controller.enqueue(head);
        sent = 0;
      } else if (sent < size) {
        const n = Math.min(STREAM_CHUNK, size - sent);
        controller.enqueue(Buffer.alloc(n, sent % 251));
        sent += n;
      } else if (stall) {
        return new Promise<void>(() => {}); // sends nothing more, until aborted
      } else {
        controller.enqueue(tail);
        controller.close();
      }
    },
  });
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}` },
    body,
    signal,
    // @ts-expect-error: a streamed request body needs it; the DOM types lack it
    duplex: 'half',
  });
}
