import { type AttachmentDraft, percent } from '@/lib/chat/attachment-drafts';
import type { Refusal } from '@/lib/upload';
import { formatBytes } from '@/lib/upload';

interface Props {
  drafts: readonly AttachmentDraft[];
  refused: readonly Refusal[];
  onRemove: (key: string) => void;
  onRetry: (key: string) => void;
  onDismissRefused: () => void;
}

function statusText(draft: AttachmentDraft): string {
  if (draft.status === 'uploaded') return `${formatBytes(draft.size)}, ready`;
  if (draft.status === 'failed') return `Not uploaded: ${draft.error ?? 'the upload failed.'}`;
  return `Uploading ${formatBytes(draft.loaded)} of ${formatBytes(draft.size)}`;
}

/** The files of the message being written, each with its upload's progress and what can be done with it. */
export function AttachmentTray({ drafts, refused, onRemove, onRetry, onDismissRefused }: Props) {
  if (drafts.length === 0 && refused.length === 0) return null;
  return (
    <div className="attachment-tray">
      {refused.length > 0 && (
        <div className="attachment-refused" role="alert">
          <ul>
            {refused.map((r, i) => (
              <li key={`${r.name}-${i}`}>{r.reason}</li>
            ))}
          </ul>
          <button type="button" className="link-button" onClick={onDismissRefused}>
            Dismiss
          </button>
        </div>
      )}
      {drafts.length > 0 && (
        <ul className="attachment-drafts" aria-label="Files to send">
          {drafts.map((draft) => (
            <li
              key={draft.key}
              className="attachment-draft"
              data-status={draft.status}
              data-testid="attachment-draft"
              aria-describedby={`${draft.key}-status`}
            >
              <span className="attachment-draft-name" title={draft.name}>
                {draft.name}
              </span>
              <span
                id={`${draft.key}-status`}
                className={
                  draft.status === 'failed' ? 'attachment-draft-status field-error' : 'attachment-draft-status'
                }
                role={draft.status === 'failed' ? 'alert' : undefined}
              >
                {statusText(draft)}
              </span>
              {draft.status !== 'failed' && (
                <progress
                  className="attachment-progress"
                  max={100}
                  value={percent(draft)}
                  aria-label={`Upload of ${draft.name}`}
                />
              )}
              <span className="attachment-draft-actions">
                {draft.status === 'failed' && draft.retryable && (
                  <button type="button" className="link-button" onClick={() => onRetry(draft.key)}>
                    Retry<span className="visually-hidden"> {draft.name}</span>
                  </button>
                )}
                <button type="button" className="link-button" onClick={() => onRemove(draft.key)}>
                  {draft.status === 'uploading' ? 'Cancel' : 'Remove'}
                  <span className="visually-hidden"> {draft.name}</span>
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
