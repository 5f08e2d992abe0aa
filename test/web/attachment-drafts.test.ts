import { describe, expect, it } from 'vitest';
import {
  type Attachment,
  type AttachmentDraft,
  draftsReducer,
  fitWithin,
  isInlineImage,
  percent,
  readyToSend,
  typeLabel,
  uploadedAttachments,
} from '../../web/lib/chat/attachment-drafts';

const stored = (id: string, extra: Partial<Attachment> = {}): Attachment => ({
  id,
  name: `${id}.pdf`,
  contentType: 'application/pdf',
  size: 1000,
  url: `/files/${id}`,
  width: null,
  height: null,
  thumbnailUrl: null,
  ...extra,
});

function added(...keys: string[]): AttachmentDraft[] {
  return draftsReducer([], {
    type: 'added',
    drafts: keys.map((key) => ({ key, name: `${key}.pdf`, size: 1000, type: 'application/pdf' })),
  });
}

describe('the composer files', () => {
  it('uploads each added file, with its progress', () => {
    let drafts = added('a', 'b');
    drafts = draftsReducer(drafts, { type: 'progress', key: 'a', loaded: 250 });
    expect(drafts.map((d) => [d.key, d.status, percent(d)])).toEqual([
      ['a', 'uploading', 25],
      ['b', 'uploading', 0],
    ]);
    expect(readyToSend(drafts)).toBe(false);
  });

  it('is ready to send once every file is uploaded, in the order they were added', () => {
    let drafts = added('a', 'b');
    drafts = draftsReducer(drafts, { type: 'uploaded', key: 'b', attachment: stored('B') });
    expect(readyToSend(drafts)).toBe(false);
    drafts = draftsReducer(drafts, { type: 'uploaded', key: 'a', attachment: stored('A') });
    expect(readyToSend(drafts)).toBe(true);
    expect(uploadedAttachments(drafts).map((a) => a.id)).toEqual(['A', 'B']);
  });

  it('keeps an uploaded file at 100% when a late progress event arrives', () => {
    let drafts = draftsReducer(added('a'), { type: 'uploaded', key: 'a', attachment: stored('A') });
    drafts = draftsReducer(drafts, { type: 'progress', key: 'a', loaded: 10 });
    expect(drafts[0]).toMatchObject({ status: 'uploaded' });
    expect(percent(drafts[0]!)).toBe(100);
  });

  it('holds the message back while a file failed, until it is retried or removed', () => {
    let drafts = draftsReducer(added('a', 'b'), { type: 'uploaded', key: 'a', attachment: stored('A') });
    drafts = draftsReducer(drafts, { type: 'failed', key: 'b', error: 'Could not reach the server.', retryable: true });
    expect(readyToSend(drafts)).toBe(false);
    expect(drafts[1]).toMatchObject({ status: 'failed', error: 'Could not reach the server.' });

    const retried = draftsReducer(drafts, { type: 'retrying', key: 'b' });
    expect(retried[1]).toMatchObject({ status: 'uploading', loaded: 0, error: undefined });

    const removed = draftsReducer(drafts, { type: 'removed', key: 'b' });
    expect(readyToSend(removed)).toBe(true);
    expect(uploadedAttachments(removed).map((a) => a.id)).toEqual(['A']);
  });

  it('gives files back to the composer after a refused send, without doubling one still held', () => {
    const held = draftsReducer(added('a'), { type: 'uploaded', key: 'a', attachment: stored('A') });
    const back = draftsReducer(held, { type: 'restored', attachments: [stored('A'), stored('C')] });
    expect(uploadedAttachments(back).map((a) => a.id)).toEqual(['C', 'A']);
    expect(readyToSend(back)).toBe(true);
  });
});

describe('thumbnails', () => {
  it('keeps the image ratio within the box, never enlarging', () => {
    expect(fitWithin(4000, 3000, 320, 240)).toEqual({ width: 320, height: 240 });
    expect(fitWithin(1000, 4000, 320, 240)).toEqual({ width: 60, height: 240 });
    expect(fitWithin(3000, 500, 320, 240)).toEqual({ width: 320, height: 53 });
    expect(fitWithin(100, 50, 320, 240)).toEqual({ width: 100, height: 50 });
  });

  it('shows inline only the raster types the API serves inline, with their dimensions', () => {
    expect(isInlineImage(stored('p', { contentType: 'image/png', width: 10, height: 10 }))).toBe(true);
    expect(isInlineImage(stored('s', { contentType: 'image/svg+xml', width: 10, height: 10 }))).toBe(false);
    expect(isInlineImage(stored('d'))).toBe(false);
  });

  it('labels a file card by its extension, else its type', () => {
    expect(typeLabel('application/pdf', 'report.pdf')).toBe('PDF');
    expect(typeLabel('application/zip', 'archive')).toBe('ZIP');
    expect(typeLabel('application/octet-stream', 'blob')).toBe('File');
  });
});
