import type {
  ChatMessageFragment,
  ChatUserFragment,
  MessagePageQuery,
  RoomEventKind,
  RoomEventsSubscription,
  RoomViewQuery,
  SidebarQuery,
} from '@/gql/graphql';

// Shapes of API data, taken from the generated operation types (never written by hand).
export type Message = ChatMessageFragment;
/** A person: a display name and avatar where the query selected them (the live profile fills them in). */
export type User = Pick<ChatUserFragment, 'id' | 'name'> & Partial<Pick<ChatUserFragment, 'displayName' | 'avatarUrl'>>;
export type Reaction = Message['reactions'][number];
export type QuotedMessage = NonNullable<Message['replyTo']>;
export type RoomSummary = SidebarQuery['rooms'][number];
export type RoomView = NonNullable<RoomViewQuery['room']>;
export type MessagePage = NonNullable<MessagePageQuery['room']>['messages'];
export type RoomEvent = RoomEventsSubscription['roomEvents'];
export type { RoomEventKind };
