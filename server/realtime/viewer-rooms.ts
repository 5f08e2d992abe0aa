import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Presence } from '../presence/tracker.js';
import { type PubSub, type ViewerSignal, viewerTopic } from '../pubsub/index.js';
import type {
  Membership,
  MessageRow,
  NotificationLevel,
  RoomChange,
  RoomRole,
  RoomRow,
  Store,
  UserRow,
} from '../store/index.js';
import { type FanoutRegistry, type FanoutTarget, Frames, framePrefix, isOpen, payloadsFor } from './fanout.js';
import type { RoomHub } from './room-hub.js';
import { Parked } from './parked.js';
import { offSocketClose, onSocketClose } from './socket-close.js';

/**
 * `viewerRoomsChanged`: each person's rooms as their sidebar shows them, kept live.
 *
 * The stream is per person, but the work is per room. For each person with a live
 * subscription, this node keeps their *standing* in each of their rooms (role, read
 * marker, unread mentions, notification level) in memory, current from the rooms'
 * change feeds and from the person's own topic (`viewerTopic`: read markers moved in
 * other tabs or on other nodes, rooms joined or left, levels changed). A change to a
 * room then costs one execution of the selection per group of subscribers that sent the
 * same document, as the room fan-out does; the viewer's own fields (`unreadCount`,
 * `mentionCount`, `viewerRole`…) are answered from the standing, without the store.
 */

/** One member's standing in a room, as this node keeps it. */
export interface Standing {
  role: RoomRole;
  readSeq: number;
  level: NotificationLevel | null;
  /** Seqs of the unread messages that mention the member (channels only); none is most common. */
  mentions: Set<number> | undefined;
}

/** What the viewer-dependent Room fields need, as this node knows it. */
export interface KnownStanding {
  readonly role: RoomRole;
  readonly kind: RoomRow['kind'];
  readonly unread: number;
  readonly mentions: number;
  readonly level: NotificationLevel | null;
}

/** A graphql-ws subscriber: a parked iterator (its frames are written here). */
class SocketSubscriber extends Parked(Object) {
  readonly prefix: string;

  constructor(
    readonly viewer: UserRow,
    readonly target: FanoutTarget,
    private readonly onLeave: (sub: SocketSubscriber) => void,
  ) {
    super();
    this.prefix = framePrefix(target.id);
  }

  leave(): void {
    if (this.closed) return;
    this.closed = true;
    offSocketClose(this.target.socket, this);
    this.onLeave(this);
  }
}

/** What an event executes: the room, marked for someone who is no longer a member. */
export type RoomModelRoot = RoomRow & { readonly isMember?: false; readonly lastMessage?: MessageRow };

/** Any other subscriber (SSE, tests): hands over the room and executes it itself. */
interface CallbackSubscriber {
  readonly viewer: UserRow;
  readonly push: (room: RoomModelRoot) => void;
}

type Subscriber = SocketSubscriber | CallbackSubscriber;

/** A person with live subscriptions on this node. */
class Viewer {
  readonly subscribers = new Set<Subscriber>();
  readonly rooms = new Set<string>();
  /**
   * Their presence in each of their direct rooms while they have a sidebar open: the
   * other people's "online" dot means the app is open somewhere, not that this
   * conversation is.
   */
  readonly present = new Map<string, Promise<() => void>>();
  /** False until their memberships are read; signals wait in `early` meanwhile. */
  loaded = false;
  early: ViewerSignal[] = [];
  stopTopic: (() => Promise<void>) | undefined;
  readonly ready: Promise<void>;

  constructor(
    readonly user: UserRow,
    start: (viewer: Viewer) => Promise<void>,
  ) {
    this.ready = start(this);
  }
}

/** A room at least one local viewer belongs to, followed through the hub. */
class WatchedRoom {
  readonly members = new Map<string, Standing>();
  lastSeq = 0;
  /**
   * The newest message as its changes went by, once one has: an event then executes
   * without reading it back (and so, with nothing else to read, within the turn that
   * delivered the change, its frames written with the change feed's).
   */
  last: MessageRow | undefined;
  stopListening: (() => void) | undefined;
  stopped = false;
  ready: Promise<void> = Promise.resolve();
  /** Renders run one at a time; who is waiting for the next one (null: all members). */
  private pending: Set<string> | null | undefined = undefined;
  private tail: Promise<void> = Promise.resolve();

  constructor(public row: RoomRow) {}

  /**
   * Queues an event of this room for `userIds` (all its members when null). Events that
   * come while one is waiting to be rendered join it: the render reads the room as it
   * is then, so one event carries them all.
   */
  queue(userIds: readonly string[] | null, render: (users: Set<string> | null) => Promise<void>): void {
    if (this.pending !== undefined) {
      if (this.pending !== null) {
        if (userIds === null) this.pending = null;
        else for (const id of userIds) this.pending.add(id);
      }
      return;
    }
    this.pending = userIds === null ? null : new Set(userIds);
    this.tail = this.tail.then(() => {
      const users = this.pending!;
      this.pending = undefined;
      return render(users);
    });
  }

  /** Runs `task` once the events queued so far are out. */
  then(task: () => void): void {
    this.tail = this.tail.then(task);
  }
}

const standingOf = (m: Membership): Standing => ({
  role: m.role,
  readSeq: m.readSeq,
  level: m.level,
  mentions: m.mentionSeqs.length > 0 ? new Set(m.mentionSeqs) : undefined,
});

/** The mentions up to `upTo` are read. */
function forget(standing: Standing, upTo: number): void {
  const { mentions } = standing;
  if (!mentions) return;
  for (const seq of mentions) if (seq <= upTo) mentions.delete(seq);
  if (mentions.size === 0) standing.mentions = undefined;
}

/** Whether message `seq` mentions the member, as its latest state says. */
function mention(standing: Standing, seq: number, named: boolean): boolean {
  const { mentions } = standing;
  if (named === (mentions?.has(seq) ?? false)) return false;
  if (named) (standing.mentions ??= new Set()).add(seq);
  else {
    mentions!.delete(seq);
    if (mentions!.size === 0) standing.mentions = undefined;
  }
  return true;
}

export class ViewerRooms {
  private readonly viewers = new Map<string, Viewer>();
  private readonly rooms = new Map<string, WatchedRoom>();
  /** Selection executions; the tests count them. */
  executions = 0;
  viewerAnswers = 0;

  constructor(
    private readonly store: Store,
    private readonly pubsub: PubSub,
    private readonly hub: RoomHub,
    private readonly fanout: FanoutRegistry,
    private readonly presence: Presence,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /**
   * What this node knows of `userId`'s standing in `roomId`: undefined when it does not
   * follow that person (ask the store), null when they are not a member.
   */
  known(userId: string, roomId: string): KnownStanding | null | undefined {
    const viewer = this.viewers.get(userId);
    if (!viewer?.loaded) return undefined;
    const room = this.rooms.get(roomId);
    const standing = room?.members.get(userId);
    if (!room || !standing) return null;
    const unread = Math.max(0, room.lastSeq - standing.readSeq);
    return {
      role: standing.role,
      kind: room.row.kind,
      unread,
      mentions: room.row.kind === 'DIRECT' ? unread : (standing.mentions?.size ?? 0),
      level: standing.level,
    };
  }

  /** Starts delivering `viewer`'s room events to a graphql-ws subscription. */
  async subscribe(viewer: UserRow, target: FanoutTarget): Promise<AsyncIterableIterator<never>> {
    const sub = new SocketSubscriber(viewer, target, (s) => this.leave(s));
    onSocketClose(target.socket, sub);
    try {
      await this.enter(sub);
    } catch (error) {
      sub.leave();
      throw error;
    }
    // The socket may have closed while the viewer's rooms were read.
    if (sub.closed) this.leave(sub);
    return sub;
  }

  /** Calls `push` with each room of `viewer` that changes; resolves to the function that stops it. */
  async listen(viewer: UserRow, push: (room: RoomModelRoot) => void): Promise<() => void> {
    const sub: CallbackSubscriber = { viewer, push };
    await this.enter(sub);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.leave(sub);
    };
  }

  /** Hands `userId`'s subscribers on this node a signal that could not go through pub/sub. */
  offer(userId: string, signal: ViewerSignal): void {
    const viewer = this.viewers.get(userId);
    if (viewer) this.onSignal(viewer, signal);
  }

  /** `userId`'s live subscriptions on this node, once their rooms are read; for tests. */
  subscriptionsOf(userId: string): number {
    const viewer = this.viewers.get(userId);
    return viewer?.loaded ? viewer.subscribers.size : 0;
  }

  private async enter(sub: Subscriber): Promise<void> {
    let viewer = this.viewers.get(sub.viewer.id);
    if (!viewer) {
      viewer = new Viewer(sub.viewer, (v) => this.start(v));
      this.viewers.set(sub.viewer.id, viewer);
    }
    viewer.subscribers.add(sub);
    this.metrics.activeSubscriptions.inc({ field: 'viewerRoomsChanged' });
    try {
      await viewer.ready;
    } catch (error) {
      this.leave(sub);
      throw error;
    }
  }

  private leave(sub: Subscriber): void {
    const viewer = this.viewers.get(sub.viewer.id);
    if (!viewer?.subscribers.delete(sub)) return;
    this.metrics.activeSubscriptions.dec({ field: 'viewerRoomsChanged' });
    if (viewer.subscribers.size > 0) return;
    this.viewers.delete(viewer.user.id);
    viewer.loaded = false;
    void viewer.ready
      .catch(() => {})
      .then(async () => {
        for (const roomId of [...viewer.present.keys()]) this.absent(viewer, roomId);
        // Unless they came back meanwhile: the newcomer's standings are theirs.
        if (!this.viewers.has(viewer.user.id))
          for (const roomId of viewer.rooms) this.dropStanding(roomId, viewer.user.id);
        await viewer.stopTopic?.();
      })
      .catch((error: unknown) => this.log.error({ err: error }, 'stopping a viewer topic failed'));
  }

  /**
   * Follows `viewer`: their topic first (nothing sent from now on is missed), then the
   * rooms they belong to, then their standings read once those rooms' events flow, so
   * that every change after the read arrives as an event. Applying one that the read
   * already saw changes nothing: markers only move forward and mentions are a set.
   */
  private async start(viewer: Viewer): Promise<void> {
    const id = viewer.user.id;
    viewer.stopTopic = await this.pubsub.subscribe(
      viewerTopic(id),
      (signal) => {
        if (viewer.loaded) this.onSignal(viewer, signal);
        else viewer.early.push(signal);
      },
      // Signals may have been lost: read the viewer's standings again.
      () => void this.reload(viewer),
    );
    try {
      const rooms = await this.store.memberships(id);
      await Promise.all(rooms.map((m) => this.watch(m.room).ready));
      this.adopt(viewer, await this.store.memberships(id));
    } catch (error) {
      await viewer.stopTopic();
      throw error;
    }
    viewer.loaded = true;
    for (const roomId of viewer.rooms) this.present(viewer, roomId);
    const early = viewer.early;
    viewer.early = [];
    for (const signal of early) this.onSignal(viewer, signal);
  }

  /** Sets `viewer`'s standings from `memberships` (all of theirs). */
  private adopt(viewer: Viewer, memberships: readonly Membership[]): void {
    const id = viewer.user.id;
    const now = new Set<string>();
    for (const m of memberships) {
      now.add(m.room.id);
      const room = this.watch(m.room);
      room.lastSeq = Math.max(room.lastSeq, m.lastSeq);
      room.members.set(id, standingOf(m));
      viewer.rooms.add(m.room.id);
    }
    for (const roomId of viewer.rooms) if (!now.has(roomId)) this.dropStanding(roomId, id);
    for (const roomId of [...viewer.rooms]) if (!now.has(roomId)) viewer.rooms.delete(roomId);
  }

  private async reload(viewer: Viewer): Promise<void> {
    try {
      await viewer.ready;
      const memberships = await this.store.memberships(viewer.user.id);
      await Promise.all(memberships.map((m) => this.watch(m.room).ready));
      if (this.viewers.get(viewer.user.id) !== viewer) return;
      this.adopt(viewer, memberships);
      for (const roomId of [...viewer.present.keys()]) if (!viewer.rooms.has(roomId)) this.absent(viewer, roomId);
      for (const roomId of viewer.rooms) {
        this.present(viewer, roomId);
        this.notify(roomId, [viewer.user.id]);
      }
    } catch (error) {
      this.log.error({ err: error, userId: viewer.user.id }, 'reloading a viewer’s rooms failed');
    }
  }

  /** The room, followed from now on (its `ready` resolves once its events flow). */
  private watch(row: RoomRow): WatchedRoom {
    let room = this.rooms.get(row.id);
    if (room) return room;
    const watched = (room = new WatchedRoom(row));
    this.rooms.set(row.id, watched);
    const listener = {
      change: (change: RoomChange) => this.onChange(watched, change),
      // The other people's dot in a direct room is on its people's sidebars.
      presence: () => watched.row.kind === 'DIRECT' && this.notify(watched.row.id, null),
    };
    watched.ready = this.hub.listen(row.id, listener).then((stop) => {
      if (watched.stopped) stop();
      else watched.stopListening = stop;
    });
    watched.ready.catch(() => {
      if (this.rooms.get(row.id) === watched) this.rooms.delete(row.id);
    });
    return watched;
  }

  /** Counts `viewer` online in `roomId` if it is a direct room of theirs. */
  private present(viewer: Viewer, roomId: string): void {
    const room = this.rooms.get(roomId);
    if (room?.row.kind !== 'DIRECT' || viewer.present.has(roomId)) return;
    const entered = this.presence.enter(roomId, viewer.user);
    viewer.present.set(roomId, entered);
    entered.catch((error: unknown) => {
      viewer.present.delete(roomId);
      this.log.error({ err: error, roomId }, 'counting a sidebar online in a direct room failed');
    });
  }

  private absent(viewer: Viewer, roomId: string): void {
    const entered = viewer.present.get(roomId);
    if (!entered) return;
    viewer.present.delete(roomId);
    entered.then((exit) => exit()).catch(() => {}); // a failed enter was logged
  }

  private dropStanding(roomId: string, userId: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.members.delete(userId);
    if (room.members.size > 0) return;
    this.rooms.delete(roomId);
    room.stopped = true;
    room.stopListening?.();
  }

  private onChange(room: WatchedRoom, change: RoomChange): void {
    const { message } = change;
    switch (change.kind) {
      case 'MESSAGE_ADDED': {
        const m = message!;
        if (m.seq >= room.lastSeq) room.last = m;
        room.lastSeq = Math.max(room.lastSeq, m.seq);
        for (const [userId, standing] of room.members) {
          if (m.author.id === userId) {
            // Sending moves the author's marker: their own messages are never unread.
            if (m.seq > standing.readSeq) standing.readSeq = m.seq;
            forget(standing, standing.readSeq);
          } else if (
            room.row.kind === 'CHANNEL' &&
            m.seq > standing.readSeq &&
            m.mentions.some((u) => u.id === userId)
          ) {
            mention(standing, m.seq, true);
          }
        }
        this.notify(room.row.id, null);
        return;
      }
      case 'MESSAGE_EDITED':
      case 'MESSAGE_DELETED': {
        const m = message!;
        const moved: string[] = [];
        if (room.row.kind === 'CHANNEL') {
          for (const [userId, standing] of room.members) {
            if (m.seq <= standing.readSeq) continue;
            if (
              mention(
                standing,
                m.seq,
                m.mentions.some((u) => u.id === userId),
              )
            )
              moved.push(userId);
          }
        }
        // The sidebar shows the newest message: everyone sees a change to it.
        if (m.seq >= room.lastSeq) {
          room.last = m;
          this.notify(room.row.id, null);
        } else if (moved.length > 0) this.notify(room.row.id, moved);
        return;
      }
      case 'MEMBER_JOINED':
      case 'MEMBER_LEFT': {
        // Normally told on the person's own topic too; either way is enough.
        const viewer = change.user && this.viewers.get(change.user.id);
        if (viewer?.loaded)
          this.onSignal(viewer, { kind: 'membership', roomId: room.row.id, member: change.kind === 'MEMBER_JOINED' });
        return;
      }
      case 'ROOM_UPDATED':
        // Someone's role: told on their own topic (`role`).
        if (change.user) return;
        this.store
          .room(room.row.id)
          .then((row) => {
            if (row) room.row = row;
            this.notify(room.row.id, null);
          })
          .catch((error: unknown) =>
            this.log.error({ err: error, roomId: room.row.id }, 'reading a renamed room failed'),
          );
        return;
      case 'REACTIONS_CHANGED':
        // Not news on a sidebar, but the newest message is read as it is now.
        if (message && message.seq === room.last?.seq) room.last = message;
        return;
    }
  }

  private onSignal(viewer: Viewer, signal: ViewerSignal): void {
    const userId = viewer.user.id;
    const { roomId } = signal;
    const standing = this.rooms.get(roomId)?.members.get(userId);
    switch (signal.kind) {
      case 'read':
        if (!standing || signal.readSeq <= standing.readSeq) return;
        standing.readSeq = signal.readSeq;
        forget(standing, signal.readSeq);
        this.notify(roomId, [userId]);
        return;
      case 'level':
        if (!standing || standing.level === signal.level) return;
        standing.level = signal.level;
        this.notify(roomId, [userId]);
        return;
      case 'role':
        if (!standing || standing.role === signal.role) return;
        standing.role = signal.role;
        this.notify(roomId, [userId]);
        return;
      case 'membership':
        if (signal.member) void this.joined(viewer, roomId, standing !== undefined);
        else if (standing) {
          const room = this.rooms.get(roomId)!;
          viewer.rooms.delete(roomId);
          room.members.delete(userId);
          this.absent(viewer, roomId);
          // Rendered for them once more, as a non-member (`viewerRole: null`), then let go.
          this.notify(roomId, [userId]);
          if (room.members.size === 0) this.release(room);
        }
        return;
    }
  }

  /** `viewer` joined `roomId` (or was invited, or a direct room was opened with them). */
  private async joined(viewer: Viewer, roomId: string, known: boolean): Promise<void> {
    if (known) return;
    try {
      const [m] = await this.store.memberships(viewer.user.id, roomId);
      if (!m || this.viewers.get(viewer.user.id) !== viewer) return;
      const room = this.watch(m.room);
      await room.ready;
      // Read again now that its events flow: nothing between the two reads is lost.
      const [current] = await this.store.memberships(viewer.user.id, roomId);
      if (!current || this.viewers.get(viewer.user.id) !== viewer) return;
      room.lastSeq = Math.max(room.lastSeq, current.lastSeq);
      room.members.set(viewer.user.id, standingOf(current));
      viewer.rooms.add(roomId);
      this.present(viewer, roomId);
      this.notify(roomId, [viewer.user.id]);
    } catch (error) {
      this.log.error({ err: error, roomId, userId: viewer.user.id }, 'following a joined room failed');
    }
  }

  /** Stops following a room nobody here belongs to any more, once its last event is out. */
  private release(room: WatchedRoom): void {
    room.then(() => {
      if (room.members.size > 0 || this.rooms.get(room.row.id) !== room) return;
      this.rooms.delete(room.row.id);
      room.stopped = true;
      room.stopListening?.();
    });
  }

  /** An event of `roomId` for `userIds` (all its members when null) who subscribe here. */
  private notify(roomId: string, userIds: readonly string[] | null): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.queue(userIds, (users) =>
      this.render(room, users).catch((error: unknown) =>
        this.log.error({ err: error, roomId }, 'delivering viewerRoomsChanged failed'),
      ),
    );
  }

  private async render(room: WatchedRoom, users: Set<string> | null): Promise<void> {
    // Whoever was removed since the event was queued is answered as a non-member, from
    // a root that says so: their group is theirs alone (`lastMessage` of a private room
    // then reads null).
    const former: RoomModelRoot = { ...room.row, isMember: false };
    const current: RoomModelRoot = room.last ? { ...room.row, lastMessage: room.last } : room.row;
    const groups = new Map<string, { root: RoomModelRoot; subscribers: SocketSubscriber[] }>();
    let delivered = 0;
    for (const userId of users ?? room.members.keys()) {
      const viewer = this.viewers.get(userId);
      if (!viewer?.loaded) continue;
      const member = room.members.has(userId);
      for (const sub of viewer.subscribers) {
        if (!(sub instanceof SocketSubscriber)) {
          sub.push(member ? current : former);
          delivered += 1;
          continue;
        }
        if (sub.closed) continue;
        const key = member ? sub.target.groupKey : `former\u0000${userId}\u0000${sub.target.groupKey}`;
        const group = groups.get(key);
        if (group) group.subscribers.push(sub);
        else groups.set(key, { root: member ? current : former, subscribers: [sub] });
      }
    }
    for (const { root, subscribers } of groups.values()) {
      this.executions += 1;
      const rendered = await subscribers[0]!.target.execute(root);
      const payloadFor = await payloadsFor(rendered, subscribers, this);
      const frames = new Frames();
      for (const sub of subscribers) {
        const { socket } = sub.target;
        if (sub.closed || !isOpen(socket)) continue;
        this.fanout.queueFrame(socket, frames.get(sub.prefix, payloadFor(sub)));
        delivered += 1;
      }
    }
    if (delivered > 0) this.metrics.deliveries.inc(delivered);
  }
}

/**
 * Tells `userId`'s subscribers on every node of a change to their rooms. When pub/sub is
 * down this node's still hear it; the others read the person's rooms again once it is back.
 */
export async function tellViewer(
  { pubsub, viewerRooms }: { readonly pubsub: PubSub; readonly viewerRooms: ViewerRooms },
  log: Logger,
  userId: string,
  signal: ViewerSignal,
): Promise<void> {
  await pubsub.publish(viewerTopic(userId), signal).catch((error: unknown) => {
    log.warn({ err: error, userId, signal: signal.kind }, 'viewer signal not published');
    viewerRooms.offer(userId, signal);
  });
}
