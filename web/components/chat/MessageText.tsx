import { linkify } from '@/lib/chat/linkify';

/**
 * Message text as React text nodes, never HTML: markup in a message shows as typed. Only
 * http(s) URLs become links, opened in a new tab without handing it this page.
 */
export function MessageText({ text }: { text: string }) {
  return (
    <p className="message-text">
      {linkify(text).map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </p>
  );
}
