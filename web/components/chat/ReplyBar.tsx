import type { QuotedMessage } from '@/lib/chat/types';

/** Above the composer while answering a message: whom, what, and a way out. */
export function ReplyBar({ quote, onCancel }: { quote: QuotedMessage; onCancel: () => void }) {
  return (
    <div className="reply-bar" data-testid="reply-bar">
      <p className="reply-bar-text">
        Replying to <strong>{quote.author.name}</strong>
        <span className="reply-bar-quote">{quote.deletedAt ? 'message deleted' : quote.text.split('\n', 1)[0]}</span>
      </p>
      <button
        type="button"
        className="quiet-button"
        aria-label="Cancel reply"
        title="Cancel reply (Escape)"
        onClick={onCancel}
      >
        <span aria-hidden="true">✕</span>
      </button>
    </div>
  );
}
