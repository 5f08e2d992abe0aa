'use client';

import type { QuotedMessage } from '@/lib/chat/types';
import { useHydrated } from '@/lib/chat/use-hydrated';

/** The first line of what a reply answers, to keep the quote one line high. */
function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

/**
 * A compact quote of the message a reply answers. With JavaScript it is a button that
 * brings the original into view; without, plain text.
 */
export function ReplyQuote({ quote, onJump }: { quote: QuotedMessage; onJump?: (id: string) => void }) {
  const hydrated = useHydrated();
  const content = (
    <>
      <span className="visually-hidden">In reply to </span>
      <span className="reply-quote-author">{quote.author.name}</span>{' '}
      {quote.deletedAt ? (
        <span className="reply-quote-text message-deleted-note">message deleted</span>
      ) : (
        <span className="reply-quote-text">{firstLine(quote.text)}</span>
      )}
    </>
  );
  if (!hydrated || !onJump) return <p className="reply-quote">{content}</p>;
  return (
    <button type="button" className="reply-quote" title="Show the original message" onClick={() => onJump(quote.id)}>
      {content}
    </button>
  );
}
