import { memo } from 'react';
import type { ChatGroup } from '@/lib/chat/groups';
import { AuthorName } from '../profile/Profiles';
import { Avatar } from './Avatar';
import { MessageItem } from './MessageItem';
import { PendingItem } from './PendingItem';
import { RelativeTime } from './RelativeTime';

interface Props {
  group: ChatGroup;
  own: boolean;
  onRetry: (clientId: string) => void;
}

/** A run of messages by one author: one header (avatar, name, time), then the messages. */
export const MessageGroup = memo(function MessageGroup({ group, own, onRetry }: Props) {
  return (
    <li className="group" data-own={own || undefined}>
      {!own && <Avatar user={group.author} />}
      <div className="group-body">
        <p className="group-header">
          {own ? <span className="author">You</span> : <AuthorName user={group.author} />}
          {!own && group.author.isBot && (
            // The space keeps "deploy bot" two words for screen readers; the flex gap ignores it.
            <>
              {' '}
              <span className="bot-badge" data-testid="bot-badge">
                bot
              </span>
            </>
          )}
          <RelativeTime iso={group.createdAt} />
        </p>
        <ul className="group-messages">
          {group.items.map((item) =>
            item.kind === 'message' ? (
              <MessageItem key={item.key} message={item.message} own={own} />
            ) : (
              <PendingItem key={item.key} pending={item.pending} onRetry={onRetry} />
            ),
          )}
        </ul>
      </div>
    </li>
  );
});
