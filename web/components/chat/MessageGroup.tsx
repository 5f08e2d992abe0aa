import { memo } from 'react';
import type { ChatGroup } from '@/lib/chat/groups';
import { Avatar } from './Avatar';
import { MessageText } from './MessageText';
import { RelativeTime } from './RelativeTime';

interface Props {
  group: ChatGroup;
  own: boolean;
  onRetry: (clientId: string) => void;
}

/** A run of messages by one author: one header (avatar, name, time), then the texts. */
export const MessageGroup = memo(function MessageGroup({ group, own, onRetry }: Props) {
  return (
    <li className="group" data-own={own || undefined}>
      {!own && <Avatar user={group.author} />}
      <div className="group-body">
        <p className="group-header">
          <span className="author">{own ? 'You' : group.author.name}</span>
          <RelativeTime iso={group.createdAt} />
        </p>
        <ul className="group-messages">
          {group.items.map((item) =>
            item.kind === 'message' ? (
              <li key={item.key} className="message" data-message-id={item.message.id}>
                <MessageText text={item.message.text} />
              </li>
            ) : (
              <li
                key={item.key}
                className="message"
                data-pending={item.pending.failed ? 'failed' : 'sending'}
                data-client-id={item.pending.clientId}
              >
                <MessageText text={item.pending.text} />
                {item.pending.failed ? (
                  <p className="message-status message-failed" role="alert">
                    Not sent: {item.pending.failed}{' '}
                    <button type="button" className="link-button" onClick={() => onRetry(item.pending.clientId)}>
                      Retry
                    </button>
                  </p>
                ) : (
                  <p className="message-status">Sending…</p>
                )}
              </li>
            ),
          )}
        </ul>
      </div>
    </li>
  );
});
