'use client';

import { type Attachment, fitWithin, isInlineImage, typeLabel } from '@/lib/chat/attachment-drafts';
import { useHydrated } from '@/lib/chat/use-hydrated';
import { formatBytes } from '@/lib/upload';
import { useOpenImage } from './ImageViewer';

/** A thumbnail's box at most: wide enough to read a screenshot, short enough to keep the room scannable. */
const THUMB_MAX_WIDTH = 320; // CSS pixels
const THUMB_MAX_HEIGHT = 240; // CSS pixels

/**
 * A message's files: images as thumbnails drawn at their own aspect ratio from the first
 * paint (width and height come with the message, so nothing moves when they load), which
 * open the viewer; every other file as a card that downloads it.
 */
export function MessageAttachments({
  attachments,
  pending = false,
}: {
  attachments: readonly Attachment[];
  /** A message still on its way: shown, but not yet opened from the room. */
  pending?: boolean;
}) {
  const openImage = useOpenImage();
  const hydrated = useHydrated();
  if (attachments.length === 0) return null;
  const images = attachments.filter(isInlineImage);
  const others = attachments.filter((a) => !isInlineImage(a));
  return (
    <div className="attachments">
      {images.length > 0 && (
        <ul className="attachment-images" aria-label="Images">
          {images.map((image) => {
            const box = fitWithin(image.width ?? 0, image.height ?? 0, THUMB_MAX_WIDTH, THUMB_MAX_HEIGHT);
            const thumb = (
              <img
                src={image.thumbnailUrl ?? image.url}
                alt={image.name}
                width={box.width}
                height={box.height}
                loading="lazy"
                decoding="async"
              />
            );
            return (
              <li key={image.id} className="attachment-image" data-testid="attachment-image">
                {pending ? (
                  thumb
                ) : hydrated && openImage ? (
                  <button
                    type="button"
                    className="attachment-image-open"
                    aria-label={`Open ${image.name}`}
                    onClick={() => openImage(image.id)}
                  >
                    {thumb}
                  </button>
                ) : (
                  // Without JavaScript: the full image, in the browser.
                  <a href={image.url} className="attachment-image-open" aria-label={`Open ${image.name}`}>
                    {thumb}
                  </a>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {others.length > 0 && (
        <ul className="attachment-files" aria-label="Files">
          {others.map((file) => (
            <li key={file.id}>
              <a className="file-card" href={file.url} download={file.name} data-testid="file-card">
                <span className="file-card-icon" aria-hidden="true">
                  {typeLabel(file.contentType, file.name).slice(0, 4)}
                </span>
                <span className="file-card-text">
                  <span className="file-card-name">
                    <span className="visually-hidden">Download </span>
                    {file.name}
                    <span className="visually-hidden">, </span>
                  </span>
                  <span className="file-card-meta">
                    {typeLabel(file.contentType, file.name)} · {formatBytes(file.size)}
                  </span>
                </span>
                <svg className="file-card-download" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
                  <path
                    d="M8 2v8m-3.5-3.5L8 10l3.5-3.5M3 13.5h10"
                    fill="none"
                    stroke="currentColor"
                    strokeWidth="1.5"
                    strokeLinecap="round"
                  />
                </svg>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
