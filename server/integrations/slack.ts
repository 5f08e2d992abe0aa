/**
 * Slack's incoming-webhook body, read strictly and rendered as a plain-text message:
 * `text`, then each attachment's pretext, title (with its link), text and fields, then
 * the text of `blocks` (headers, sections and their fields, context). What Slack shows
 * as formatting (`*bold*`) stays as typed; `<url|label>` links become "label (url)".
 * `username`, `icon_*`, `channel` and colours are ignored: the webhook decides who posts
 * where.
 */

/** A body that cannot be posted, and why, in a sentence for whoever configured it. */
export class SlackBodyError extends Error {
  override name = 'SlackBodyError';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalString(owner: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = owner[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SlackBodyError(`${where}.${key} must be a string.`);
  return value;
}

function optionalArray(owner: Record<string, unknown>, key: string, where: string): unknown[] {
  const value = owner[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new SlackBodyError(`${where}.${key} must be an array.`);
  return value;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** Slack's escaped text (`&lt;`, `<url|label>`, `<!here>`, `<@U1>`) as plain text. */
export function plainText(mrkdwn: string): string {
  return mrkdwn
    .replace(/<([^<>|]+)\|([^<>]*)>/g, (_m, target: string, label: string) => linkOrMention(target, label))
    .replace(/<([^<>]+)>/g, (_m, target: string) => linkOrMention(target, undefined))
    .replace(/&(amp|lt|gt);/g, (entity) => ENTITIES[entity]!);
}

function linkOrMention(target: string, label: string | undefined): string {
  if (target.startsWith('!')) return `@${label ?? target.slice(1).split('^')[0]}`;
  if (target.startsWith('@') || target.startsWith('#')) return label ? `${target[0]}${label}` : target;
  return label && label !== target ? `${label} (${target})` : target;
}

/** A block's text object (`{ type: "mrkdwn" | "plain_text", text }`). */
function textObject(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new SlackBodyError(`${where} must be a text object.`);
  const text = optionalString(value, 'text', where);
  return text === undefined ? undefined : value.type === 'plain_text' ? text : plainText(text);
}

function attachmentLines(attachment: unknown, where: string): string[] {
  if (!isObject(attachment)) throw new SlackBodyError(`${where} must be an object.`);
  const lines: string[] = [];
  const pretext = optionalString(attachment, 'pretext', where);
  const title = optionalString(attachment, 'title', where);
  const titleLink = optionalString(attachment, 'title_link', where);
  const text = optionalString(attachment, 'text', where);
  const fallback = optionalString(attachment, 'fallback', where);
  if (pretext) lines.push(plainText(pretext));
  if (title) lines.push(titleLink ? `${plainText(title)} (${titleLink})` : plainText(title));
  if (text) lines.push(plainText(text));
  optionalArray(attachment, 'fields', where).forEach((field, i) => {
    const at = `${where}.fields[${i}]`;
    if (!isObject(field)) throw new SlackBodyError(`${at} must be an object.`);
    const name = optionalString(field, 'title', at);
    const value = optionalString(field, 'value', at);
    if (name || value) lines.push([name && plainText(name), value && plainText(value)].filter(Boolean).join(': '));
  });
  // The fallback is what Slack shows where nothing else can be: only when there is nothing else.
  if (lines.length === 0 && fallback) lines.push(plainText(fallback));
  return lines;
}

function blockLines(block: unknown, where: string): string[] {
  if (!isObject(block)) throw new SlackBodyError(`${where} must be an object.`);
  const lines: string[] = [];
  const text = textObject(block.text, `${where}.text`);
  if (text) lines.push(text);
  optionalArray(block, 'fields', where).forEach((field, i) => {
    const value = textObject(field, `${where}.fields[${i}]`);
    if (value) lines.push(value);
  });
  if (block.type === 'context')
    optionalArray(block, 'elements', where).forEach((element, i) => {
      if (isObject(element) && (element.type === 'mrkdwn' || element.type === 'plain_text')) {
        const value = textObject(element, `${where}.elements[${i}]`);
        if (value) lines.push(value);
      }
    });
  return lines;
}

/** The message a Slack webhook body posts; throws SlackBodyError when it has none or is malformed. */
export function slackMessage(body: unknown): string {
  if (!isObject(body)) throw new SlackBodyError('The body must be a JSON object, as Slack takes it.');
  const lines: string[] = [];
  const text = optionalString(body, 'text', 'body');
  if (text?.trim()) lines.push(plainText(text));
  optionalArray(body, 'attachments', 'body').forEach((a, i) => lines.push(...attachmentLines(a, `attachments[${i}]`)));
  optionalArray(body, 'blocks', 'body').forEach((b, i) => lines.push(...blockLines(b, `blocks[${i}]`)));
  const message = lines
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n');
  if (!message) throw new SlackBodyError('Nothing to post: give "text", "attachments" or "blocks" with some text.');
  return message;
}
