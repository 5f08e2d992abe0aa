'use client';

import { type MouseEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type NotificationLevel, roomLabel } from '@/lib/chat/sidebar';
import type { Message, RoomView, User } from '@/lib/chat/types';
import { dividerMessageId } from '@/lib/chat/unread';
import { useConnectionStatus } from '@/lib/chat/use-connection';
import { useOnlineUsers } from '@/lib/chat/use-presence';
import { useReadMarker } from '@/lib/chat/use-read-marker';
import { useRoomMembers } from '@/lib/chat/use-room-members';
import { useRoomMessages } from '@/lib/chat/use-room-messages';
import { useTypingUsers } from '@/lib/chat/use-typing';
import { useTypingNotifier } from '@/lib/chat/use-typing-notifier';
import { Composer } from './Composer';
import { LiveRegion } from './LiveRegion';
import { MessageControlsProvider } from './MessageControls';
import { MessageList } from './MessageList';
import { RoomHeader } from './RoomHeader';
import { TypingIndicator } from './TypingIndicator';
import { useMessageControlsFor } from './use-message-controls';

/** How many announcements stay in the live region. */
const ANNOUNCEMENTS_KEPT = 5;

interface Props {
  room: RoomView;
  viewer: User;
  formClientId: string;
  menuOpen: boolean;
  onMenu: (event: MouseEvent<HTMLAnchorElement>) => void;
  /** The viewer's notification level here, kept live by the sidebar. */
  level: NotificationLevel;
  /** Other rooms have unread messages. */
  unreadElsewhere?: boolean;
  /** The viewer has seen this room up to `seq`. */
  onSeen: (seq: number) => void;
  /** Whether the viewer is looking at the newest messages (tab visible, list at its end). */
  onReadingChange: (reading: boolean) => void;
}

export function Room(props: Props) {
  const { room, viewer, formClientId, menuOpen, onMenu, level, unreadElsewhere, onSeen, onReadingChange } = props;
  const [announcements, setAnnouncements] = useState<{ key: string; text: string }[]>([]);
  const announce = useCallback(
    (message: Message) => {
      if (message.author.id === viewer.id) return;
      const entry = { key: message.id, text: `${message.author.name}: ${message.text}` };
      setAnnouncements((list) => [...list, entry].slice(-ANNOUNCEMENTS_KEPT));
    },
    [viewer.id],
  );

  const members = useRoomMembers(room.id);
  const chat = useRoomMessages({
    roomId: room.id,
    viewerId: viewer.id,
    onLiveMessage: announce,
    onMembersChanged: members.invalidate,
  });
  const controls = useMessageControlsFor(chat, room, viewer);

  // Where the viewer's reading stood when the room was opened (later answers of RoomView,
  // refetched after markRead, must not move the "New" divider).
  const [opened] = useState(() => ({
    lastSeq: room.lastMessage?.seq ?? 0,
    unreadCount: room.isMember ? room.unreadCount : 0,
  }));
  const bottom = useRef<HTMLDivElement>(null);
  const read = useReadMarker({
    roomId: room.id,
    viewerId: viewer.id,
    isMember: room.isMember,
    messages: chat.messages,
    opened,
    bottom,
    onSeen,
  });
  const firstUnreadId = dividerMessageId(chat.messages, read.dividerSeq, viewer.id, chat.hasOlder);
  useEffect(() => onReadingChange(read.reading), [read.reading, onReadingChange]);

  // A link to a message (a notification's, say): /rooms/<id>#message-<messageId>.
  const { jumpTo } = controls.value;
  useEffect(() => {
    const match = /^#message-(.+)$/.exec(location.hash);
    if (match?.[1]) jumpTo(decodeURIComponent(match[1]));
  }, [jumpTo]);
  const typists = useTypingUsers(room.id);
  const typing = useTypingNotifier(room.id);
  const status = useConnectionStatus();
  const others = useOnlineUsers(room.id, room.online);
  // The snapshot predates our own subscriptions: we are here whenever we are live.
  const online = useMemo(
    () =>
      status.kind === 'live' && !others.some((u) => u.id === viewer.id)
        ? [...others, viewer].sort((a, b) => a.name.localeCompare(b.name))
        : others,
    [others, status.kind, viewer],
  );

  return (
    <main className="room" id="main" data-room-id={room.id}>
      <RoomHeader
        room={room}
        level={level}
        online={online}
        viewerId={viewer.id}
        viewerName={viewer.name}
        status={status}
        menuOpen={menuOpen}
        unreadElsewhere={unreadElsewhere}
        onMenu={onMenu}
      />
      {chat.streamError && (
        <p className="banner" role="alert">
          Live updates stopped: {chat.streamError} Reload the page to try again.
        </p>
      )}
      {controls.jumpFailed && (
        <p className="banner" role="alert">
          The original message is too far back to show here.{' '}
          <button type="button" className="link-button" onClick={controls.dismissJumpFailed}>
            Dismiss
          </button>
        </p>
      )}
      <MessageControlsProvider value={controls.value}>
        <MessageList
          roomName={roomLabel(room, viewer.name)}
          viewer={viewer}
          messages={chat.messages}
          firstUnreadId={firstUnreadId}
          bottomRef={bottom}
          pending={chat.pending}
          hasOlder={chat.hasOlder}
          loadingOlder={chat.loadingOlder}
          onLoadOlder={chat.loadOlder}
          onRetry={chat.retry}
        />
      </MessageControlsProvider>
      <TypingIndicator names={typists} />
      <Composer
        roomId={room.id}
        roomName={roomLabel(room, viewer.name)}
        viewerId={viewer.id}
        formClientId={formClientId}
        replyTo={controls.replyTo}
        members={members.members}
        onNeedMembers={members.load}
        onCancelReply={controls.cancelReply}
        onEditLast={controls.editLast}
        onSend={controls.send}
        onTextChange={typing.changed}
        onStopTyping={typing.stopped}
      />
      <LiveRegion announcements={announcements} />
    </main>
  );
}
