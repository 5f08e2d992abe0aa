import type { WebhookRow } from '../store/index.js';

/** A webhook as resolvers pass it: with its secret only right after `createWebhook`. */
export type WebhookModel = WebhookRow & { readonly secret?: string };
