import type { PendingMessage } from '@/lib/chat/message-state';
import { MessageAttachments } from './MessageAttachments';
import { MessageText } from './MessageText';
import { ReplyQuote } from './ReplyQuote';

/** A message of this tab on its way: shown at once, then replaced by the feed's copy. */
export function PendingItem({ pending, onRetry }: { pending: PendingMessage; onRetry: (clientId: string) => void }) {
  return (
    <li className="message" data-pending={pending.failed ? 'failed' : 'sending'} data-client-id={pending.clientId}>
      {pending.replyTo && <ReplyQuote quote={pending.replyTo} />}
      {pending.text && <MessageText text={pending.text} />}
      {pending.attachments && <MessageAttachments attachments={pending.attachments} pending />}
      {pending.failed ? (
        <p className="message-status message-failed" role="alert">
          Not sent: {pending.failed}{' '}
          <button type="button" className="link-button" onClick={() => onRetry(pending.clientId)}>
            Retry
          </button>
        </p>
      ) : (
        <p className="message-status">Sending…</p>
      )}
    </li>
  );
}
