import type { MessageAddedSubscription, MessagePageQuery, RoomViewQuery, SidebarQuery } from '@/gql/graphql';

// Shapes of API data, taken from the generated operation types (never written by hand).
export type Message = MessageAddedSubscription['messageAdded'];
export type User = Message['author'];
export type RoomSummary = SidebarQuery['rooms'][number];
export type RoomView = NonNullable<RoomViewQuery['room']>;
export type MessagePage = NonNullable<MessagePageQuery['room']>['messages'];
