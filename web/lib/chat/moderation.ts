import type { RoomEventKind, RoomRole } from '@/gql/graphql';

export type { RoomRole };

/** What the members panel can offer for one member. */
export type MemberAction = 'makeOwner' | 'makeModerator' | 'makeMember' | 'remove' | 'ban';

/** The role each "Make …" action gives. */
export const ACTION_ROLE: Partial<Record<MemberAction, RoomRole>> = {
  makeOwner: 'OWNER',
  makeModerator: 'MODERATOR',
  makeMember: 'MEMBER',
};

export const ACTION_LABEL: Record<MemberAction, string> = {
  makeOwner: 'Make owner',
  makeModerator: 'Make moderator',
  makeMember: 'Make member',
  remove: 'Remove from room',
  ban: 'Ban from room',
};

/**
 * What the viewer may do to another member, by the API's rules (server/rules.ts, the
 * README's table): owners give any role and remove or ban anyone but an owner;
 * moderators remove or ban members only; members nothing. `target.role` comes from
 * `Room.members`' edges; when it is null or undefined (not known) everything the viewer's role
 * could do is offered, and the API refuses what does not apply.
 * Nothing is offered on oneself, and nothing in a direct room (no roles there).
 */
export function memberActions(
  viewerRole: RoomRole | null | undefined,
  target: { self: boolean; role?: RoomRole | null },
  direct = false,
): MemberAction[] {
  if (direct || target.self || !viewerRole || viewerRole === 'MEMBER') return [];
  const role = target.role;
  if (viewerRole === 'MODERATOR') return role == null || role === 'MEMBER' ? ['remove', 'ban'] : [];
  const roles: MemberAction[] = (['makeOwner', 'makeModerator', 'makeMember'] as const).filter(
    (action) => role == null || ACTION_ROLE[action] !== role,
  );
  return role === 'OWNER' ? roles : [...roles, 'remove', 'ban'];
}

/** Owners and moderators change the room's name, topic and slow mode. */
export function canEditRoom(viewerRole: RoomRole | null | undefined, direct = false): boolean {
  return !direct && (viewerRole === 'OWNER' || viewerRole === 'MODERATOR');
}

/** Any member may leave a channel (the API keeps `general`'s last owner); nobody leaves a direct room. */
export function canLeave(room: { kind: 'CHANNEL' | 'DIRECT'; isMember: boolean }): boolean {
  return room.kind !== 'DIRECT' && room.isMember;
}

/** The slow mode choices of the settings form, in seconds (0: off). */
export const SLOW_MODE_CHOICES: readonly number[] = [0, 10, 30, 60, 300, 900, 3_600, 21_600];

/** "off", "10 s", "1 min", "5 min", "1 h", "6 h"; any other value in the largest whole unit. */
export function slowModeLabel(seconds: number): string {
  if (seconds <= 0) return 'off';
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** The badge beside a member's name in the members panel: "Owner", "Moderator", or none for a member. */
export function roleLabel(role: RoomRole | null | undefined): string | null {
  return role === 'OWNER' ? 'Owner' : role === 'MODERATOR' ? 'Moderator' : null;
}

/** "a moderator", "an owner", "a member". */
export function roleWithArticle(role: RoomRole): string {
  return role === 'OWNER' ? 'an owner' : role === 'MODERATOR' ? 'a moderator' : 'a member';
}

interface Person {
  id: string;
  name: string;
}

/** What the timeline needs of a room change (`RoomEvent`). */
export interface TimelineEvent {
  kind: RoomEventKind;
  user?: Person | null;
  actor?: Person | null;
  room: RoomSettings;
  /** The role given, for a role change, when it is known. */
  role?: RoomRole | null;
}

/** The room's settings as a ROOM_UPDATED event shows them after the change. */
export interface RoomSettings {
  name: string;
  topic?: string | null;
  slowModeSeconds?: number | null;
}

/** A line starts with a capital unless it starts with someone's name, which is theirs to spell. */
const capitalised = (text: string) =>
  /^(you|someone|slow mode)\b/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;

/**
 * The small timeline lines a member or room change makes ("maya joined", "maya removed
 * theo", "jonas renamed the room to Books"), in the viewer's words ("you" for them).
 * `before`: the room's settings before a ROOM_UPDATED without a user, to say what
 * changed. Message events make none.
 */
export function timelineLines(event: TimelineEvent, viewerId: string, before?: RoomSettings): string[] {
  const who = (person: Person) => (person.id === viewerId ? 'you' : person.name);
  const { user, actor } = event;
  const byOther = Boolean(user && actor && actor.id !== user.id);
  const line = (text: string) => [capitalised(text)];
  switch (event.kind) {
    case 'MEMBER_JOINED':
      if (!user) return [];
      return byOther ? line(`${who(actor!)} invited ${who(user)}`) : line(`${who(user)} joined`);
    case 'MEMBER_LEFT':
      if (!user) return [];
      return byOther ? line(`${who(actor!)} removed ${who(user)}`) : line(`${who(user)} left`);
    case 'ROOM_UPDATED': {
      const by = actor ? who(actor) : 'someone';
      if (user) {
        const whose = user.id === viewerId ? 'your' : `${user.name}'s`;
        return event.role
          ? line(`${by} made ${who(user)} ${roleWithArticle(event.role)}`)
          : line(`${by} changed ${whose} role`);
      }
      const after = event.room;
      const lines: string[] = [];
      if (before && after.name !== before.name) lines.push(`${by} renamed the room to ${after.name}`);
      const topic = after.topic ?? '';
      if (before && after.topic !== undefined && topic !== (before.topic ?? '')) {
        lines.push(topic === '' ? `${by} cleared the topic` : `${by} changed the topic to ${topic}`);
      }
      const slow = after.slowModeSeconds;
      if (before && slow !== undefined && slow !== null && slow !== (before.slowModeSeconds ?? 0)) {
        lines.push(`slow mode is now ${slowModeLabel(slow)}`);
      }
      if (lines.length === 0 && !before) lines.push(`${by} changed the room's settings`);
      return lines.map(capitalised);
    }
    default:
      return [];
  }
}

/** One line of the timeline, placed after the message that was newest when it happened. */
export interface TimelineLine {
  key: string;
  text: string;
  /** The newest message of the room when the change happened; null: before any. */
  afterId: string | null;
  at: string;
}

/**
 * A deleted message's tombstone: "message deleted" when its author deleted it, "message
 * removed by maya" when an owner or moderator did (`Message.deletedBy`).
 */
export function tombstoneText(message: { author: Person; deletedBy?: Person | null }, viewerId: string): string {
  const by = message.deletedBy;
  if (!by || by.id === message.author.id) return 'message deleted';
  return `message removed by ${by.id === viewerId ? 'you' : by.name}`;
}

/** How the viewer lost the room, for the explanation. */
export interface AccessLoss {
  /** They left it themselves (here or in another tab). */
  left: boolean;
  /** They were banned: they cannot come back. */
  banned?: boolean;
  /** Who removed them, when known. */
  by?: string;
}

/**
 * How the loss reads from the feed's last FORBIDDEN, whose `extensions.reason` says why
 * (LEFT, REMOVED, BANNED) and `extensions.by` who; undefined when it does not say.
 */
export function accessLossFrom(reason: string | undefined, by: string | undefined): Partial<AccessLoss> {
  if (reason === 'LEFT') return { left: true };
  if (reason === 'REMOVED' || reason === 'BANNED')
    return { left: false, banned: reason === 'BANNED', ...(by && { by }) };
  return {};
}

/** "You left #books" / "You were removed from #books by maya" / "You were banned from #books by maya". */
export function accessLossText(loss: AccessLoss, roomLabel: string): string {
  if (loss.left) return `You left ${roomLabel}.`;
  return `You were ${loss.banned ? 'banned' : 'removed'} from ${roomLabel}${loss.by ? ` by ${loss.by}` : ''}.`;
}
