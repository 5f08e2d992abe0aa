import { graphql } from '@/gql';

/** A file of a message as the chat shows it: a thumbnail for an image, a card for the rest. */
export const ChatAttachmentFragment = graphql(`
  fragment ChatAttachment on Attachment {
    id
    name
    contentType
    size
    url
    width
    height
    thumbnailUrl
  }
`);

/** One file for a room (a multipart request: web/lib/upload.ts sends it with progress). */
export const UploadFileMutation = graphql(`
  mutation UploadFile($roomId: ID!, $file: File!) {
    uploadFile(roomId: $roomId, file: $file) {
      ...ChatAttachment
    }
  }
`);

/** A person's face and name as every place that shows them reads it. */
export const ProfileFieldsFragment = graphql(`
  fragment ProfileFields on User {
    id
    name
    displayName
    avatarUrl
    isDeleted
  }
`);

/** The viewer's own profile, for the profile dialog. */
export const ViewerProfileQuery = graphql(`
  query ViewerProfile {
    me {
      ...ProfileFields
    }
  }
`);

export const UpdateProfileMutation = graphql(`
  mutation UpdateProfile($displayName: String, $avatarId: ID) {
    updateProfile(displayName: $displayName, avatarId: $avatarId) {
      ...ProfileFields
    }
  }
`);

/** Everyone's profile changes, live: one subscription per page, read by every avatar and name. */
export const ProfileChangedSubscription = graphql(`
  subscription ProfileChanged {
    profileChanged {
      ...ProfileFields
    }
  }
`);
