import { richText } from '@/lib/chat/mentions';
import type { User } from '@/lib/chat/types';

interface Props {
  text: string;
  mentions?: readonly User[];
  viewerId?: string;
}

/**
 * Message text as React text nodes, never HTML: markup in a message shows as typed. Only
 * http(s) URLs become links, opened in a new tab without handing it this page, and the
 * `@name`s the server resolved to members are marked (the viewer's own more strongly).
 */
export function MessageText({ text, mentions = [], viewerId }: Props) {
  return (
    <p className="message-text">
      {richText(text, mentions).map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : part.kind === 'mention' ? (
          <strong key={i} className="mention" data-self={part.user.id === viewerId || undefined}>
            {part.text}
          </strong>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </p>
  );
}
