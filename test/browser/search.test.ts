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
  waitLive,
} from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';

const ROOM = 'search-lab';
/** An emoji before the match: the API's offsets are UTF-16, as JavaScript's are. */
const TARGET = '🎉 Kickoff: the zyzzyva <b>plan</b> is on';
const TARGET_INDEX = 29;
const seeded = Array.from({ length: 120 }, (_, i) => (i === TARGET_INDEX ? TARGET : `Filler message number ${i + 1}`));

/** Whether an element is entirely within its scroller's visible area. */
function inView(element: Element): boolean {
  const scroller = element.closest('[data-testid=messages]');
  if (!scroller) return false;
  const box = element.getBoundingClientRect();
  const frame = scroller.getBoundingClientRect();
  return box.top >= frame.top - 1 && box.bottom <= frame.bottom + 1;
}

const row = (page: Page, text: string) =>
  page.locator('[data-message-id]', { has: page.locator('.message-text', { hasText: text }) });

describe('search', () => {
  let server: RunningServer;
  let browser: Browser;
  let alice: User;
  let bob: User;
  let errors: string[];

  const unread = async (user: User) => {
    const data = await graphqlAs<{ room: { unreadCount: number } }>(
      user.context,
      server.url,
      `query { room(id: "${ROOM}") { unreadCount } }`,
    );
    return data.room.unreadCount;
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    alice = await newUser(browser, server.url, 'alice');
    bob = await newUser(browser, server.url, 'bob');
    await graphqlAs(alice.context, server.url, 'mutation { createRoom(name: "Search lab") { id } }');
    await graphqlAs(bob.context, server.url, `mutation { joinRoom(id: "${ROOM}") { id } }`);
    await seedMessages(alice.context, server.url, ROOM, seeded);
    errors = collectErrors(alice.page);
    await alice.page.goto(`${server.url}/rooms/${ROOM}`);
    await waitLive(alice.page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds an early message from the header, highlighted, as text', async () => {
    const { page } = alice;
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    const field = page.getByRole('combobox', { name: 'Search messages' });
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('ZYZZYVA');
    const results = page.getByRole('listbox', { name: 'Search results' }).getByRole('option');
    await results.first().waitFor();
    expect(await results.count()).toBe(1);
    const result = results.first();
    expect(await result.locator('mark').allTextContents()).toEqual(['zyzzyva']);
    // The room, the author and when.
    expect(await result.locator('.search-result-room').textContent()).toBe('#Search lab');
    expect(await result.locator('.search-result-author').textContent()).toBe(alice.name);
    expect(await result.locator('time').textContent()).toMatch(/just now|min ago/);
    // Markup in a message is text: no <b> element, the tags as typed.
    expect(await result.locator('b').count()).toBe(0);
    expect(await result.locator('.search-result-text').textContent()).toBe(TARGET);

    // Nothing in another room; an unknown room is said so.
    await field.fill('in:general zyzzyva');
    await page.getByTestId('search-status').filter({ hasText: 'No messages match in #General' }).waitFor();
    expect(await results.count()).toBe(0);
    // A query the API refuses (no letters or digits) says why, as does an unknown room.
    await field.fill('--');
    await page.getByTestId('search-status').filter({ hasText: 'at least one word' }).waitFor();
    expect(await page.getByTestId('search-status').getAttribute('data-error')).toBe('true');
    await field.fill('in:nowhere zyzzyva');
    await page.getByTestId('search-status').filter({ hasText: 'None of your rooms is called “nowhere”' }).waitFor();
    // "This room only", with the shortcut Ctrl+K from the composer.
    await page.getByLabel(/^Message /).focus();
    await page.keyboard.press('Control+k');
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await field.fill('filler');
    await results.first().waitFor();
    await page.getByLabel(/This room only/).check();
    await expect.poll(() => results.count()).toBe(20);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => results.count()).toBe(40);
  });

  it('opens the room at the result: highlighted in context, paging both ways, back to the newest', async () => {
    const { page } = alice;
    const field = page.getByRole('combobox', { name: 'Search messages' });
    await field.fill('zyzzyva');
    const results = page.getByRole('listbox', { name: 'Search results' }).getByRole('option');
    await results.filter({ hasText: 'Kickoff' }).waitFor();
    await field.press('ArrowDown');
    expect(await results.first().getAttribute('aria-selected')).toBe('true');
    await field.press('Enter');
    await page.waitForURL(/\/rooms\/search-lab\?around=[^#]+#message-/);
    await waitLive(page);

    const target = row(page, 'Kickoff');
    await page.locator('[data-highlighted]', { hasText: 'Kickoff' }).waitFor();
    await expect.poll(() => target.evaluate(inView)).toBe(true);
    // An older stretch: the newest message is not there, the way back is.
    const jump = page.getByTestId('jump-to-newest');
    await jump.waitFor();
    expect(await jump.textContent()).toContain('Jump to newest');
    const shown = (await deliveredMessages(page)).texts;
    expect(shown).toContain('Filler message number 10');
    expect(shown).not.toContain(seeded.at(-1));

    // A message from bob while an older stretch is shown: counted on the button, not
    // put after the stretch, and not read.
    await graphqlAs(
      bob.context,
      server.url,
      'mutation($r: ID!) { sendMessage(roomId: $r, text: "are you around?") { id } }',
      {
        r: ROOM,
      },
    );
    await jump.filter({ hasText: '1 new message' }).waitFor();
    expect((await deliveredMessages(page)).texts).not.toContain('are you around?');

    // Scrolling up reaches the room's start, each message once.
    const scroller = page.getByTestId('messages');
    await scroller.evaluate((el) => el.scrollTo({ top: -el.scrollHeight }));
    await expect.poll(async () => (await deliveredMessages(page)).texts[0]).toBe('Filler message number 1');
    const { idCounts } = await deliveredMessages(page);
    expect([...idCounts.values()].every((n) => n === 1)).toBe(true);
    expect(await unread(alice)).toBe(1);

    await jump.click();
    await row(page, 'are you around?').waitFor();
    await expect.poll(async () => (await deliveredMessages(page)).texts.at(-1)).toBe('are you around?');
    await expect.poll(() => jump.count()).toBe(0);
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => unread(alice)).toBe(0);
    await expect.poll(() => row(page, 'are you around?').evaluate(inView)).toBe(true);
  });

  it('keeps following the room live after coming back', async () => {
    const { page } = alice;
    await graphqlAs(
      bob.context,
      server.url,
      'mutation($r: ID!) { sendMessage(roomId: $r, text: "still there?") { id } }',
      {
        r: ROOM,
      },
    );
    await row(page, 'still there?').waitFor();
    const { texts, idCounts } = await deliveredMessages(page);
    expect(texts.slice(-2)).toEqual(['are you around?', 'still there?']);
    expect([...idCounts.values()].every((n) => n === 1)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('opens a notification-style link (#message-) to a message far back, loading around it', async () => {
    const page = await alice.context.newPage();
    const oldest = await graphqlAs<{ room: { messages: { edges: { node: { id: string } }[] } } }>(
      alice.context,
      server.url,
      `query { room(id: "${ROOM}") { messages(first: 1) { edges { node { id } } } } }`,
    );
    const id = oldest.room.messages.edges[0]!.node.id;
    await page.goto(`${server.url}/rooms/${ROOM}#message-${encodeURIComponent(id)}`);
    await waitLive(page);
    await page.locator(`[data-highlighted][data-message-id="${id}"]`).waitFor();
    const jump = page.getByTestId('jump-to-newest');
    await jump.waitFor();

    // Back to the newest here, the feed kept (no navigation: the address has no ?around=).
    await jump.click();
    await expect.poll(async () => (await deliveredMessages(page)).texts.at(-1)).toBe('still there?');
    await expect.poll(() => jump.count()).toBe(0);
    expect(await page.locator(`[data-message-id="${id}"]`).count()).toBe(0);

    // A later link to it in the same page (a new hash) loads the stretch around it again.
    await page.evaluate(() => (location.hash = ''));
    await page.evaluate((messageId) => (location.hash = `#message-${messageId}`), id);
    await page.locator(`[data-highlighted][data-message-id="${id}"]`).waitFor();
    await jump.waitFor();

    // Scrolling down loads newer pages, the view holding still, until the newest.
    const scroller = page.getByTestId('messages');
    const first = page.locator('.message-text', { hasText: /^Filler message number 1$/ });
    for (let i = 0; i < 10 && (await jump.count()) > 0; i++) {
      await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
      await page.waitForTimeout(300);
    }
    expect(await jump.count()).toBe(0);
    expect(await first.count()).toBe(1);
    const { texts, idCounts } = await deliveredMessages(page);
    expect(texts.slice(-2)).toEqual(['are you around?', 'still there?']);
    expect(texts.length).toBe(122);
    expect([...idCounts.values()].every((n) => n === 1)).toBe(true);
    await page.close();
  });

  it('serves /search without JavaScript: results with highlights, links to the messages, pages', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    await context.addCookies(await alice.context.cookies());
    const page = await context.newPage();
    await page.goto(`${server.url}/search?q=zyzzyva`);
    const link = page.getByTestId('search-page-result');
    expect(await link.count()).toBe(1);
    expect(await link.locator('mark').allTextContents()).toEqual(['zyzzyva']);
    expect(await page.title()).toBe('Search: zyzzyva · Parley');

    // A second page by its own address.
    await page.goto(`${server.url}/search?q=filler&room=${ROOM}`);
    expect(await link.count()).toBe(20);
    await page.getByRole('link', { name: 'Older results →' }).click();
    await page.waitForURL(/after=/);
    expect(await link.count()).toBe(20);
    expect(await link.first().textContent()).toContain('Filler message number 100');

    // A refused query is said so.
    await page.goto(`${server.url}/search?q=--`);
    expect(await page.getByTestId('search-problem').textContent()).toContain('at least one word');

    // The form is a plain GET.
    await page.getByLabel('Words').fill('qwxzzy');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=qwxzzy/);
    await page.getByTestId('search-status').filter({ hasText: 'No messages match' }).waitFor();

    // A result opens the room around the message, rendered on the server.
    await page.goto(`${server.url}/search?q=zyzzyva`);
    await link.click();
    await page.waitForURL(/around=/);
    const texts = await page.locator('[data-message-id] .message-text').allTextContents();
    expect(texts).toContain(TARGET);
    expect(texts).not.toContain(seeded.at(-1));
    expect(await page.locator('.message:target').textContent()).toContain('Kickoff');
    expect(await page.getByTestId('jump-to-newest').getAttribute('href')).toBe(`/rooms/${ROOM}`);
    await context.close();
  });
});
