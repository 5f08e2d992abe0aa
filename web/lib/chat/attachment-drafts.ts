import type { ChatAttachmentFragment } from '@/gql/graphql';

export type Attachment = ChatAttachmentFragment;

/** A file the viewer added to the message being written, and how its upload stands. */
export interface AttachmentDraft {
  /** This tab's name for it (the same file may be added twice). */
  key: string;
  name: string;
  size: number;
  type: string;
  status: 'uploading' | 'uploaded' | 'failed';
  /** Bytes sent so far. */
  loaded: number;
  /** Once uploaded: what the API stored. */
  attachment?: Attachment;
  /** Once failed: why, and whether trying again may help. */
  error?: string;
  retryable?: boolean;
}

export type DraftAction =
  | { type: 'added'; drafts: { key: string; name: string; size: number; type: string }[] }
  | { type: 'progress'; key: string; loaded: number }
  | { type: 'uploaded'; key: string; attachment: Attachment }
  | { type: 'failed'; key: string; error: string; retryable: boolean }
  | { type: 'retrying'; key: string }
  | { type: 'removed'; key: string }
  /** Files already uploaded coming back to the composer (a send refused by slow mode). */
  | { type: 'restored'; attachments: readonly Attachment[] }
  | { type: 'cleared' };

const update = (drafts: AttachmentDraft[], key: string, change: (d: AttachmentDraft) => AttachmentDraft) =>
  drafts.map((d) => (d.key === key ? change(d) : d));

/** The composer's files: added, uploading with progress, uploaded, failed, removed. */
export function draftsReducer(drafts: AttachmentDraft[], action: DraftAction): AttachmentDraft[] {
  switch (action.type) {
    case 'added':
      return [...drafts, ...action.drafts.map((d): AttachmentDraft => ({ ...d, status: 'uploading', loaded: 0 }))];
    case 'progress':
      // A late progress event after the answer must not take an upload back to "uploading".
      return update(drafts, action.key, (d) =>
        d.status === 'uploading' ? { ...d, loaded: Math.min(d.size, Math.max(d.loaded, action.loaded)) } : d,
      );
    case 'uploaded':
      return update(drafts, action.key, (d) => ({
        ...d,
        status: 'uploaded',
        loaded: d.size,
        attachment: action.attachment,
        error: undefined,
      }));
    case 'failed':
      return update(drafts, action.key, (d) => ({
        ...d,
        status: 'failed',
        error: action.error,
        retryable: action.retryable,
      }));
    case 'retrying':
      return update(drafts, action.key, (d) => ({ ...d, status: 'uploading', loaded: 0, error: undefined }));
    case 'removed':
      return drafts.filter((d) => d.key !== action.key);
    case 'restored': {
      const held = new Set(drafts.map((d) => d.attachment?.id));
      const back = action.attachments
        .filter((a) => !held.has(a.id))
        .map((a): AttachmentDraft => ({
          key: `restored-${a.id}`,
          name: a.name,
          size: a.size,
          type: a.contentType,
          status: 'uploaded',
          loaded: a.size,
          attachment: a,
        }));
      return [...back, ...drafts];
    }
    case 'cleared':
      return [];
  }
}

/** Whether the message can go: nothing still uploading or failed (a failure is retried or removed first). */
export function readyToSend(drafts: readonly AttachmentDraft[]): boolean {
  return drafts.every((d) => d.status === 'uploaded');
}

/** The uploaded files, in the order they were added: what `sendMessage(attachmentIds:)` takes. */
export function uploadedAttachments(drafts: readonly AttachmentDraft[]): Attachment[] {
  return drafts.flatMap((d) => (d.attachment ? [d.attachment] : []));
}

/** 0–100, for a progress bar. */
export function percent(draft: AttachmentDraft): number {
  if (draft.status === 'uploaded') return 100;
  return draft.size === 0 ? 0 : Math.floor((draft.loaded / draft.size) * 100);
}

/** Whether the API shows this file inline as an image (it serves only these types inline). */
export function isInlineImage(attachment: Pick<Attachment, 'contentType' | 'width' | 'height'>): boolean {
  return (
    ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(attachment.contentType) &&
    attachment.width !== null &&
    attachment.width !== undefined &&
    attachment.height !== null &&
    attachment.height !== undefined
  );
}

/**
 * The size a thumbnail is drawn at: the image's own aspect ratio within `maxWidth` ×
 * `maxHeight`, never enlarged. Set as width and height before it loads, so nothing moves.
 */
export function fitWithin(
  width: number,
  height: number,
  maxWidth: number,
  maxHeight: number,
): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: maxWidth, height: maxHeight };
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** "PDF", "PNG", "ZIP": a short name of a type for a file card. */
export function typeLabel(contentType: string, name: string): string {
  const extension = /\.([a-z0-9]{1,8})$/i.exec(name)?.[1];
  if (extension) return extension.toUpperCase();
  const subtype = contentType.split('/')[1]?.split(/[+;.-]/)[0];
  return subtype && subtype !== 'octet' ? subtype.toUpperCase() : 'File';
}
