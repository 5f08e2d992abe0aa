import { Readable } from 'node:stream';
import sharp, { type Metadata } from 'sharp';
import { badInput } from '../graphql/errors.js';
import { AVATAR_PX, IMAGE_MAX_PIXELS, IMAGE_PROCESSING_CONCURRENCY, THUMBNAIL_MAX_PX } from '../limits.js';

// libvips' operation cache would keep decoded uploads around; each is seen once.
sharp.cache(false);

/** The only types served inline: raster images a browser shows and never runs. */
export const INLINE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Formats that may hold several frames (kept animated; their thumbnail is the first frame). */
const ANIMATED_TYPES: ReadonlySet<string> = new Set(['image/gif', 'image/webp']);

/** At most IMAGE_PROCESSING_CONCURRENCY images are decoded at once on this node; the rest wait. */
let running = 0;
const waiting: (() => void)[] = [];
async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= IMAGE_PROCESSING_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

const tooManyPixels = () =>
  badInput(`Images may have at most ${IMAGE_MAX_PIXELS.toLocaleString('en')} pixels (all frames together).`, 'file');
const unreadable = () => badInput('This image could not be read: it is damaged or not what it says it is.', 'file');

export interface ProcessedImage {
  readonly width: number;
  readonly height: number;
}

/**
 * Writes `source` (an image of `type`, read from its bytes) to `out` without its
 * metadata (EXIF and its GPS position, XMP, comments), turned upright as its EXIF said,
 * and a WebP thumbnail of at most THUMBNAIL_MAX_PX a side to `thumbnail`: the first
 * frame of an animation, which itself stays animated. An image that declares more than
 * IMAGE_MAX_PIXELS is refused from its header, before anything is decoded.
 */
export function processImage(source: string, type: string, out: string, thumbnail: string): Promise<ProcessedImage> {
  return inTurn(async () => {
    const animated = ANIMATED_TYPES.has(type);
    const options = { animated, limitInputPixels: IMAGE_MAX_PIXELS } as const;
    let header: Metadata;
    try {
      header = await sharp(source, { animated, limitInputPixels: false }).metadata();
    } catch {
      throw unreadable();
    }
    const width = header.width ?? 0;
    const frameHeight = header.pageHeight ?? header.height ?? 0;
    if (width * frameHeight * (animated ? (header.pages ?? 1) : 1) > IMAGE_MAX_PIXELS) throw tooManyPixels();
    try {
      // sharp writes no metadata unless asked (withMetadata/keepExif): none is asked.
      const image = sharp(source, options);
      // Turning needs the whole image in memory; most photos need none (orientation 1).
      if (!animated && (header.orientation ?? 1) > 1) image.rotate();
      if (type === 'image/jpeg') image.jpeg({ quality: 90 });
      else if (type === 'image/png') image.png();
      else if (type === 'image/webp') image.webp({ quality: 90 });
      else image.gif();
      await image.toFile(out);
      const written = await sharp(out, { animated }).metadata();
      await sharp(out, { limitInputPixels: IMAGE_MAX_PIXELS })
        .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toFile(thumbnail);
      return { width: written.width ?? width, height: written.pageHeight ?? written.height ?? frameHeight };
    } catch (error) {
      if (/pixel limit/i.test((error as Error).message)) throw tooManyPixels();
      throw unreadable();
    }
  });
}

/** A square WebP avatar, AVATAR_PX a side, cropped from the middle of an image. */
export function avatarFrom(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  return inTurn(async () => {
    const image = sharp({ limitInputPixels: IMAGE_MAX_PIXELS })
      .rotate()
      .resize(AVATAR_PX, AVATAR_PX, { fit: 'cover', position: 'centre' })
      .webp({ quality: 85 });
    Readable.from(source).pipe(image);
    try {
      return await image.toBuffer();
    } catch {
      throw badInput('This image could not be made an avatar.', 'avatarId');
    }
  });
}
