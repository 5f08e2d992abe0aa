/** Webhooks as the tests create and call them. */
export const CREATE_WEBHOOK = `mutation($r: ID!, $n: String!) {
  createWebhook(roomId: $r, name: $n) { id name url createdBy { name } createdAt lastPostedAt }
}`;

export interface CreatedWebhook {
  id: string;
  name: string;
  url: string;
  createdBy: { name: string };
  lastPostedAt: string | null;
}

export const LAST_MESSAGE = 'query($r: ID!) { room(id: $r) { lastMessage { text author { name isBot } } } }';

/** POSTs `body` (JSON unless it is a string, sent as it is) to a webhook URL. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}
