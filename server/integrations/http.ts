import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashToken } from '../auth/tokens.js';
import { MESSAGE_MAX_CHARS, RATE_WEBHOOK, WEBHOOK_MAX_BODY_BYTES, WEBHOOK_TOUCH_MS } from '../limits.js';
import { mentionCandidates, pickMentions } from '../messages/text.js';
import { announce } from '../realtime/announce.js';
import type { Services } from '../services.js';
import { charCount } from '../text.js';
import { SlackBodyError, slackMessage } from './slack.js';

/** `/hooks/<id>/<secret>`: the id is 16 hex digits, the secret a base64url token. */
const HOOK_PATH = /^\/hooks\/([0-9a-f]{16})\/([A-Za-z0-9_-]{20,100})$/;

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(text);
}

/** The body, or undefined (answered 413) when it is over WEBHOOK_MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > WEBHOOK_MAX_BODY_BYTES) {
      answer(res, 413, `The body is over ${WEBHOOK_MAX_BODY_BYTES} bytes.\n`, { connection: 'close' });
      req.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The JSON a tool sent: as the body, or as Slack's legacy `payload=` form field. */
function parseJson(body: Buffer, contentType: string | undefined): unknown {
  const text = body.toString('utf8');
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw new SlackBodyError('A form body needs a "payload" field holding the JSON.');
    return JSON.parse(payload);
  }
  return JSON.parse(text);
}

/**
 * An incoming webhook's POST, compatible with Slack's: answers 200 `ok` once the message
 * is stored, 400 with a sentence for a body it cannot post, 404 for an unknown or
 * deleted webhook (or a wrong secret: the same answer), 413, 429 with Retry-After.
 */
export async function handleWebhook(services: Services, req: IncomingMessage, res: ServerResponse, path: string) {
  try {
    await post(services, req, res, path);
  } catch (error) {
    services.log.error({ err: error }, 'a webhook post failed');
    if (!res.headersSent) answer(res, 500, 'Something went wrong; the message was not posted.\n');
  }
}

async function post(services: Services, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const match = HOOK_PATH.exec(path);
  if (!match) return answer(res, 404, 'No such webhook.\n');
  if (req.method !== 'POST') return answer(res, 405, 'POST a JSON body here.\n', { allow: 'POST' });
  const body = await readBody(req, res);
  if (!body) return;
  const [, id, secret] = match as unknown as [string, string, string];
  const { store, limiter, metrics, log } = services;
  const webhook = await store.webhook(id);
  const given = Buffer.from(hashToken(secret));
  const expected = Buffer.from(webhook?.secretHash ?? '');
  if (!webhook || given.length !== expected.length || !timingSafeEqual(given, expected))
    return answer(res, 404, 'No such webhook.\n');
  let text: string;
  try {
    text = slackMessage(parseJson(body, req.headers['content-type']));
  } catch (error) {
    if (error instanceof SyntaxError) return answer(res, 400, `The body is not JSON: ${error.message}\n`);
    if (error instanceof SlackBodyError) return answer(res, 400, `${error.message}\n`);
    throw error;
  }
  if (charCount(text) > MESSAGE_MAX_CHARS)
    return answer(res, 400, `The message is over ${MESSAGE_MAX_CHARS} characters once rendered.\n`);
  const retryAfterMs = await limiter.attempt('webhook', RATE_WEBHOOK, webhook.id);
  if (retryAfterMs > 0)
    return answer(res, 429, 'Too many posts to this webhook; try again later.\n', {
      'retry-after': String(Math.ceil(retryAfterMs / 1000)),
    });
  const candidates = mentionCandidates(text);
  const mentions =
    candidates.length === 0
      ? []
      : pickMentions(candidates, await store.membersNamed(webhook.roomId, candidates.flat()));
  const now = Date.now();
  const { change } = await store.appendMessage({
    roomId: webhook.roomId,
    author: webhook.bot,
    text,
    clientId: null,
    replyToId: null,
    mentions,
    createdAt: now,
  });
  if (change) {
    metrics.messagesSent.inc();
    await announce(services, log, change);
  }
  await store.touchWebhook(webhook.id, now, WEBHOOK_TOUCH_MS);
  answer(res, 200, 'ok');
}
