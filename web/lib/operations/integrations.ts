import { graphql } from '@/gql';

/** A webhook as the room settings list it (its `url` is complete only from createWebhook). */
export const WebhookRowFragment = graphql(`
  fragment WebhookRow on Webhook {
    id
    name
    url
    createdBy {
      id
      name
    }
    createdAt
    lastPostedAt
  }
`);

/** The room's incoming webhooks: owners and moderators only. */
export const RoomWebhooksQuery = graphql(`
  query RoomWebhooks($id: ID!) {
    room(id: $id) {
      id
      webhooks {
        ...WebhookRow
      }
    }
  }
`);

export const CreateWebhookMutation = graphql(`
  mutation CreateWebhook($roomId: ID!, $name: String!) {
    createWebhook(roomId: $roomId, name: $name) {
      ...WebhookRow
    }
  }
`);

export const DeleteWebhookMutation = graphql(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id)
  }
`);
