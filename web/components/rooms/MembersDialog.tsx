'use client';

import { useCallback, useEffect, useState } from 'react';
import { useClient } from '@urql/next';
import {
  ACTION_LABEL,
  ACTION_ROLE,
  type MemberAction,
  type RoomRole,
  memberActions,
  roleLabel,
  roleWithArticle,
} from '@/lib/chat/moderation';
import type { User } from '@/lib/chat/types';
import { errorMessage } from '@/lib/errors';
import {
  MembersOnlineQuery,
  MembersPanelQuery,
  RemoveMemberMutation,
  SetRoleMutation,
} from '@/lib/operations/moderation';
import { Avatar } from '../chat/Avatar';
import { PersonName } from '../profile/Profiles';
import { ConfirmDialog, Dialog } from '../ui/Dialog';
import { Menu } from '../ui/Menu';

/** Members one query asks about (the server's ONLINE_AMONG_MAX). */
const ONLINE_AMONG_MAX = 100;

/** A member of the list, with their role in the room (null when the API gives none). */
interface Member extends User {
  role: RoomRole | null;
}

interface Props {
  open: boolean;
  onClose: () => void;
  roomId: string;
  /** "#books" or the people of a direct room. */
  roomLabel: string;
  viewer: User;
  viewerRole: RoomRole | null | undefined;
  direct: boolean;
  /**
   * Who is online in the room now: some of them in a crowd (the page the room read), and
   * how many. The listed members not among them are asked about, and again when it changes.
   */
  online: readonly User[];
  onlineCount: number;
}

interface Notice {
  userId: string;
  text: string;
  error?: boolean;
}

/**
 * The room's members by name, a page at a time, with who is online, which one is the
 * viewer and each one's role ("Owner", "Moderator"). Owners and moderators get a menu per
 * member with what their role may do to that member (memberActions); a ban asks first. Results and refusals show on the member's row.
 */
export function MembersDialog({
  open,
  onClose,
  roomId,
  roomLabel,
  viewer,
  viewerRole,
  direct,
  online,
  onlineCount,
}: Props) {
  const client = useClient();
  const [members, setMembers] = useState<Member[]>([]);
  const [next, setNext] = useState<{ hasMore: boolean; after: string | null }>({ hasMore: false, after: null });
  const [count, setCount] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string>();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [banning, setBanning] = useState<Member | null>(null);
  const [banState, setBanState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const onlineIds = new Set(online.map((u) => u.id));
  /** Of the listed members, those the server said are online when last asked. */
  const [onlineAmong, setOnlineAmong] = useState<ReadonlySet<string>>(new Set());
  const memberIds = members.map((m) => m.id).join(' ');

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      setLoadError(undefined);
      const result = await client
        .query(MembersPanelQuery, { id: roomId, after }, { requestPolicy: 'network-only' })
        .toPromise();
      setLoading(false);
      const room = result.data?.room;
      if (!room) return setLoadError(errorMessage(result.error));
      const page = room.members.edges.map((e): Member => ({ ...e.node, role: e.role ?? null }));
      setMembers((list) =>
        after === null ? page : [...list, ...page.filter((u) => !list.some((m) => m.id === u.id))],
      );
      setNext({ hasMore: room.members.pageInfo.hasNextPage, after: room.members.pageInfo.endCursor ?? null });
      setCount(room.memberCount);
    },
    [client, roomId],
  );

  useEffect(() => {
    if (!open) return;
    setNotice(null);
    void load(null);
  }, [open, load]);

  // Asked again when the list grows or the room's presence changes: `online` is a new
  // list each time it does (once a window at most), even when the count stays the same.
  useEffect(() => {
    if (!open || memberIds === '') return;
    let current = true;
    const ids = memberIds.split(' ');
    const asked: string[][] = [];
    for (let k = 0; k < ids.length; k += ONLINE_AMONG_MAX) asked.push(ids.slice(k, k + ONLINE_AMONG_MAX));
    void Promise.all(
      asked.map((among) =>
        client.query(MembersOnlineQuery, { id: roomId, among }, { requestPolicy: 'network-only' }).toPromise(),
      ),
    ).then((results) => {
      // An answer that failed keeps what was known.
      if (!current || results.some((r) => !r.data?.room)) return;
      setOnlineAmong(new Set(results.flatMap((r) => r.data!.room!.online.map((u) => u.id))));
    });
    return () => {
      current = false;
    };
  }, [open, client, roomId, memberIds, online]);

  const setRole = async (member: Member, role: RoomRole) => {
    setNotice(null);
    const result = await client.mutation(SetRoleMutation, { roomId, userName: member.name, role }).toPromise();
    if (!result.data) return setNotice({ userId: member.id, text: errorMessage(result.error), error: true });
    setMembers((list) => list.map((m) => (m.id === member.id ? { ...m, role } : m)));
    setNotice({ userId: member.id, text: `${member.name} is now ${roleWithArticle(role)}.` });
  };

  const remove = async (member: Member, ban: boolean): Promise<string | undefined> => {
    setNotice(null);
    const result = await client.mutation(RemoveMemberMutation, { roomId, userName: member.name, ban }).toPromise();
    if (!result.data) return errorMessage(result.error);
    setMembers((list) => list.filter((m) => m.id !== member.id));
    setCount(result.data.removeMember.memberCount);
    setNotice({ userId: '', text: `${member.name} was ${ban ? 'banned from' : 'removed from'} ${roomLabel}.` });
    return undefined;
  };

  const run = (member: Member, action: MemberAction) => {
    const role = ACTION_ROLE[action];
    if (role) return void setRole(member, role);
    if (action === 'ban') {
      setBanState({ busy: false });
      return setBanning(member);
    }
    void remove(member, false).then((error) => error && setNotice({ userId: member.id, text: error, error: true }));
  };

  const confirmBan = async () => {
    if (!banning) return;
    setBanState({ busy: true });
    const error = await remove(banning, true);
    if (error) return setBanState({ busy: false, error });
    setBanning(null);
  };

  return (
    <>
      <Dialog open={open} onClose={onClose} title={`Members of ${roomLabel}`} className="members-dialog">
        <p className="muted members-summary" aria-live="polite">
          {count === null
            ? 'Loading members…'
            : `${count} member${count === 1 ? '' : 's'}, ${onlineCount.toLocaleString('en-US')} online`}
        </p>
        {notice && notice.userId === '' && (
          <p className="success" role="status">
            {notice.text}
          </p>
        )}
        <ul className="members-list" aria-label="Members">
          {members.map((member) => {
            const self = member.id === viewer.id;
            const items = memberActions(viewerRole, { self, role: member.role }, direct).map((action) => ({
              key: action,
              label: ACTION_LABEL[action],
              danger: action === 'remove' || action === 'ban',
              onSelect: () => run(member, action),
            }));
            const isOnline = self || onlineIds.has(member.id) || onlineAmong.has(member.id);
            const rowNotice = notice && notice.userId === member.id ? notice : null;
            const badge = direct ? null : roleLabel(member.role);
            return (
              <li key={member.id} className="member-row" data-member={member.name}>
                <Avatar user={member} size="sm" />
                <span className="presence-dot" data-online={isOnline || undefined} aria-hidden="true" />
                <span className="member-name">
                  <PersonName user={member} />
                  {self && <span className="muted"> (you)</span>}
                  <span className="visually-hidden">{isOnline ? ', online' : ', offline'}</span>
                </span>
                {badge && (
                  <span className="role-badge" data-role={member.role}>
                    <span className="visually-hidden">, </span>
                    {badge}
                  </span>
                )}
                <Menu label={`Actions for ${member.name}`} items={items} className="member-menu">
                  <span aria-hidden="true">⋯</span>
                </Menu>
                {rowNotice && (
                  <p
                    className={rowNotice.error ? 'field-error member-notice' : 'success member-notice'}
                    role={rowNotice.error ? 'alert' : 'status'}
                  >
                    {rowNotice.text}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
        {loadError && (
          <p className="field-error" role="alert">
            {loadError}
          </p>
        )}
        {next.hasMore && (
          <button type="button" className="quiet-button" disabled={loading} onClick={() => void load(next.after)}>
            {loading ? 'Loading…' : 'Show more members'}
          </button>
        )}
      </Dialog>
      <ConfirmDialog
        open={banning !== null}
        title={`Ban ${banning?.name ?? ''}?`}
        confirmLabel="Ban"
        busy={banState.busy}
        error={banState.error}
        onConfirm={() => void confirmBan()}
        onCancel={() => setBanning(null)}
      >
        <p>
          {banning?.name} will be removed from {roomLabel} and cannot join, be invited, read or send there again.
        </p>
      </ConfirmDialog>
    </>
  );
}
