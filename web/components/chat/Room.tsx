'use client';

import { type DragEvent, type MouseEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { type NotificationLevel, roomLabel } from '@/lib/chat/sidebar';
import type { Message, RoomView, User } from '@/lib/chat/types';
import { dividerMessageId } from '@/lib/chat/unread';
import { useConnectionStatus } from '@/lib/chat/use-connection';
import { useOnline } from '@/lib/chat/use-presence';
import { useReadMarker } from '@/lib/chat/use-read-marker';
import { useRoomMembers } from '@/lib/chat/use-room-members';
import { useRoomMessages } from '@/lib/chat/use-room-messages';
import { useRoomTimeline } from '@/lib/chat/use-room-timeline';
import { accessLossText } from '@/lib/chat/moderation';
import { useTyping } from '@/lib/chat/use-typing';
import { useTypingNotifier } from '@/lib/chat/use-typing-notifier';
import type { RoomChoice } from '@/lib/search/query';
import { Composer } from './Composer';
import { ImageViewerProvider } from './ImageViewer';
import { LiveRegion } from './LiveRegion';
import { MessageControlsProvider } from './MessageControls';
import { MessageList } from './MessageList';
import { RoomHeader } from './RoomHeader';
import { TypingIndicator } from './TypingIndicator';
import { useMessageControlsFor } from './use-message-controls';
import { useAttachmentDrafts } from './use-attachment-drafts';
import { useProfiles } from '../profile/Profiles';

const NO_ROOMS: RoomChoice[] = [];

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
  /** The message the page was opened at (`?around=`): the server rendered the stretch around it. */
  around?: string | null;
  /** `?around=` named a message this room does not have (or no longer shows). */
  aroundMissing?: boolean;
  /** The viewer's rooms, for the header's search (`in:` and result labels). */
  searchRooms?: readonly RoomChoice[];
  /** Whether the sidebar lists the viewer as a member of this room (live). */
  sidebarMember?: boolean;
  /** Where to go after leaving this room (a room id). */
  leaveTo?: string;
}

export function Room(props: Props) {
  const { room, viewer, formClientId, menuOpen, onMenu, level, unreadElsewhere, onSeen, onReadingChange } = props;
  const { around = null, aroundMissing = false, searchRooms = NO_ROOMS, sidebarMember, leaveTo = 'general' } = props;
  const [missingShown, setMissingShown] = useState(aroundMissing);
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
  const timeline = useRoomTimeline(room, viewer, sidebarMember);
  const chat = useRoomMessages({
    roomId: room.id,
    viewerId: viewer.id,
    onLiveMessage: announce,
    onMembersChanged: members.invalidate,
    onRoomChange: timeline.onRoomChange,
    onAccessLost: timeline.onAccessLost,
    around,
  });
  const lost = timeline.loss;
  const profiles = useProfiles();
  const named = roomLabel(room, viewer.name, profiles);
  const label = room.kind === 'DIRECT' ? named : `#${room.name}`;
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
    olderStretch: chat.hasNewer,
  });
  const firstUnreadId = dividerMessageId(chat.messages, read.dividerSeq, viewer.id, chat.hasOlder);
  useEffect(() => onReadingChange(read.reading), [read.reading, onReadingChange]);

  // A link to a message: /rooms/<id>?around=<messageId>#message-<messageId> (a search
  // result: the server rendered the stretch around it) or /rooms/<id>#message-<messageId>
  // (a notification's: held, or loaded around it here). Both end the same way, the
  // message in view and highlighted; so does a later change of the hash.
  const { jumpTo } = controls.value;
  useEffect(() => {
    const fromHash = () => {
      const match = /^#message-(.+)$/.exec(location.hash);
      return match?.[1] ? decodeURIComponent(match[1]) : null;
    };
    const target = fromHash() ?? around;
    if (target) jumpTo(target, { target: true });
    const onHashChange = () => {
      const id = fromHash();
      if (id) jumpTo(id, { target: true });
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [jumpTo, around]);
  const { jumpToNewest: showNewest } = chat;
  const router = useRouter();
  const jumpToNewest = useCallback(() => {
    // Opened at `?around=`: the room's own address renders the newest messages (and the
    // address no longer names a message). Else the list is replaced here, the feed kept.
    if (new URLSearchParams(location.search).has('around')) router.replace(location.pathname, { scroll: false });
    else void showNewest();
  }, [router, showNewest]);
  const typists = useTyping(room.id);
  const typing = useTypingNotifier(room.id);
  const status = useConnectionStatus();
  const others = useOnline(room.id, { users: room.online, count: room.onlineCount });
  // The snapshot predates our own subscriptions: we are here whenever we are live.
  const online = useMemo(() => {
    if (status.kind !== 'live' || others.users.some((u) => u.id === viewer.id)) return others;
    const users = [...others.users, viewer].sort((a, b) => a.name.localeCompare(b.name));
    return { users, count: Math.max(others.count, users.length) };
  }, [others, status.kind, viewer]);

  // Files dropped anywhere on the room join the message being written.
  const files = useAttachmentDrafts(room.id);
  const [dragging, setDragging] = useState(false);
  const carriesFiles = (event: DragEvent) => !lost && event.dataTransfer.types.includes('Files');
  const dropHandlers = {
    onDragEnter: (event: DragEvent<HTMLElement>) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      setDragging(true);
    },
    onDragOver: (event: DragEvent<HTMLElement>) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: (event: DragEvent<HTMLElement>) => {
      if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
    },
    onDrop: (event: DragEvent<HTMLElement>) => {
      setDragging(false);
      if (!carriesFiles(event)) return;
      event.preventDefault();
      files.add(Array.from(event.dataTransfer.files));
      document.getElementById('composer-text')?.focus();
    },
  };

  const onLeft = useCallback(
    (left: boolean) => {
      if (!left) return timeline.leaveFailed();
      router.push(`/rooms/${encodeURIComponent(leaveTo)}`);
    },
    [router, leaveTo, timeline],
  );

  return (
    <main
      className="room"
      id="main"
      data-room-id={room.id}
      data-access-lost={lost ? true : undefined}
      data-dragging={dragging || undefined}
      {...dropHandlers}
    >
      <RoomHeader
        room={room}
        viewer={viewer}
        lost={lost !== null}
        onLeaving={timeline.leaving}
        onLeft={onLeft}
        level={level}
        online={online}
        viewerId={viewer.id}
        viewerName={viewer.name}
        status={status}
        menuOpen={menuOpen}
        unreadElsewhere={unreadElsewhere}
        onMenu={onMenu}
        searchRooms={searchRooms}
      />
      {lost && (
        <div className="banner banner-lost" role="alert" data-testid="access-lost">
          <p>
            <strong>{accessLossText(lost, label)}</strong>{' '}
            {room.isPrivate || room.kind === 'DIRECT'
              ? 'You can no longer read or send messages here.'
              : 'You can no longer send messages here.'}
          </p>
          <a className="button button-small" href="/rooms/general">
            Go to #general
          </a>
        </div>
      )}
      {chat.streamError && !lost && (
        <p className="banner" role="alert">
          Live updates stopped: {chat.streamError} Reload the page to try again.
        </p>
      )}
      {(controls.jumpFailed || missingShown) && (
        <p className="banner" role="alert">
          That message could not be found: it may have been deleted.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              controls.dismissJumpFailed();
              setMissingShown(false);
            }}
          >
            Dismiss
          </button>
        </p>
      )}
      <MessageControlsProvider value={controls.value}>
        <ImageViewerProvider messages={chat.messages}>
          <MessageList
            roomName={named}
            viewer={viewer}
            messages={chat.messages}
            firstUnreadId={firstUnreadId}
            bottomRef={bottom}
            pending={chat.pending}
            hasOlder={chat.hasOlder}
            loadingOlder={chat.loadingOlder}
            onLoadOlder={chat.loadOlder}
            hasNewer={chat.hasNewer}
            loadingNewer={chat.loadingNewer}
            onLoadNewer={chat.loadNewer}
            onJumpToNewest={jumpToNewest}
            newestHref={`/rooms/${encodeURIComponent(room.id)}`}
            unseenNewer={chat.unseenNewer}
            stretch={chat.stretch}
            openedAtMessage={around !== null}
            onRetry={chat.retry}
            timeline={timeline.lines}
          />
        </ImageViewerProvider>
      </MessageControlsProvider>
      <TypingIndicator typing={typists} />
      <Composer
        roomId={room.id}
        roomName={named}
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
        disabled={lost ? accessLossText(lost, label) : undefined}
        slowMode={chat.slowMode}
        files={files}
      />
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <p>Drop files to add them to your message</p>
        </div>
      )}
      <LiveRegion announcements={announcements} />
    </main>
  );
}
