import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type User,
  collectErrors,
  deliveredMessages,
  graphqlAs,
  launchBrowser,
  newUser,
  seedMessages,
  send,
  waitLive,
} from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';

/** Longest a smooth scroll may take to reach the bottom. */
const SCROLL_TIMEOUT_MS = 5_000;

const ROOM = 'history';

/** Whether an element is entirely within its scroller's visible area. */
function inView(element: Element): boolean {
  const scroller = element.closest('[data-testid=messages]');
  if (!scroller) return false;
  const box = element.getBoundingClientRect();
  const frame = scroller.getBoundingClientRect();
  return box.top >= frame.top - 1 && box.bottom <= frame.bottom + 1;
}

/** Operation names of the GraphQL requests the page makes over HTTP. */
function recordOperations(page: Page): string[] {
  const names: string[] = [];
  page.on('request', (request) => {
    if (!request.url().endsWith('/graphql') || request.method() !== 'POST') return;
    const body = JSON.parse(request.postData() ?? '{}') as { operationName?: string };
    names.push(body.operationName ?? '?');
  });
  return names;
}

describe('a long history', () => {
  let server: RunningServer;
  let browser: Browser;
  let alice: User;
  let bob: User;
  const seeded = Array.from({ length: 130 }, (_, i) => `Archived message number ${i + 1}`);

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    alice = await newUser(browser, server.url, 'alice');
    await graphqlAs(alice.context, server.url, 'mutation { createRoom(name: "History") { id } }');
    await seedMessages(alice.context, server.url, ROOM, seeded);
    await alice.page.goto(`${server.url}/rooms/${ROOM}`);
    await waitLive(alice.page);
    bob = await newUser(browser, server.url, 'bob', { room: ROOM });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('hydrates from the server-rendered data without fetching it again, cleanly', async () => {
    const page = await bob.context.newPage();
    const operations = recordOperations(page);
    const errors = collectErrors(page);
    await page.goto(`${server.url}/rooms/${ROOM}`);
    await waitLive(page);
    await page.waitForTimeout(500);
    expect(operations.filter((name) => name === 'RoomView' || name === 'Sidebar')).toEqual([]);
    expect(errors).toEqual([]);
    expect((await deliveredMessages(page)).texts.at(-1)).toBe(seeded.at(-1));
    await page.close();
  });

  it('loads older pages while scrolling up, each message once', async () => {
    const { page } = bob;
    expect((await deliveredMessages(page)).idCounts.size).toBe(50);
    const scroller = page.getByTestId('messages');
    for (let i = 0; i < 20 && (await page.locator('[data-message-id]').count()) < seeded.length; i++) {
      await scroller.evaluate((el) => el.scrollBy(0, -el.scrollHeight));
      await page.waitForTimeout(250);
    }
    await page.getByText(/This is the start of History/).waitFor();
    const { texts, idCounts } = await deliveredMessages(page);
    expect(texts).toEqual(seeded);
    expect([...idCounts.values()].every((n) => n === 1)).toBe(true);
  });

  it('keeps a reader who scrolled up in place and offers the new messages', async () => {
    const { page } = bob;
    const scroller = page.getByTestId('messages');
    await scroller.evaluate((el) => el.scrollBy(0, -el.scrollHeight));
    // The first message in view and where it is: it must not move when one arrives below.
    const firstInView = async () =>
      page.locator('[data-message-id]').evaluateAll((nodes) => {
        const top = nodes[0]?.closest('[data-testid=messages]')?.getBoundingClientRect().top ?? 0;
        const first = nodes.find((n) => n.getBoundingClientRect().top >= top);
        return {
          text: first?.querySelector('.message-text')?.textContent,
          top: first?.getBoundingClientRect().top ?? 0,
        };
      });
    const before = await firstInView();
    await send(alice.page, 'Something new down below');
    await page.getByTestId('new-messages').filter({ hasText: '1 new message' }).waitFor();
    const after = await firstInView();
    expect(after.text).toBe(before.text);
    // scrollHeight is whole pixels while layout is not: allow the rounding.
    expect(Math.abs(after.top - before.top)).toBeLessThanOrEqual(1);
    await page.getByTestId('new-messages').click();
    // A smooth scroll: on a busy CI machine it takes longer than expect.poll's 1 s default.
    await expect.poll(() => page.getByTestId('new-messages').count(), { timeout: SCROLL_TIMEOUT_MS }).toBe(0);
    const newest = page.locator('[data-message-id]').last();
    expect(await newest.locator('.message-text').textContent()).toBe('Something new down below');
    await expect.poll(() => newest.evaluate(inView), { timeout: SCROLL_TIMEOUT_MS }).toBe(true);
  });

  it('shows a message at once as pending, and offers a retry when sending fails', async () => {
    const { page, context } = bob;
    await context.setOffline(true);
    await page.getByTestId('connection').filter({ hasText: 'Offline' }).waitFor();
    await send(page, 'Sent while the network was down');
    const pending = page.locator('[data-pending]', { hasText: 'Sent while the network was down' });
    await pending.waitFor();
    await page.locator('[data-pending="failed"]').getByRole('button', { name: 'Retry' }).waitFor();

    await context.setOffline(false);
    await waitLive(page);
    await page.locator('[data-pending="failed"]').getByRole('button', { name: 'Retry' }).click();
    await page.locator('[data-message-id]', { hasText: 'Sent while the network was down' }).waitFor();
    await expect.poll(() => page.locator('[data-pending]').count()).toBe(0);
    await alice.page.goto(`${server.url}/rooms/${ROOM}`);
    const { texts } = await deliveredMessages(alice.page);
    expect(texts.filter((t) => t === 'Sent while the network was down')).toHaveLength(1);
  });
});
