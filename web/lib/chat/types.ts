import type {
  ChatMessageFragment,
  ChatUserFragment,
  MessagePageQuery,
  RoomViewQuery,
  SidebarQuery,
} from '@/gql/graphql';

// Shapes of API data, taken from the generated operation types (never written by hand).
export type Message = ChatMessageFragment;
export type User = ChatUserFragment;
export type RoomSummary = SidebarQuery['rooms'][number];
export type RoomView = NonNullable<RoomViewQuery['room']>;
export type MessagePage = NonNullable<MessagePageQuery['room']>['messages'];
