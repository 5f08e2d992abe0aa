'use client';

import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { type Attachment, draftsReducer, readyToSend, uploadedAttachments } from '@/lib/chat/attachment-drafts';
import { UploadFileMutation } from '@/lib/operations/files';
import { type Refusal, type Upload, UploadError, admitFiles, sendUpload } from '@/lib/upload';

let nextKey = 0;

/**
 * The files of the message being written: each uploads as soon as it is added (several
 * at once, with progress), can be cancelled or removed, and a failed one retried. The
 * `File`s and their requests live here; what is shown lives in the reducer.
 */
export function useAttachmentDrafts(roomId: string) {
  const [drafts, dispatch] = useReducer(draftsReducer, []);
  const [refused, setRefused] = useState<Refusal[]>([]);
  const files = useRef(new Map<string, File>());
  const uploads = useRef(new Map<string, Upload<unknown>>());

  const start = useCallback(
    (key: string, file: File) => {
      const upload = sendUpload<{ uploadFile: Attachment }, { roomId: string; file: File }>({
        document: UploadFileMutation,
        variables: { roomId },
        file,
        fileName: file.name,
        onProgress: (loaded) => dispatch({ type: 'progress', key, loaded }),
      });
      uploads.current.set(key, upload);
      upload.done.then(
        (data) => dispatch({ type: 'uploaded', key, attachment: data.uploadFile }),
        (error: unknown) => {
          if (error instanceof DOMException && error.name === 'AbortError') return; // removed by the viewer
          const known = error instanceof UploadError;
          dispatch({
            type: 'failed',
            key,
            error: known ? error.message : 'The upload failed.',
            retryable: known ? error.retryable : true,
          });
        },
      );
      void upload.done.catch(() => undefined).finally(() => uploads.current.delete(key));
    },
    [roomId],
  );

  // The count limit counts what is held now, read through a ref so two quick drops add up.
  const held = useRef(0);
  held.current = drafts.length;
  const add = useCallback(
    (list: readonly File[]) => {
      const { admitted, refused: refusals } = admitFiles(held.current, list);
      setRefused(refusals);
      if (admitted.length === 0) return;
      const added = admitted.map((file) => ({ key: `file-${++nextKey}`, file }));
      held.current += added.length;
      dispatch({
        type: 'added',
        drafts: added.map(({ key, file }) => ({ key, name: file.name, size: file.size, type: file.type })),
      });
      for (const { key, file } of added) {
        files.current.set(key, file);
        start(key, file);
      }
    },
    [start],
  );

  const remove = useCallback((key: string) => {
    uploads.current.get(key)?.abort();
    uploads.current.delete(key);
    files.current.delete(key);
    dispatch({ type: 'removed', key });
  }, []);

  const retry = useCallback(
    (key: string) => {
      const file = files.current.get(key);
      if (!file) return;
      dispatch({ type: 'retrying', key });
      start(key, file);
    },
    [start],
  );

  /** After a send: the files now belong to the message. */
  const clear = useCallback(() => {
    files.current.clear();
    setRefused([]);
    dispatch({ type: 'cleared' });
  }, []);

  const restore = useCallback((attachments: readonly Attachment[]) => {
    if (attachments.length > 0) dispatch({ type: 'restored', attachments });
  }, []);

  // Leaving the room cancels what is still on its way.
  useEffect(() => {
    const inFlight = uploads.current;
    return () => {
      for (const upload of inFlight.values()) upload.abort();
      inFlight.clear();
    };
  }, [roomId]);

  return {
    drafts,
    refused,
    dismissRefused: useCallback(() => setRefused([]), []),
    add,
    remove,
    retry,
    clear,
    restore,
    ready: readyToSend(drafts),
    attachments: uploadedAttachments(drafts),
  };
}
