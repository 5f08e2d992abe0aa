import type { Generated } from 'kysely';

/** Table shapes as Kysely sees them; the same for SQLite and PostgreSQL. */
export interface Database {
  users: {
    id: Generated<number | string>;
    name: string;
    /** lower(name): the uniqueness key, so "Alice" and "alice" collide. */
    name_key: string;
    password_hash: string;
    created_at: number | string;
    /** A webhook's bot (0010): it cannot sign in. */
    is_bot?: Generated<number | boolean>;
    /** What the person chose to be called (0011). */
    display_name?: string | null;
    /** Their avatar, a file of kind AVATAR (0011). */
    avatar_file_id?: string | null;
    /** When the account was deleted (0012); its name is then a stand-in. */
    deleted_at?: number | string | null;
  };
  /** Uploaded files (0011): attachments and avatars; their bytes are blobs. */
  files: {
    id: string;
    owner_id: number | string;
    /** The room an attachment was uploaded to; null for an avatar. */
    room_id: string | null;
    /** The message it is attached to; null until sent. */
    message_id: number | string | null;
    kind: string;
    name: string;
    content_type: string;
    size: number | string;
    width: number | null;
    height: number | null;
    /** Bytes of its thumbnail; null when it has none. */
    thumbnail_size: number | string | null;
    etag: string;
    /** Set once its bytes are all stored; never served before. */
    ready: number | boolean;
    created_at: number | string;
  };
  /** PostgreSQL only: blobs in parts (0011). */
  file_blobs: {
    key: string;
    part: number;
    data: Uint8Array;
  };
  /** Incoming webhooks (0010): the secret of each URL is kept only as a hash. */
  webhooks: {
    id: string;
    room_id: string;
    name: string;
    secret_hash: string;
    bot_user_id: number | string;
    created_by: number | string;
    created_at: number | string;
    last_posted_at: number | string | null;
  };
  sessions: {
    token_hash: string;
    user_id: number | string;
    expires_at: number | string;
    created_at: number | string;
    /** What the client said it is (User-Agent), shortened. */
    device?: string | null;
    /** When it was last proven, to SESSION_TOUCH_MS. */
    last_used_at?: number | string | null;
    /** Set for a personal access token (0009): what its owner called it. */
    name?: string | null;
  };
  rooms: {
    id: string;
    name: string;
    is_private: number | boolean;
    /** The newest message's seq; bumped in the same transaction as the insert. */
    last_seq: number | string;
    /** The newest change's seq (room_events); bumped in the transaction of the change. */
    last_event: Generated<number | string>;
    kind: Generated<string>;
    topic: string | null;
    /** When its newest message was posted (or it was created): the order of `rooms`. */
    last_activity_at: Generated<number | string>;
    slow_mode_seconds: Generated<number | string>;
    created_at: number | string;
  };
  room_members: {
    room_id: string;
    user_id: number | string;
    joined_at: number | string;
    role: Generated<string>;
    /** The seq of the newest message the member has read. */
    read_seq: Generated<number | string>;
    /** ALL, MENTIONS or NOTHING; null for the room kind's default. */
    notification_level: string | null;
  };
  messages: {
    id: Generated<number | string>;
    room_id: string;
    seq: number | string;
    author_id: number | string;
    text: string;
    client_id: string | null;
    created_at: number | string;
    edited_at: number | string | null;
    deleted_at: number | string | null;
    /** Who deleted it (0008). */
    deleted_by?: number | string | null;
    reply_to_id: number | string | null;
    /** JSON: ReactionRow[]. */
    reactions: Generated<string>;
    /** JSON: UserRow[]. */
    mentions: Generated<string>;
    /** JSON: AttachmentRow[] (0011). */
    attachments?: Generated<string>;
    /** PostgreSQL only: the text's search words (store/search-words.ts) as a tsvector. */
    words?: Generated<unknown>;
  };
  /** Who each message mentions, by seq: what mention counts are counted from. */
  message_mentions: {
    room_id: string;
    user_id: number | string;
    seq: number | string;
    message_id: number | string;
  };
  room_events: {
    room_id: string;
    seq: number | string;
    kind: string;
    message_id: number | string | null;
    user_id: number | string | null;
    /** Who made a member or room change. */
    actor_id?: number | string | null;
    created_at: number | string;
  };
  /** Who may not come back to a room, and who decided it. */
  room_bans: {
    room_id: string;
    user_id: number | string;
    banned_by: number | string | null;
    created_at: number | string;
  };
}
