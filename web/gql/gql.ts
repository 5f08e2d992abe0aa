/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  '\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n': typeof types.DeleteAccountDocument;
  '\n  query Account {\n    me {\n      id\n      name\n    }\n    sessions {\n      id\n      device\n      createdAt\n      lastUsedAt\n      current\n    }\n    accessTokens {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n': typeof types.AccountDocument;
  '\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n': typeof types.ChangePasswordDocument;
  '\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n': typeof types.RevokeSessionDocument;
  '\n  mutation SignOutOthers {\n    signOutOthers\n  }\n': typeof types.SignOutOthersDocument;
  '\n  mutation CreateAccessToken($name: String!) {\n    createAccessToken(name: $name) {\n      token\n      accessToken {\n        id\n        name\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n': typeof types.CreateAccessTokenDocument;
  '\n  mutation RevokeAccessToken($id: ID!) {\n    revokeAccessToken(id: $id)\n  }\n': typeof types.RevokeAccessTokenDocument;
  '\n  mutation SignUp($name: String!, $password: String!) {\n    signUp(name: $name, password: $password) {\n      token\n    }\n  }\n': typeof types.SignUpDocument;
  '\n  mutation SignIn($name: String!, $password: String!) {\n    signIn(name: $name, password: $password) {\n      token\n    }\n  }\n': typeof types.SignInDocument;
  '\n  mutation SignOut {\n    signOut\n  }\n': typeof types.SignOutDocument;
  '\n  query Viewer {\n    me {\n      id\n      name\n    }\n  }\n': typeof types.ViewerDocument;
  '\n  fragment ChatAttachment on Attachment {\n    id\n    name\n    contentType\n    size\n    url\n    width\n    height\n    thumbnailUrl\n  }\n': typeof types.ChatAttachmentFragmentDoc;
  '\n  mutation UploadFile($roomId: ID!, $file: File!) {\n    uploadFile(roomId: $roomId, file: $file) {\n      ...ChatAttachment\n    }\n  }\n': typeof types.UploadFileDocument;
  '\n  fragment ProfileFields on User {\n    id\n    name\n    displayName\n    avatarUrl\n    isDeleted\n  }\n': typeof types.ProfileFieldsFragmentDoc;
  '\n  query ViewerProfile {\n    me {\n      ...ProfileFields\n    }\n  }\n': typeof types.ViewerProfileDocument;
  '\n  mutation UpdateProfile($displayName: String, $avatarId: ID) {\n    updateProfile(displayName: $displayName, avatarId: $avatarId) {\n      ...ProfileFields\n    }\n  }\n': typeof types.UpdateProfileDocument;
  '\n  subscription ProfileChanged {\n    profileChanged {\n      ...ProfileFields\n    }\n  }\n': typeof types.ProfileChangedDocument;
  '\n  fragment WebhookRow on Webhook {\n    id\n    name\n    url\n    createdBy {\n      id\n      name\n    }\n    createdAt\n    lastPostedAt\n  }\n': typeof types.WebhookRowFragmentDoc;
  '\n  query RoomWebhooks($id: ID!) {\n    room(id: $id) {\n      id\n      webhooks {\n        ...WebhookRow\n      }\n    }\n  }\n': typeof types.RoomWebhooksDocument;
  '\n  mutation CreateWebhook($roomId: ID!, $name: String!) {\n    createWebhook(roomId: $roomId, name: $name) {\n      ...WebhookRow\n    }\n  }\n': typeof types.CreateWebhookDocument;
  '\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n': typeof types.DeleteWebhookDocument;
  '\n  mutation SetTyping($roomId: ID!, $isTyping: Boolean!) {\n    setTyping(roomId: $roomId, isTyping: $isTyping)\n  }\n': typeof types.SetTypingDocument;
  '\n  subscription RoomTyping($roomId: ID!) {\n    roomTyping(roomId: $roomId) {\n      count\n      users {\n        ...ChatUser\n      }\n    }\n  }\n': typeof types.RoomTypingDocument;
  '\n  subscription RoomPresence($roomId: ID!) {\n    roomPresence(roomId: $roomId) {\n      onlineCount\n      leftCount\n      joined {\n        ...ChatUser\n      }\n      left {\n        id\n      }\n    }\n  }\n': typeof types.RoomPresenceDocument;
  '\n  fragment ChatUser on User {\n    id\n    name\n    displayName\n    avatarUrl\n  }\n': typeof types.ChatUserFragmentDoc;
  '\n  fragment ChatMessage on Message {\n    id\n    roomId\n    seq\n    text\n    createdAt\n    editedAt\n    deletedAt\n    deletedBy {\n      id\n      name\n    }\n    author {\n      id\n      name\n      displayName\n      avatarUrl\n      isBot\n      isDeleted\n    }\n    attachments {\n      ...ChatAttachment\n    }\n    replyTo {\n      id\n      text\n      deletedAt\n      author {\n        id\n        name\n      }\n    }\n    reactions {\n      emoji\n      count\n      viewerReacted\n      users(first: 3) {\n        id\n        name\n      }\n    }\n    mentions {\n      id\n      name\n    }\n  }\n': typeof types.ChatMessageFragmentDoc;
  '\n  query RoomView($id: ID!) {\n    room(id: $id) {\n      id\n      name\n      isPrivate\n      isMember\n      viewerRole\n      kind\n      topic\n      slowModeSeconds\n      memberCount\n      unreadCount\n      notificationLevel\n      lastMessage {\n        id\n        seq\n      }\n      onlineCount\n      online(first: 50) {\n        ...ChatUser\n      }\n      people {\n        ...ChatUser\n      }\n    }\n  }\n': typeof types.RoomViewDocument;
  '\n  query MessagePage($id: ID!, $before: String) {\n    room(id: $id) {\n      id\n      eventCursor\n      messages(last: 50, before: $before) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n': typeof types.MessagePageDocument;
  '\n  query MessagesAround($id: ID!, $around: ID!) {\n    room(id: $id) {\n      id\n      eventCursor\n      messages(around: $around, last: 50) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n': typeof types.MessagesAroundDocument;
  '\n  query NewerMessages($id: ID!, $after: String!) {\n    room(id: $id) {\n      id\n      messages(first: 50, after: $after) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n': typeof types.NewerMessagesDocument;
  '\n  mutation SendMessage($roomId: ID!, $text: String!, $clientId: ID, $replyToId: ID, $attachmentIds: [ID!]) {\n    sendMessage(\n      roomId: $roomId\n      text: $text\n      clientId: $clientId\n      replyToId: $replyToId\n      attachmentIds: $attachmentIds\n    ) {\n      id\n    }\n  }\n': typeof types.SendMessageDocument;
  '\n  mutation EditMessage($id: ID!, $text: String!) {\n    editMessage(id: $id, text: $text) {\n      ...ChatMessage\n    }\n  }\n': typeof types.EditMessageDocument;
  '\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) {\n      ...ChatMessage\n    }\n  }\n': typeof types.DeleteMessageDocument;
  '\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n': typeof types.AddReactionDocument;
  '\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n': typeof types.RemoveReactionDocument;
  '\n  subscription RoomEvents($roomId: ID!, $after: String) {\n    roomEvents(roomId: $roomId, after: $after) {\n      kind\n      cursor\n      message {\n        ...ChatMessage\n      }\n      user {\n        id\n        name\n      }\n      actor {\n        id\n        name\n      }\n      room {\n        id\n        name\n        topic\n        slowModeSeconds\n      }\n    }\n  }\n': typeof types.RoomEventsDocument;
  '\n  query RoomMembers($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      members(first: 100, after: $after) {\n        edges {\n          node {\n            ...ChatUser\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n': typeof types.RoomMembersDocument;
  '\n  query MembersPanel($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      memberCount\n      viewerRole\n      members(first: 50, after: $after) {\n        edges {\n          role\n          node {\n            id\n            name\n            displayName\n            avatarUrl\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n': typeof types.MembersPanelDocument;
  '\n  query MembersOnline($id: ID!, $among: [ID!]!) {\n    room(id: $id) {\n      id\n      online(among: $among) {\n        id\n      }\n    }\n  }\n': typeof types.MembersOnlineDocument;
  '\n  mutation SetRole($roomId: ID!, $userName: String!, $role: RoomRole!) {\n    setRole(roomId: $roomId, userName: $userName, role: $role) {\n      id\n      viewerRole\n    }\n  }\n': typeof types.SetRoleDocument;
  '\n  mutation RemoveMember($roomId: ID!, $userName: String!, $ban: Boolean) {\n    removeMember(roomId: $roomId, userName: $userName, ban: $ban) {\n      id\n      memberCount\n    }\n  }\n': typeof types.RemoveMemberDocument;
  '\n  mutation UpdateRoom($id: ID!, $name: String, $topic: String, $slowModeSeconds: Int) {\n    updateRoom(id: $id, name: $name, topic: $topic, slowModeSeconds: $slowModeSeconds) {\n      id\n      name\n      topic\n      slowModeSeconds\n    }\n  }\n': typeof types.UpdateRoomDocument;
  '\n  mutation LeaveRoom($id: ID!) {\n    leaveRoom(id: $id)\n  }\n': typeof types.LeaveRoomDocument;
  '\n  fragment SidebarRoomFields on Room {\n    id\n    name\n    kind\n    isPrivate\n    isMember\n    viewerRole\n    unreadCount\n    mentionCount\n    notificationLevel\n    online(first: 9) {\n      id\n      name\n    }\n    people {\n      id\n      name\n      displayName\n      avatarUrl\n    }\n    lastMessage {\n      id\n      seq\n      text\n      createdAt\n      author {\n        id\n        name\n      }\n      mentions {\n        id\n        name\n      }\n    }\n  }\n': typeof types.SidebarRoomFieldsFragmentDoc;
  '\n  query Sidebar {\n    me {\n      id\n      name\n      displayName\n      avatarUrl\n    }\n    rooms {\n      ...SidebarRoomFields\n    }\n  }\n': typeof types.SidebarDocument;
  '\n  subscription ViewerRoomsChanged {\n    viewerRoomsChanged {\n      ...SidebarRoomFields\n    }\n  }\n': typeof types.ViewerRoomsChangedDocument;
  '\n  mutation MarkRead($roomId: ID!, $messageId: ID!) {\n    markRead(roomId: $roomId, messageId: $messageId) {\n      id\n      unreadCount\n      mentionCount\n    }\n  }\n': typeof types.MarkReadDocument;
  '\n  mutation SetNotificationLevel($roomId: ID!, $level: NotificationLevel!) {\n    setNotificationLevel(roomId: $roomId, level: $level) {\n      id\n      notificationLevel\n    }\n  }\n': typeof types.SetNotificationLevelDocument;
  '\n  query UsersByPrefix($prefix: String!) {\n    users(prefix: $prefix, first: 8) {\n      id\n      name\n    }\n  }\n': typeof types.UsersByPrefixDocument;
  '\n  mutation OpenDirect($userNames: [String!]!) {\n    openDirect(userNames: $userNames) {\n      id\n    }\n  }\n': typeof types.OpenDirectDocument;
  '\n  query HomeRoom($id: ID!) {\n    me {\n      id\n    }\n    room(id: $id) {\n      id\n    }\n  }\n': typeof types.HomeRoomDocument;
  '\n  query RoomOnline($id: ID!) {\n    room(id: $id) {\n      id\n      onlineCount\n      online(first: 50) {\n        ...ChatUser\n      }\n    }\n  }\n': typeof types.RoomOnlineDocument;
  '\n  mutation CreateRoom($name: String!, $isPrivate: Boolean!) {\n    createRoom(name: $name, isPrivate: $isPrivate) {\n      id\n    }\n  }\n': typeof types.CreateRoomDocument;
  '\n  mutation JoinRoom($id: ID!) {\n    joinRoom(id: $id) {\n      id\n      isMember\n    }\n  }\n': typeof types.JoinRoomDocument;
  '\n  mutation Invite($roomId: ID!, $userName: String!) {\n    invite(roomId: $roomId, userName: $userName) {\n      id\n    }\n  }\n': typeof types.InviteDocument;
  '\n  query Search($query: String!, $roomId: ID, $after: String) {\n    search(query: $query, roomId: $roomId, first: 20, after: $after) {\n      edges {\n        cursor\n        highlights {\n          start\n          end\n        }\n        node {\n          id\n          roomId\n          text\n          createdAt\n          editedAt\n          author {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n': typeof types.SearchDocument;
};
const documents: Documents = {
  '\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n':
    types.DeleteAccountDocument,
  '\n  query Account {\n    me {\n      id\n      name\n    }\n    sessions {\n      id\n      device\n      createdAt\n      lastUsedAt\n      current\n    }\n    accessTokens {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n':
    types.AccountDocument,
  '\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n':
    types.ChangePasswordDocument,
  '\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n': types.RevokeSessionDocument,
  '\n  mutation SignOutOthers {\n    signOutOthers\n  }\n': types.SignOutOthersDocument,
  '\n  mutation CreateAccessToken($name: String!) {\n    createAccessToken(name: $name) {\n      token\n      accessToken {\n        id\n        name\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n':
    types.CreateAccessTokenDocument,
  '\n  mutation RevokeAccessToken($id: ID!) {\n    revokeAccessToken(id: $id)\n  }\n': types.RevokeAccessTokenDocument,
  '\n  mutation SignUp($name: String!, $password: String!) {\n    signUp(name: $name, password: $password) {\n      token\n    }\n  }\n':
    types.SignUpDocument,
  '\n  mutation SignIn($name: String!, $password: String!) {\n    signIn(name: $name, password: $password) {\n      token\n    }\n  }\n':
    types.SignInDocument,
  '\n  mutation SignOut {\n    signOut\n  }\n': types.SignOutDocument,
  '\n  query Viewer {\n    me {\n      id\n      name\n    }\n  }\n': types.ViewerDocument,
  '\n  fragment ChatAttachment on Attachment {\n    id\n    name\n    contentType\n    size\n    url\n    width\n    height\n    thumbnailUrl\n  }\n':
    types.ChatAttachmentFragmentDoc,
  '\n  mutation UploadFile($roomId: ID!, $file: File!) {\n    uploadFile(roomId: $roomId, file: $file) {\n      ...ChatAttachment\n    }\n  }\n':
    types.UploadFileDocument,
  '\n  fragment ProfileFields on User {\n    id\n    name\n    displayName\n    avatarUrl\n    isDeleted\n  }\n':
    types.ProfileFieldsFragmentDoc,
  '\n  query ViewerProfile {\n    me {\n      ...ProfileFields\n    }\n  }\n': types.ViewerProfileDocument,
  '\n  mutation UpdateProfile($displayName: String, $avatarId: ID) {\n    updateProfile(displayName: $displayName, avatarId: $avatarId) {\n      ...ProfileFields\n    }\n  }\n':
    types.UpdateProfileDocument,
  '\n  subscription ProfileChanged {\n    profileChanged {\n      ...ProfileFields\n    }\n  }\n':
    types.ProfileChangedDocument,
  '\n  fragment WebhookRow on Webhook {\n    id\n    name\n    url\n    createdBy {\n      id\n      name\n    }\n    createdAt\n    lastPostedAt\n  }\n':
    types.WebhookRowFragmentDoc,
  '\n  query RoomWebhooks($id: ID!) {\n    room(id: $id) {\n      id\n      webhooks {\n        ...WebhookRow\n      }\n    }\n  }\n':
    types.RoomWebhooksDocument,
  '\n  mutation CreateWebhook($roomId: ID!, $name: String!) {\n    createWebhook(roomId: $roomId, name: $name) {\n      ...WebhookRow\n    }\n  }\n':
    types.CreateWebhookDocument,
  '\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n': types.DeleteWebhookDocument,
  '\n  mutation SetTyping($roomId: ID!, $isTyping: Boolean!) {\n    setTyping(roomId: $roomId, isTyping: $isTyping)\n  }\n':
    types.SetTypingDocument,
  '\n  subscription RoomTyping($roomId: ID!) {\n    roomTyping(roomId: $roomId) {\n      count\n      users {\n        ...ChatUser\n      }\n    }\n  }\n':
    types.RoomTypingDocument,
  '\n  subscription RoomPresence($roomId: ID!) {\n    roomPresence(roomId: $roomId) {\n      onlineCount\n      leftCount\n      joined {\n        ...ChatUser\n      }\n      left {\n        id\n      }\n    }\n  }\n':
    types.RoomPresenceDocument,
  '\n  fragment ChatUser on User {\n    id\n    name\n    displayName\n    avatarUrl\n  }\n': types.ChatUserFragmentDoc,
  '\n  fragment ChatMessage on Message {\n    id\n    roomId\n    seq\n    text\n    createdAt\n    editedAt\n    deletedAt\n    deletedBy {\n      id\n      name\n    }\n    author {\n      id\n      name\n      displayName\n      avatarUrl\n      isBot\n      isDeleted\n    }\n    attachments {\n      ...ChatAttachment\n    }\n    replyTo {\n      id\n      text\n      deletedAt\n      author {\n        id\n        name\n      }\n    }\n    reactions {\n      emoji\n      count\n      viewerReacted\n      users(first: 3) {\n        id\n        name\n      }\n    }\n    mentions {\n      id\n      name\n    }\n  }\n':
    types.ChatMessageFragmentDoc,
  '\n  query RoomView($id: ID!) {\n    room(id: $id) {\n      id\n      name\n      isPrivate\n      isMember\n      viewerRole\n      kind\n      topic\n      slowModeSeconds\n      memberCount\n      unreadCount\n      notificationLevel\n      lastMessage {\n        id\n        seq\n      }\n      onlineCount\n      online(first: 50) {\n        ...ChatUser\n      }\n      people {\n        ...ChatUser\n      }\n    }\n  }\n':
    types.RoomViewDocument,
  '\n  query MessagePage($id: ID!, $before: String) {\n    room(id: $id) {\n      id\n      eventCursor\n      messages(last: 50, before: $before) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n':
    types.MessagePageDocument,
  '\n  query MessagesAround($id: ID!, $around: ID!) {\n    room(id: $id) {\n      id\n      eventCursor\n      messages(around: $around, last: 50) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n':
    types.MessagesAroundDocument,
  '\n  query NewerMessages($id: ID!, $after: String!) {\n    room(id: $id) {\n      id\n      messages(first: 50, after: $after) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n':
    types.NewerMessagesDocument,
  '\n  mutation SendMessage($roomId: ID!, $text: String!, $clientId: ID, $replyToId: ID, $attachmentIds: [ID!]) {\n    sendMessage(\n      roomId: $roomId\n      text: $text\n      clientId: $clientId\n      replyToId: $replyToId\n      attachmentIds: $attachmentIds\n    ) {\n      id\n    }\n  }\n':
    types.SendMessageDocument,
  '\n  mutation EditMessage($id: ID!, $text: String!) {\n    editMessage(id: $id, text: $text) {\n      ...ChatMessage\n    }\n  }\n':
    types.EditMessageDocument,
  '\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) {\n      ...ChatMessage\n    }\n  }\n':
    types.DeleteMessageDocument,
  '\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n':
    types.AddReactionDocument,
  '\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n':
    types.RemoveReactionDocument,
  '\n  subscription RoomEvents($roomId: ID!, $after: String) {\n    roomEvents(roomId: $roomId, after: $after) {\n      kind\n      cursor\n      message {\n        ...ChatMessage\n      }\n      user {\n        id\n        name\n      }\n      actor {\n        id\n        name\n      }\n      room {\n        id\n        name\n        topic\n        slowModeSeconds\n      }\n    }\n  }\n':
    types.RoomEventsDocument,
  '\n  query RoomMembers($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      members(first: 100, after: $after) {\n        edges {\n          node {\n            ...ChatUser\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n':
    types.RoomMembersDocument,
  '\n  query MembersPanel($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      memberCount\n      viewerRole\n      members(first: 50, after: $after) {\n        edges {\n          role\n          node {\n            id\n            name\n            displayName\n            avatarUrl\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n':
    types.MembersPanelDocument,
  '\n  query MembersOnline($id: ID!, $among: [ID!]!) {\n    room(id: $id) {\n      id\n      online(among: $among) {\n        id\n      }\n    }\n  }\n':
    types.MembersOnlineDocument,
  '\n  mutation SetRole($roomId: ID!, $userName: String!, $role: RoomRole!) {\n    setRole(roomId: $roomId, userName: $userName, role: $role) {\n      id\n      viewerRole\n    }\n  }\n':
    types.SetRoleDocument,
  '\n  mutation RemoveMember($roomId: ID!, $userName: String!, $ban: Boolean) {\n    removeMember(roomId: $roomId, userName: $userName, ban: $ban) {\n      id\n      memberCount\n    }\n  }\n':
    types.RemoveMemberDocument,
  '\n  mutation UpdateRoom($id: ID!, $name: String, $topic: String, $slowModeSeconds: Int) {\n    updateRoom(id: $id, name: $name, topic: $topic, slowModeSeconds: $slowModeSeconds) {\n      id\n      name\n      topic\n      slowModeSeconds\n    }\n  }\n':
    types.UpdateRoomDocument,
  '\n  mutation LeaveRoom($id: ID!) {\n    leaveRoom(id: $id)\n  }\n': types.LeaveRoomDocument,
  '\n  fragment SidebarRoomFields on Room {\n    id\n    name\n    kind\n    isPrivate\n    isMember\n    viewerRole\n    unreadCount\n    mentionCount\n    notificationLevel\n    online(first: 9) {\n      id\n      name\n    }\n    people {\n      id\n      name\n      displayName\n      avatarUrl\n    }\n    lastMessage {\n      id\n      seq\n      text\n      createdAt\n      author {\n        id\n        name\n      }\n      mentions {\n        id\n        name\n      }\n    }\n  }\n':
    types.SidebarRoomFieldsFragmentDoc,
  '\n  query Sidebar {\n    me {\n      id\n      name\n      displayName\n      avatarUrl\n    }\n    rooms {\n      ...SidebarRoomFields\n    }\n  }\n':
    types.SidebarDocument,
  '\n  subscription ViewerRoomsChanged {\n    viewerRoomsChanged {\n      ...SidebarRoomFields\n    }\n  }\n':
    types.ViewerRoomsChangedDocument,
  '\n  mutation MarkRead($roomId: ID!, $messageId: ID!) {\n    markRead(roomId: $roomId, messageId: $messageId) {\n      id\n      unreadCount\n      mentionCount\n    }\n  }\n':
    types.MarkReadDocument,
  '\n  mutation SetNotificationLevel($roomId: ID!, $level: NotificationLevel!) {\n    setNotificationLevel(roomId: $roomId, level: $level) {\n      id\n      notificationLevel\n    }\n  }\n':
    types.SetNotificationLevelDocument,
  '\n  query UsersByPrefix($prefix: String!) {\n    users(prefix: $prefix, first: 8) {\n      id\n      name\n    }\n  }\n':
    types.UsersByPrefixDocument,
  '\n  mutation OpenDirect($userNames: [String!]!) {\n    openDirect(userNames: $userNames) {\n      id\n    }\n  }\n':
    types.OpenDirectDocument,
  '\n  query HomeRoom($id: ID!) {\n    me {\n      id\n    }\n    room(id: $id) {\n      id\n    }\n  }\n':
    types.HomeRoomDocument,
  '\n  query RoomOnline($id: ID!) {\n    room(id: $id) {\n      id\n      onlineCount\n      online(first: 50) {\n        ...ChatUser\n      }\n    }\n  }\n':
    types.RoomOnlineDocument,
  '\n  mutation CreateRoom($name: String!, $isPrivate: Boolean!) {\n    createRoom(name: $name, isPrivate: $isPrivate) {\n      id\n    }\n  }\n':
    types.CreateRoomDocument,
  '\n  mutation JoinRoom($id: ID!) {\n    joinRoom(id: $id) {\n      id\n      isMember\n    }\n  }\n':
    types.JoinRoomDocument,
  '\n  mutation Invite($roomId: ID!, $userName: String!) {\n    invite(roomId: $roomId, userName: $userName) {\n      id\n    }\n  }\n':
    types.InviteDocument,
  '\n  query Search($query: String!, $roomId: ID, $after: String) {\n    search(query: $query, roomId: $roomId, first: 20, after: $after) {\n      edges {\n        cursor\n        highlights {\n          start\n          end\n        }\n        node {\n          id\n          roomId\n          text\n          createdAt\n          editedAt\n          author {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n':
    types.SearchDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n',
): (typeof documents)['\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Account {\n    me {\n      id\n      name\n    }\n    sessions {\n      id\n      device\n      createdAt\n      lastUsedAt\n      current\n    }\n    accessTokens {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n',
): (typeof documents)['\n  query Account {\n    me {\n      id\n      name\n    }\n    sessions {\n      id\n      device\n      createdAt\n      lastUsedAt\n      current\n    }\n    accessTokens {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n',
): (typeof documents)['\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n',
): (typeof documents)['\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation SignOutOthers {\n    signOutOthers\n  }\n',
): (typeof documents)['\n  mutation SignOutOthers {\n    signOutOthers\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateAccessToken($name: String!) {\n    createAccessToken(name: $name) {\n      token\n      accessToken {\n        id\n        name\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateAccessToken($name: String!) {\n    createAccessToken(name: $name) {\n      token\n      accessToken {\n        id\n        name\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation RevokeAccessToken($id: ID!) {\n    revokeAccessToken(id: $id)\n  }\n',
): (typeof documents)['\n  mutation RevokeAccessToken($id: ID!) {\n    revokeAccessToken(id: $id)\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation SignUp($name: String!, $password: String!) {\n    signUp(name: $name, password: $password) {\n      token\n    }\n  }\n',
): (typeof documents)['\n  mutation SignUp($name: String!, $password: String!) {\n    signUp(name: $name, password: $password) {\n      token\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation SignIn($name: String!, $password: String!) {\n    signIn(name: $name, password: $password) {\n      token\n    }\n  }\n',
): (typeof documents)['\n  mutation SignIn($name: String!, $password: String!) {\n    signIn(name: $name, password: $password) {\n      token\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation SignOut {\n    signOut\n  }\n',
): (typeof documents)['\n  mutation SignOut {\n    signOut\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Viewer {\n    me {\n      id\n      name\n    }\n  }\n',
): (typeof documents)['\n  query Viewer {\n    me {\n      id\n      name\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment ChatAttachment on Attachment {\n    id\n    name\n    contentType\n    size\n    url\n    width\n    height\n    thumbnailUrl\n  }\n',
): (typeof documents)['\n  fragment ChatAttachment on Attachment {\n    id\n    name\n    contentType\n    size\n    url\n    width\n    height\n    thumbnailUrl\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UploadFile($roomId: ID!, $file: File!) {\n    uploadFile(roomId: $roomId, file: $file) {\n      ...ChatAttachment\n    }\n  }\n',
): (typeof documents)['\n  mutation UploadFile($roomId: ID!, $file: File!) {\n    uploadFile(roomId: $roomId, file: $file) {\n      ...ChatAttachment\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment ProfileFields on User {\n    id\n    name\n    displayName\n    avatarUrl\n    isDeleted\n  }\n',
): (typeof documents)['\n  fragment ProfileFields on User {\n    id\n    name\n    displayName\n    avatarUrl\n    isDeleted\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ViewerProfile {\n    me {\n      ...ProfileFields\n    }\n  }\n',
): (typeof documents)['\n  query ViewerProfile {\n    me {\n      ...ProfileFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UpdateProfile($displayName: String, $avatarId: ID) {\n    updateProfile(displayName: $displayName, avatarId: $avatarId) {\n      ...ProfileFields\n    }\n  }\n',
): (typeof documents)['\n  mutation UpdateProfile($displayName: String, $avatarId: ID) {\n    updateProfile(displayName: $displayName, avatarId: $avatarId) {\n      ...ProfileFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription ProfileChanged {\n    profileChanged {\n      ...ProfileFields\n    }\n  }\n',
): (typeof documents)['\n  subscription ProfileChanged {\n    profileChanged {\n      ...ProfileFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment WebhookRow on Webhook {\n    id\n    name\n    url\n    createdBy {\n      id\n      name\n    }\n    createdAt\n    lastPostedAt\n  }\n',
): (typeof documents)['\n  fragment WebhookRow on Webhook {\n    id\n    name\n    url\n    createdBy {\n      id\n      name\n    }\n    createdAt\n    lastPostedAt\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query RoomWebhooks($id: ID!) {\n    room(id: $id) {\n      id\n      webhooks {\n        ...WebhookRow\n      }\n    }\n  }\n',
): (typeof documents)['\n  query RoomWebhooks($id: ID!) {\n    room(id: $id) {\n      id\n      webhooks {\n        ...WebhookRow\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateWebhook($roomId: ID!, $name: String!) {\n    createWebhook(roomId: $roomId, name: $name) {\n      ...WebhookRow\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateWebhook($roomId: ID!, $name: String!) {\n    createWebhook(roomId: $roomId, name: $name) {\n      ...WebhookRow\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n',
): (typeof documents)['\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id)\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation SetTyping($roomId: ID!, $isTyping: Boolean!) {\n    setTyping(roomId: $roomId, isTyping: $isTyping)\n  }\n',
): (typeof documents)['\n  mutation SetTyping($roomId: ID!, $isTyping: Boolean!) {\n    setTyping(roomId: $roomId, isTyping: $isTyping)\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription RoomTyping($roomId: ID!) {\n    roomTyping(roomId: $roomId) {\n      count\n      users {\n        ...ChatUser\n      }\n    }\n  }\n',
): (typeof documents)['\n  subscription RoomTyping($roomId: ID!) {\n    roomTyping(roomId: $roomId) {\n      count\n      users {\n        ...ChatUser\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription RoomPresence($roomId: ID!) {\n    roomPresence(roomId: $roomId) {\n      onlineCount\n      leftCount\n      joined {\n        ...ChatUser\n      }\n      left {\n        id\n      }\n    }\n  }\n',
): (typeof documents)['\n  subscription RoomPresence($roomId: ID!) {\n    roomPresence(roomId: $roomId) {\n      onlineCount\n      leftCount\n      joined {\n        ...ChatUser\n      }\n      left {\n        id\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment ChatUser on User {\n    id\n    name\n    displayName\n    avatarUrl\n  }\n',
): (typeof documents)['\n  fragment ChatUser on User {\n    id\n    name\n    displayName\n    avatarUrl\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment ChatMessage on Message {\n    id\n    roomId\n    seq\n    text\n    createdAt\n    editedAt\n    deletedAt\n    deletedBy {\n      id\n      name\n    }\n    author {\n      id\n      name\n      displayName\n      avatarUrl\n      isBot\n      isDeleted\n    }\n    attachments {\n      ...ChatAttachment\n    }\n    replyTo {\n      id\n      text\n      deletedAt\n      author {\n        id\n        name\n      }\n    }\n    reactions {\n      emoji\n      count\n      viewerReacted\n      users(first: 3) {\n        id\n        name\n      }\n    }\n    mentions {\n      id\n      name\n    }\n  }\n',
): (typeof documents)['\n  fragment ChatMessage on Message {\n    id\n    roomId\n    seq\n    text\n    createdAt\n    editedAt\n    deletedAt\n    deletedBy {\n      id\n      name\n    }\n    author {\n      id\n      name\n      displayName\n      avatarUrl\n      isBot\n      isDeleted\n    }\n    attachments {\n      ...ChatAttachment\n    }\n    replyTo {\n      id\n      text\n      deletedAt\n      author {\n        id\n        name\n      }\n    }\n    reactions {\n      emoji\n      count\n      viewerReacted\n      users(first: 3) {\n        id\n        name\n      }\n    }\n    mentions {\n      id\n      name\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query RoomView($id: ID!) {\n    room(id: $id) {\n      id\n      name\n      isPrivate\n      isMember\n      viewerRole\n      kind\n      topic\n      slowModeSeconds\n      memberCount\n      unreadCount\n      notificationLevel\n      lastMessage {\n        id\n        seq\n      }\n      onlineCount\n      online(first: 50) {\n        ...ChatUser\n      }\n      people {\n        ...ChatUser\n      }\n    }\n  }\n',
): (typeof documents)['\n  query RoomView($id: ID!) {\n    room(id: $id) {\n      id\n      name\n      isPrivate\n      isMember\n      viewerRole\n      kind\n      topic\n      slowModeSeconds\n      memberCount\n      unreadCount\n      notificationLevel\n      lastMessage {\n        id\n        seq\n      }\n      onlineCount\n      online(first: 50) {\n        ...ChatUser\n      }\n      people {\n        ...ChatUser\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query MessagePage($id: ID!, $before: String) {\n    room(id: $id) {\n      id\n      eventCursor\n      messages(last: 50, before: $before) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query MessagePage($id: ID!, $before: String) {\n    room(id: $id) {\n      id\n      eventCursor\n      messages(last: 50, before: $before) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query MessagesAround($id: ID!, $around: ID!) {\n    room(id: $id) {\n      id\n      eventCursor\n      messages(around: $around, last: 50) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query MessagesAround($id: ID!, $around: ID!) {\n    room(id: $id) {\n      id\n      eventCursor\n      messages(around: $around, last: 50) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query NewerMessages($id: ID!, $after: String!) {\n    room(id: $id) {\n      id\n      messages(first: 50, after: $after) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query NewerMessages($id: ID!, $after: String!) {\n    room(id: $id) {\n      id\n      messages(first: 50, after: $after) {\n        edges {\n          node {\n            ...ChatMessage\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation SendMessage($roomId: ID!, $text: String!, $clientId: ID, $replyToId: ID, $attachmentIds: [ID!]) {\n    sendMessage(\n      roomId: $roomId\n      text: $text\n      clientId: $clientId\n      replyToId: $replyToId\n      attachmentIds: $attachmentIds\n    ) {\n      id\n    }\n  }\n',
): (typeof documents)['\n  mutation SendMessage($roomId: ID!, $text: String!, $clientId: ID, $replyToId: ID, $attachmentIds: [ID!]) {\n    sendMessage(\n      roomId: $roomId\n      text: $text\n      clientId: $clientId\n      replyToId: $replyToId\n      attachmentIds: $attachmentIds\n    ) {\n      id\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation EditMessage($id: ID!, $text: String!) {\n    editMessage(id: $id, text: $text) {\n      ...ChatMessage\n    }\n  }\n',
): (typeof documents)['\n  mutation EditMessage($id: ID!, $text: String!) {\n    editMessage(id: $id, text: $text) {\n      ...ChatMessage\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) {\n      ...ChatMessage\n    }\n  }\n',
): (typeof documents)['\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) {\n      ...ChatMessage\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n',
): (typeof documents)['\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n',
): (typeof documents)['\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription RoomEvents($roomId: ID!, $after: String) {\n    roomEvents(roomId: $roomId, after: $after) {\n      kind\n      cursor\n      message {\n        ...ChatMessage\n      }\n      user {\n        id\n        name\n      }\n      actor {\n        id\n        name\n      }\n      room {\n        id\n        name\n        topic\n        slowModeSeconds\n      }\n    }\n  }\n',
): (typeof documents)['\n  subscription RoomEvents($roomId: ID!, $after: String) {\n    roomEvents(roomId: $roomId, after: $after) {\n      kind\n      cursor\n      message {\n        ...ChatMessage\n      }\n      user {\n        id\n        name\n      }\n      actor {\n        id\n        name\n      }\n      room {\n        id\n        name\n        topic\n        slowModeSeconds\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query RoomMembers($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      members(first: 100, after: $after) {\n        edges {\n          node {\n            ...ChatUser\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query RoomMembers($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      members(first: 100, after: $after) {\n        edges {\n          node {\n            ...ChatUser\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query MembersPanel($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      memberCount\n      viewerRole\n      members(first: 50, after: $after) {\n        edges {\n          role\n          node {\n            id\n            name\n            displayName\n            avatarUrl\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query MembersPanel($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      memberCount\n      viewerRole\n      members(first: 50, after: $after) {\n        edges {\n          role\n          node {\n            id\n            name\n            displayName\n            avatarUrl\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query MembersOnline($id: ID!, $among: [ID!]!) {\n    room(id: $id) {\n      id\n      online(among: $among) {\n        id\n      }\n    }\n  }\n',
): (typeof documents)['\n  query MembersOnline($id: ID!, $among: [ID!]!) {\n    room(id: $id) {\n      id\n      online(among: $among) {\n        id\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation SetRole($roomId: ID!, $userName: String!, $role: RoomRole!) {\n    setRole(roomId: $roomId, userName: $userName, role: $role) {\n      id\n      viewerRole\n    }\n  }\n',
): (typeof documents)['\n  mutation SetRole($roomId: ID!, $userName: String!, $role: RoomRole!) {\n    setRole(roomId: $roomId, userName: $userName, role: $role) {\n      id\n      viewerRole\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation RemoveMember($roomId: ID!, $userName: String!, $ban: Boolean) {\n    removeMember(roomId: $roomId, userName: $userName, ban: $ban) {\n      id\n      memberCount\n    }\n  }\n',
): (typeof documents)['\n  mutation RemoveMember($roomId: ID!, $userName: String!, $ban: Boolean) {\n    removeMember(roomId: $roomId, userName: $userName, ban: $ban) {\n      id\n      memberCount\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UpdateRoom($id: ID!, $name: String, $topic: String, $slowModeSeconds: Int) {\n    updateRoom(id: $id, name: $name, topic: $topic, slowModeSeconds: $slowModeSeconds) {\n      id\n      name\n      topic\n      slowModeSeconds\n    }\n  }\n',
): (typeof documents)['\n  mutation UpdateRoom($id: ID!, $name: String, $topic: String, $slowModeSeconds: Int) {\n    updateRoom(id: $id, name: $name, topic: $topic, slowModeSeconds: $slowModeSeconds) {\n      id\n      name\n      topic\n      slowModeSeconds\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation LeaveRoom($id: ID!) {\n    leaveRoom(id: $id)\n  }\n',
): (typeof documents)['\n  mutation LeaveRoom($id: ID!) {\n    leaveRoom(id: $id)\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment SidebarRoomFields on Room {\n    id\n    name\n    kind\n    isPrivate\n    isMember\n    viewerRole\n    unreadCount\n    mentionCount\n    notificationLevel\n    online(first: 9) {\n      id\n      name\n    }\n    people {\n      id\n      name\n      displayName\n      avatarUrl\n    }\n    lastMessage {\n      id\n      seq\n      text\n      createdAt\n      author {\n        id\n        name\n      }\n      mentions {\n        id\n        name\n      }\n    }\n  }\n',
): (typeof documents)['\n  fragment SidebarRoomFields on Room {\n    id\n    name\n    kind\n    isPrivate\n    isMember\n    viewerRole\n    unreadCount\n    mentionCount\n    notificationLevel\n    online(first: 9) {\n      id\n      name\n    }\n    people {\n      id\n      name\n      displayName\n      avatarUrl\n    }\n    lastMessage {\n      id\n      seq\n      text\n      createdAt\n      author {\n        id\n        name\n      }\n      mentions {\n        id\n        name\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Sidebar {\n    me {\n      id\n      name\n      displayName\n      avatarUrl\n    }\n    rooms {\n      ...SidebarRoomFields\n    }\n  }\n',
): (typeof documents)['\n  query Sidebar {\n    me {\n      id\n      name\n      displayName\n      avatarUrl\n    }\n    rooms {\n      ...SidebarRoomFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription ViewerRoomsChanged {\n    viewerRoomsChanged {\n      ...SidebarRoomFields\n    }\n  }\n',
): (typeof documents)['\n  subscription ViewerRoomsChanged {\n    viewerRoomsChanged {\n      ...SidebarRoomFields\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation MarkRead($roomId: ID!, $messageId: ID!) {\n    markRead(roomId: $roomId, messageId: $messageId) {\n      id\n      unreadCount\n      mentionCount\n    }\n  }\n',
): (typeof documents)['\n  mutation MarkRead($roomId: ID!, $messageId: ID!) {\n    markRead(roomId: $roomId, messageId: $messageId) {\n      id\n      unreadCount\n      mentionCount\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation SetNotificationLevel($roomId: ID!, $level: NotificationLevel!) {\n    setNotificationLevel(roomId: $roomId, level: $level) {\n      id\n      notificationLevel\n    }\n  }\n',
): (typeof documents)['\n  mutation SetNotificationLevel($roomId: ID!, $level: NotificationLevel!) {\n    setNotificationLevel(roomId: $roomId, level: $level) {\n      id\n      notificationLevel\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query UsersByPrefix($prefix: String!) {\n    users(prefix: $prefix, first: 8) {\n      id\n      name\n    }\n  }\n',
): (typeof documents)['\n  query UsersByPrefix($prefix: String!) {\n    users(prefix: $prefix, first: 8) {\n      id\n      name\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation OpenDirect($userNames: [String!]!) {\n    openDirect(userNames: $userNames) {\n      id\n    }\n  }\n',
): (typeof documents)['\n  mutation OpenDirect($userNames: [String!]!) {\n    openDirect(userNames: $userNames) {\n      id\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query HomeRoom($id: ID!) {\n    me {\n      id\n    }\n    room(id: $id) {\n      id\n    }\n  }\n',
): (typeof documents)['\n  query HomeRoom($id: ID!) {\n    me {\n      id\n    }\n    room(id: $id) {\n      id\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query RoomOnline($id: ID!) {\n    room(id: $id) {\n      id\n      onlineCount\n      online(first: 50) {\n        ...ChatUser\n      }\n    }\n  }\n',
): (typeof documents)['\n  query RoomOnline($id: ID!) {\n    room(id: $id) {\n      id\n      onlineCount\n      online(first: 50) {\n        ...ChatUser\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateRoom($name: String!, $isPrivate: Boolean!) {\n    createRoom(name: $name, isPrivate: $isPrivate) {\n      id\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateRoom($name: String!, $isPrivate: Boolean!) {\n    createRoom(name: $name, isPrivate: $isPrivate) {\n      id\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation JoinRoom($id: ID!) {\n    joinRoom(id: $id) {\n      id\n      isMember\n    }\n  }\n',
): (typeof documents)['\n  mutation JoinRoom($id: ID!) {\n    joinRoom(id: $id) {\n      id\n      isMember\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation Invite($roomId: ID!, $userName: String!) {\n    invite(roomId: $roomId, userName: $userName) {\n      id\n    }\n  }\n',
): (typeof documents)['\n  mutation Invite($roomId: ID!, $userName: String!) {\n    invite(roomId: $roomId, userName: $userName) {\n      id\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Search($query: String!, $roomId: ID, $after: String) {\n    search(query: $query, roomId: $roomId, first: 20, after: $after) {\n      edges {\n        cursor\n        highlights {\n          start\n          end\n        }\n        node {\n          id\n          roomId\n          text\n          createdAt\n          editedAt\n          author {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n',
): (typeof documents)['\n  query Search($query: String!, $roomId: ID, $after: String) {\n    search(query: $query, roomId: $roomId, first: 20, after: $after) {\n      edges {\n        cursor\n        highlights {\n          start\n          end\n        }\n        node {\n          id\n          roomId\n          text\n          createdAt\n          editedAt\n          author {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n'];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> =
  TDocumentNode extends DocumentNode<infer TType, any> ? TType : never;
