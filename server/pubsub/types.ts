import type { NotificationLevel, Profile, RoomChange, RoomRole, UserRow } from '../store/types.js';

/**
 * Everything that happens in one room, on one topic per room: the stored changes (in
 * their feed order, which receivers restore) and the ephemeral typing and presence.
 */
export type RoomSignal =
  | { readonly kind: 'change'; readonly change: RoomChange }
  | { readonly kind: 'typing'; readonly roomId: string; readonly user: UserRow; readonly isTyping: boolean }
  | { readonly kind: 'presence'; readonly roomId: string; readonly user: UserRow; readonly online: boolean }
  | PresenceBatchSignal;

/**
 * One node's presence announcements for a room over one window (PRESENCE_BATCH_MS).
 * `onlineCount` is the room's count as of `version`: counts from several nodes may
 * arrive out of order, and a receiver keeps the one of the highest version.
 */
export interface PresenceBatchSignal {
  readonly kind: 'presence-batch';
  readonly roomId: string;
  readonly joined: readonly UserRow[];
  readonly left: readonly UserRow[];
  readonly onlineCount: number;
  readonly version: number;
}

/**
 * What happens to one person's rooms that the rooms' own feeds do not carry: their read
 * marker moving (any tab, any node), their joining or leaving, their notification level.
 */
export type ViewerSignal =
  | { readonly kind: 'read'; readonly roomId: string; readonly readSeq: number }
  | { readonly kind: 'membership'; readonly roomId: string; readonly member: boolean }
  | { readonly kind: 'level'; readonly roomId: string; readonly level: NotificationLevel | null }
  | { readonly kind: 'role'; readonly roomId: string; readonly role: RoomRole };

/**
 * Access taken back or a room changed, for every node's caches and live subscriptions:
 * `userId`'s access to the room (null: the room's row, renamed or reconfigured).
 */
export type AccessEvent = {
  readonly kind: 'revoked';
  readonly roomId: string;
  readonly userId: string | null;
  /** Why, for what the person is told: they left, were removed, or were banned. */
  readonly reason?: AccessLossReason;
  /** Who removed or banned them. */
  readonly by?: string;
};

export type AccessLossReason = 'LEFT' | 'REMOVED' | 'BANNED';

/** A person's profile changed (display name, avatar): `user` carries it. */
export type ProfileEvent = { readonly kind: 'profile'; readonly user: UserRow & { readonly profile: Profile } };

/** Cluster-wide notices about sessions. */
export type SessionEvent = { readonly kind: 'revoked'; readonly tokenHash: string };

/** A topic name that remembers the type of its events. */
export type Topic<E> = string & { readonly __event?: E };

export const roomTopic = (roomId: string): Topic<RoomSignal> => `room:${roomId}`;
export const viewerTopic = (userId: string): Topic<ViewerSignal> => `viewer:${userId}`;
export const SESSIONS_TOPIC: Topic<SessionEvent> = 'sessions';
export const ACCESS_TOPIC: Topic<AccessEvent> = 'access';
/** Every profile change, for every node's `profileChanged` subscribers and profile caches. */
export const PROFILES_TOPIC: Topic<ProfileEvent> = 'profiles';

export type Listener<E> = (event: E) => void;

/**
 * Moves events between the nodes of a cluster (or within the one process). The
 * in-process and Redis implementations pass the same contract suite; resolvers never
 * see which is in use.
 */
export interface PubSub {
  /** Resolves once the event is handed to the transport (not when it is delivered). */
  publish<E>(topic: Topic<E>, event: E): Promise<void>;
  /**
   * Resolves once events published after it are sure to reach `listener`; the
   * function it resolves to stops them. `onMissed` is called when events may have been
   * lost (the transport was down and is back, subscribed again): the listener should
   * catch up from the source of truth.
   */
  subscribe<E>(topic: Topic<E>, listener: Listener<E>, onMissed?: () => void): Promise<() => Promise<void>>;
  /** Resolves when the transport is reachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
