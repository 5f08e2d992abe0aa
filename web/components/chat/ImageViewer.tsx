'use client';

import {
  type KeyboardEvent,
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { type Attachment, isInlineImage } from '@/lib/chat/attachment-drafts';
import type { Message } from '@/lib/chat/types';
import { formatBytes } from '@/lib/upload';

/** Opens the room's image viewer at one image (a thumbnail's click). */
const OpenImageContext = createContext<((attachmentId: string) => void) | null>(null);

export const useOpenImage = () => useContext(OpenImageContext);

/** The room's images, oldest first, as the viewer's arrows walk them. */
export function roomImages(messages: readonly Message[]): Attachment[] {
  return messages.flatMap((m) => (m.deletedAt ? [] : m.attachments.filter(isInlineImage)));
}

interface Props {
  messages: readonly Message[];
  children: React.ReactNode;
}

/**
 * The room's images at full size, one at a time, in a modal dialog: Escape closes it,
 * the arrow keys (and the Previous and Next buttons) move through the room's images, Tab
 * stays inside, and focus goes back to the thumbnail it was opened from.
 */
export function ImageViewerProvider({ messages, children }: Props) {
  const [openId, setOpenId] = useState<string | null>(null);
  const images = useMemo(() => roomImages(messages), [messages]);
  const index = openId === null ? -1 : images.findIndex((a) => a.id === openId);
  const open = useCallback((id: string) => setOpenId(id), []);
  return (
    <OpenImageContext.Provider value={open}>
      {children}
      <ImageViewer
        images={images}
        index={index}
        onMove={(to) => setOpenId(images[to]?.id ?? null)}
        onClose={() => setOpenId(null)}
      />
    </OpenImageContext.Provider>
  );
}

interface ViewerProps {
  images: readonly Attachment[];
  /** The image shown; -1 while closed (or once it left the room, deleted with its message). */
  index: number;
  onMove: (index: number) => void;
  onClose: () => void;
}

function ImageViewer({ images, index, onMove, onClose }: ViewerProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const image = images[index];
  const isOpen = image !== undefined;

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (isOpen && !el.open) {
      returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      el.showModal();
      el.querySelector<HTMLElement>('.viewer-close')?.focus();
    } else if (!isOpen && el.open) el.close();
  }, [isOpen]);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === 'ArrowLeft' && index > 0) {
      event.preventDefault();
      onMove(index - 1);
    } else if (event.key === 'ArrowRight' && index < images.length - 1) {
      event.preventDefault();
      onMove(index + 1);
    } else if (event.key === 'Tab') {
      // The page behind is inert; this keeps Tab from leaving for the browser's own bar too.
      const focusable = Array.from(
        dialog.current?.querySelectorAll<HTMLElement>('a[href], button:not([disabled])') ?? [],
      );
      const first = focusable[0];
      const last = focusable.at(-1);
      if (!first || !last) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  };

  return (
    <dialog
      ref={dialog}
      className="viewer"
      aria-label={image ? `Image: ${image.name}` : 'Image viewer'}
      aria-modal="true"
      onKeyDown={onKeyDown}
      onClose={() => {
        onClose();
        const target = returnTo.current;
        if (target?.isConnected) target.focus();
      }}
      onClick={(event) => event.target === event.currentTarget && dialog.current?.close()}
    >
      {image && (
        <div className="viewer-body">
          <div className="viewer-bar">
            <p className="viewer-title">
              <span className="viewer-name">{image.name}</span>
              <span className="viewer-meta">
                {index + 1} of {images.length} · {image.width}×{image.height} · {formatBytes(image.size)}
              </span>
            </p>
            <a className="button button-small button-quiet" href={image.url} download={image.name}>
              Download
            </a>
            <button
              type="button"
              className="icon-button viewer-close"
              aria-label="Close"
              onClick={() => dialog.current?.close()}
            >
              <span aria-hidden="true">✕</span>
            </button>
          </div>
          <div
            className="viewer-stage"
            onClick={(event) => event.target === event.currentTarget && dialog.current?.close()}
          >
            <img
              key={image.id}
              className="viewer-image"
              src={image.url}
              alt={image.name}
              width={image.width ?? undefined}
              height={image.height ?? undefined}
            />
          </div>
          <div className="viewer-nav">
            <button
              type="button"
              className="button button-small button-quiet"
              disabled={index === 0}
              onClick={() => onMove(index - 1)}
            >
              <span aria-hidden="true">←</span> Previous
            </button>
            <button
              type="button"
              className="button button-small button-quiet"
              disabled={index === images.length - 1}
              onClick={() => onMove(index + 1)}
            >
              Next <span aria-hidden="true">→</span>
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}
