import { describe, expect, it } from 'vitest';
import {
  type RoomSettings,
  type TimelineEvent,
  accessLossFrom,
  accessLossText,
  canEditRoom,
  canLeave,
  memberActions,
  roleLabel,
  slowModeLabel,
  timelineLines,
  tombstoneText,
} from '../../web/lib/chat/moderation';
import { groupMessages } from '../../web/lib/chat/groups';
import { alice, bob, message } from './fixtures';

const maya = { id: 'u-maya', name: 'maya' };
const theo = { id: 'u-theo', name: 'theo' };
const jonas = { id: 'u-jonas', name: 'jonas' };
const viewer = { id: 'u-me', name: 'me' };
const room: RoomSettings = { name: 'books', topic: null, slowModeSeconds: 0 };

const event = (change: Partial<TimelineEvent>): TimelineEvent => ({ kind: 'MEMBER_JOINED', room, ...change });

describe('which member actions a role sees', () => {
  it('owners: every role and removal on others, nothing on themselves', () => {
    expect(memberActions('OWNER', { self: false })).toEqual([
      'makeOwner',
      'makeModerator',
      'makeMember',
      'remove',
      'ban',
    ]);
    expect(memberActions('OWNER', { self: true })).toEqual([]);
  });

  it('owners: no removal of another owner, and no "make" of the role already held', () => {
    expect(memberActions('OWNER', { self: false, role: 'OWNER' })).toEqual(['makeModerator', 'makeMember']);
    expect(memberActions('OWNER', { self: false, role: 'MODERATOR' })).toEqual([
      'makeOwner',
      'makeMember',
      'remove',
      'ban',
    ]);
  });

  it('moderators: remove or ban members only, never give roles', () => {
    expect(memberActions('MODERATOR', { self: false })).toEqual(['remove', 'ban']);
    expect(memberActions('MODERATOR', { self: false, role: 'MEMBER' })).toEqual(['remove', 'ban']);
    expect(memberActions('MODERATOR', { self: false, role: 'MODERATOR' })).toEqual([]);
    expect(memberActions('MODERATOR', { self: false, role: 'OWNER' })).toEqual([]);
  });

  it('owners on a member (role from the members list): every other role, removal and ban', () => {
    expect(memberActions('OWNER', { self: false, role: 'MEMBER' })).toEqual([
      'makeOwner',
      'makeModerator',
      'remove',
      'ban',
    ]);
  });

  it('a role the API did not give (null) is treated as unknown: the API refuses what does not apply', () => {
    expect(memberActions('MODERATOR', { self: false, role: null })).toEqual(['remove', 'ban']);
    expect(memberActions('OWNER', { self: false, role: null })).toEqual([
      'makeOwner',
      'makeModerator',
      'makeMember',
      'remove',
      'ban',
    ]);
  });

  it('nobody is offered removing or banning an owner', () => {
    for (const viewerRole of ['OWNER', 'MODERATOR', 'MEMBER'] as const) {
      const actions = memberActions(viewerRole, { self: false, role: 'OWNER' });
      expect(actions).not.toContain('remove');
      expect(actions).not.toContain('ban');
    }
  });

  it('role badges: Owner and Moderator, nothing for a member', () => {
    expect([
      roleLabel('OWNER'),
      roleLabel('MODERATOR'),
      roleLabel('MEMBER'),
      roleLabel(null),
      roleLabel(undefined),
    ]).toEqual(['Owner', 'Moderator', null, null, null]);
  });

  it('members, non-members and direct rooms: nothing', () => {
    expect(memberActions('MEMBER', { self: false })).toEqual([]);
    expect(memberActions(null, { self: false })).toEqual([]);
    expect(memberActions(undefined, { self: false })).toEqual([]);
    expect(memberActions('MEMBER', { self: false, role: 'MEMBER' })).toEqual([]);
    expect(memberActions('OWNER', { self: false }, true)).toEqual([]);
    expect(memberActions('OWNER', { self: false, role: 'MEMBER' }, true)).toEqual([]);
  });

  it('room settings for owners and moderators; leaving for members of channels', () => {
    expect([canEditRoom('OWNER'), canEditRoom('MODERATOR'), canEditRoom('MEMBER'), canEditRoom(null)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(canEditRoom('OWNER', true)).toBe(false);
    expect(canLeave({ kind: 'CHANNEL', isMember: true })).toBe(true);
    expect(canLeave({ kind: 'CHANNEL', isMember: false })).toBe(false);
    expect(canLeave({ kind: 'DIRECT', isMember: true })).toBe(false);
  });
});

describe('timeline lines from room changes', () => {
  it('joins and invitations', () => {
    expect(timelineLines(event({ user: maya, actor: maya }), viewer.id)).toEqual(['maya joined']);
    expect(timelineLines(event({ user: maya, actor: null }), viewer.id)).toEqual(['maya joined']);
    expect(timelineLines(event({ user: theo, actor: maya }), viewer.id)).toEqual(['maya invited theo']);
    expect(timelineLines(event({ user: viewer, actor: maya }), viewer.id)).toEqual(['maya invited you']);
  });

  it('leaving and removal', () => {
    expect(timelineLines(event({ kind: 'MEMBER_LEFT', user: theo, actor: theo }), viewer.id)).toEqual(['theo left']);
    expect(timelineLines(event({ kind: 'MEMBER_LEFT', user: theo, actor: maya }), viewer.id)).toEqual([
      'maya removed theo',
    ]);
    expect(timelineLines(event({ kind: 'MEMBER_LEFT', user: theo, actor: viewer }), viewer.id)).toEqual([
      'You removed theo',
    ]);
    expect(timelineLines(event({ kind: 'MEMBER_LEFT', user: viewer, actor: viewer }), viewer.id)).toEqual(['You left']);
  });

  it('roles: the new role when known, else that it changed', () => {
    const change = event({ kind: 'ROOM_UPDATED', user: maya, actor: jonas });
    expect(timelineLines({ ...change, role: 'MODERATOR' }, viewer.id)).toEqual(['jonas made maya a moderator']);
    expect(timelineLines({ ...change, role: 'OWNER' }, viewer.id)).toEqual(['jonas made maya an owner']);
    expect(timelineLines(change, viewer.id)).toEqual(["jonas changed maya's role"]);
    expect(timelineLines({ ...change, user: viewer, role: 'MEMBER' }, viewer.id)).toEqual(['jonas made you a member']);
    expect(timelineLines({ ...change, user: viewer }, viewer.id)).toEqual(['jonas changed your role']);
  });

  it('room settings: one line per thing that changed', () => {
    const updated = (after: Partial<RoomSettings>) =>
      timelineLines(event({ kind: 'ROOM_UPDATED', actor: jonas, room: { ...room, ...after } }), viewer.id, room);
    expect(updated({ name: 'Book club' })).toEqual(['jonas renamed the room to Book club']);
    expect(updated({ topic: 'Dune, chapters 1–3' })).toEqual(['jonas changed the topic to Dune, chapters 1–3']);
    expect(updated({ slowModeSeconds: 30 })).toEqual(['Slow mode is now 30 s']);
    expect(updated({ name: 'Club', slowModeSeconds: 3_600 })).toEqual([
      'jonas renamed the room to Club',
      'Slow mode is now 1 h',
    ]);
    const before = { ...room, topic: 'old', slowModeSeconds: 60 };
    const after = { ...room, topic: '', slowModeSeconds: 0 };
    expect(timelineLines(event({ kind: 'ROOM_UPDATED', actor: viewer, room: after }), viewer.id, before)).toEqual([
      'You cleared the topic',
      'Slow mode is now off',
    ]);
    // Nothing that differs from what the page knew (a replay): no line.
    expect(updated({})).toEqual([]);
  });

  it('names keep their own spelling; "you" and the rest start with a capital', () => {
    const lower = { id: 'u-x', name: 'x.ray' };
    expect(timelineLines(event({ user: lower, actor: lower }), viewer.id)).toEqual(['x.ray joined']);
    expect(timelineLines(event({ user: viewer, actor: viewer }), viewer.id)).toEqual(['You joined']);
    expect(timelineLines(event({ kind: 'ROOM_UPDATED', user: maya, actor: null }), viewer.id)).toEqual([
      "Someone changed maya's role",
    ]);
  });

  it('messages make no lines', () => {
    expect(timelineLines(event({ kind: 'MESSAGE_ADDED' }), viewer.id)).toEqual([]);
  });

  it('slow mode labels', () => {
    expect([0, 10, 30, 60, 300, 900, 3_600, 21_600, 45].map(slowModeLabel)).toEqual([
      'off',
      '10 s',
      '30 s',
      '1 min',
      '5 min',
      '15 min',
      '1 h',
      '6 h',
      '45 s',
    ]);
  });

  it('tombstones say when a moderator removed a message', () => {
    expect(tombstoneText({ author: maya, deletedBy: maya }, viewer.id)).toBe('message deleted');
    expect(tombstoneText({ author: maya, deletedBy: null }, viewer.id)).toBe('message deleted');
    expect(tombstoneText({ author: maya, deletedBy: jonas }, viewer.id)).toBe('message removed by jonas');
    expect(tombstoneText({ author: maya, deletedBy: viewer }, viewer.id)).toBe('message removed by you');
  });

  it('explains a lost room', () => {
    expect(accessLossText({ left: true }, '#books')).toBe('You left #books.');
    expect(accessLossText({ left: false }, '#books')).toBe('You were removed from #books.');
    expect(accessLossText({ left: false, by: 'maya' }, '#books')).toBe('You were removed from #books by maya.');
    expect(accessLossText({ left: false, banned: true, by: 'maya' }, '#books')).toBe(
      'You were banned from #books by maya.',
    );
  });

  it("reads the loss from the feed's last error: why, and by whom", () => {
    expect(accessLossFrom('LEFT', undefined)).toEqual({ left: true });
    expect(accessLossFrom('REMOVED', 'maya')).toEqual({ left: false, banned: false, by: 'maya' });
    expect(accessLossFrom('BANNED', 'maya')).toEqual({ left: false, banned: true, by: 'maya' });
    expect(accessLossFrom('BANNED', undefined)).toEqual({ left: false, banned: true });
    // A server that does not say leaves it to the other signals.
    expect(accessLossFrom(undefined, undefined)).toEqual({});
    expect(accessLossFrom('SOMETHING_NEW', 'maya')).toEqual({});
  });
});

describe('timeline lines cut message groups', () => {
  it('a run by one author is split after the message a line follows', () => {
    const messages = [message(1), message(2), message(3, { author: bob })];
    expect(groupMessages(messages, [], alice).map((g) => g.items.length)).toEqual([2, 1]);
    expect(groupMessages(messages, [], alice, null, new Set(['m1'])).map((g) => g.items.length)).toEqual([1, 1, 1]);
  });
});

describe('bot authors', () => {
  it("a webhook bot's run keeps isBot for the header's badge; people's runs say false", () => {
    const bot = { id: 'u-bot', name: 'deploys', displayName: null, avatarUrl: null, isBot: true, isDeleted: false };
    const groups = groupMessages([message(1), message(2, { author: bot }), message(3, { author: bot })], [], alice);
    expect(groups.map((g) => [g.author.name, g.author.isBot, g.items.length])).toEqual([
      ['alice', false, 1],
      ['deploys', true, 2],
    ]);
  });
});
