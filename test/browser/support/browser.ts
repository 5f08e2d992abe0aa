import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface User {
  name: string;
  context: BrowserContext;
  page: Page;
}

let counter = 0;
/** A unique, valid user name (2–32 of letters, digits, _ - .). */
export function userName(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}_${Math.random().toString(36).slice(2, 7)}`;
}

export const PASSWORD = 'correct horse battery staple';

/** Signs up through the real form and lands in a room. */
export async function signUp(page: Page, baseUrl: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(/\/rooms\/[a-z0-9-]+$/);
}

/** A new browser context (its own cookies) with a signed-up user in `room`, live. */
export async function newUser(
  browser: Browser,
  baseUrl: string,
  prefix: string,
  options: { room?: string; viewport?: { width: number; height: number }; exactName?: boolean } = {},
): Promise<User> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  const name = options.exactName ? prefix : userName(prefix);
  await signUp(page, baseUrl, name);
  if (options.room) await page.goto(`${baseUrl}/rooms/${options.room}`);
  await waitLive(page);
  return { name, context, page };
}

export async function waitLive(page: Page): Promise<void> {
  await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
}

/** Types and sends with Enter, as a user would. */
export async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByLabel(/^Message /);
  await composer.fill(text);
  await composer.press('Enter');
}

/** The text of a delivered message, without its quote, marks, reactions and actions. */
export function messageText(page: Page, text: string) {
  return page
    .locator('[data-message-id]', { has: page.locator('.message-text', { hasText: text }) })
    .locator('.message-text');
}

/** The texts of delivered messages, in order, and how often each id appears. */
export async function deliveredMessages(page: Page): Promise<{ texts: string[]; idCounts: Map<string, number> }> {
  const rows = await page.locator('[data-message-id]').evaluateAll((nodes) =>
    nodes.map((n) => ({
      id: n.getAttribute('data-message-id') ?? '',
      text: n.querySelector('.message-text')?.textContent ?? '',
    })),
  );
  const idCounts = new Map<string, number>();
  for (const row of rows) idCounts.set(row.id, (idCounts.get(row.id) ?? 0) + 1);
  return { texts: rows.map((r) => r.text), idCounts };
}

/** The session cookie as a Cookie header, for fetching pages outside the browser. */
export async function cookieHeader(context: BrowserContext): Promise<string> {
  const cookies = await context.cookies();
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/**
 * Runs a GraphQL operation as the context's user, with their session's token as a Bearer
 * token (the cookie alone acts only in the web UI's own operations). For seeding rooms quickly.
 */
export async function graphqlAs<T>(
  context: BrowserContext,
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const session = (await context.cookies()).find((c) => c.name === 'parley_session');
  if (!session) throw new Error('this browser context is not signed in');
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${decodeURIComponent(session.value)}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export async function seedMessages(context: BrowserContext, baseUrl: string, roomId: string, texts: string[]) {
  for (const text of texts) {
    await graphqlAs(context, baseUrl, 'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id } }', {
      r: roomId,
      t: text,
    });
  }
}

/** Console errors and uncaught exceptions of a page, to assert a clean run (no hydration mismatch). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
