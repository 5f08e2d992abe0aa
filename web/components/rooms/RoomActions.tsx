'use client';

import { useState } from 'react';
import { useMutation } from '@urql/next';
import { canEditRoom, canLeave } from '@/lib/chat/moderation';
import type { RoomView, User } from '@/lib/chat/types';
import { useHydrated } from '@/lib/chat/use-hydrated';
import { errorMessage } from '@/lib/errors';
import { LeaveRoomMutation } from '@/lib/operations/moderation';
import { ConfirmDialog } from '../ui/Dialog';
import { Menu, type MenuItem } from '../ui/Menu';
import { MembersDialog } from './MembersDialog';
import { RoomSettingsDialog } from './RoomSettingsDialog';

interface Props {
  room: RoomView;
  roomLabel: string;
  viewer: User;
  /** Some of the people online (at most 50 in a crowd), and how many there are. */
  online: readonly User[];
  onlineCount: number;
  /** Called before leaving is asked of the API, then with whether it worked. */
  onLeaving: () => void;
  onLeft: (left: boolean) => void;
}

/** The header's "Members" button and the room's menu: settings (owners, moderators) and leaving. */
export function RoomActions({ room, roomLabel, viewer, online, onlineCount, onLeaving, onLeft }: Props) {
  const [open, setOpen] = useState<'members' | 'settings' | 'leave' | null>(null);
  const [{ fetching: leaving }, leave] = useMutation(LeaveRoomMutation);
  const [leaveError, setLeaveError] = useState<string>();
  const direct = room.kind === 'DIRECT';
  const close = () => setOpen(null);
  // Dialogs need JavaScript: without it these would be dead controls.
  const hydrated = useHydrated();

  // Members first: on phones the header has no room for its button.
  const items: MenuItem[] = [{ key: 'members', label: 'Members…', onSelect: () => setOpen('members') }];
  if (canEditRoom(room.viewerRole, direct)) {
    items.push({ key: 'settings', label: 'Room settings…', onSelect: () => setOpen('settings') });
  }
  if (canLeave(room)) {
    items.push({
      key: 'leave',
      label: 'Leave room…',
      danger: true,
      onSelect: () => {
        setLeaveError(undefined);
        setOpen('leave');
      },
    });
  }

  const confirmLeave = async () => {
    onLeaving();
    const result = await leave({ id: room.id });
    const left = result.data?.leaveRoom !== undefined;
    if (!left) setLeaveError(errorMessage(result.error));
    else close();
    onLeft(left);
  };

  if (!hydrated) return null;
  return (
    <>
      <button
        type="button"
        className="button button-small button-quiet members-button"
        aria-haspopup="dialog"
        aria-label={`Members, ${room.memberCount}`}
        onClick={() => setOpen('members')}
      >
        <span className="members-label">Members </span>
        <span className="members-count">{room.memberCount}</span>
      </button>
      <Menu label="Room options" items={items}>
        <span aria-hidden="true">⋯</span>
      </Menu>
      <MembersDialog
        open={open === 'members'}
        onClose={close}
        roomId={room.id}
        roomLabel={roomLabel}
        viewer={viewer}
        viewerRole={room.viewerRole}
        direct={direct}
        online={online}
        onlineCount={onlineCount}
      />
      <RoomSettingsDialog
        open={open === 'settings'}
        onClose={close}
        room={{ id: room.id, name: room.name, topic: room.topic, slowModeSeconds: room.slowModeSeconds }}
      />
      <ConfirmDialog
        open={open === 'leave'}
        title={`Leave ${roomLabel}?`}
        confirmLabel="Leave room"
        busy={leaving}
        error={leaveError}
        onConfirm={() => void confirmLeave()}
        onCancel={close}
      >
        <p>
          {room.isPrivate
            ? `${roomLabel} is private: you will not see it again unless someone invites you back.`
            : `You can join ${roomLabel} again at any time.`}
        </p>
      </ConfirmDialog>
    </>
  );
}
