import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type User, collectErrors, graphqlAs, launchBrowser, newUser, send, waitLive } from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';

/**
 * Installed in alice's pages before any of their scripts: records each desktop
 * notification the page constructs, and lets the test hide the tab (a headless page is
 * always "visible") by overriding document.hidden and visibilityState; a page opens
 * hidden while localStorage has `test-start-hidden`.
 */
const NOTIFICATION_SPY = `(() => {
  window.__notifications = [];
  window.__notificationObjects = [];
  const Real = window.Notification;
  if (Real) {
    class Recording extends Real {
      constructor(title, options) {
        window.__notifications.push({ title, body: options && options.body, tag: options && options.tag });
        super(title, options);
        window.__notificationObjects.push(this);
      }
    }
    window.Notification = Recording;
  }
  let hidden = localStorage.getItem('test-start-hidden') === '1';
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  window.__setHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
})();`;

interface Recorded {
  title: string;
  body?: string;
  tag?: string;
}

const notifications = (page: Page) =>
  page.evaluate(() => (window as unknown as { __notifications: Recorded[] }).__notifications);
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((h) => (window as unknown as { __setHidden: (h: boolean) => void }).__setHidden(h), hidden);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A room's link in one of the sidebar's sections. */
function roomLink(page: Page, section: 'Channels' | 'Direct messages' | 'Public rooms', name: string) {
  return page
    .getByRole('list', { name: section, exact: true })
    .getByRole('link', { name: new RegExp(`^${escape(name)}\\b`, 'i') });
}

describe('unread counts, mentions and notifications', () => {
  let server: RunningServer;
  let browser: Browser;
  let alice: User;
  let bob: User;
  let errors: string[];
  let directId: string;

  async function sendAs(user: User, roomId: string, text: string) {
    await graphqlAs(
      user.context,
      server.url,
      'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id } }',
      {
        r: roomId,
        t: text,
      },
    );
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    alice = await newUser(browser, server.url, 'alice');
    bob = await newUser(browser, server.url, 'bob');
    errors = collectErrors(alice.page);
    await alice.context.addInitScript(NOTIFICATION_SPY);
    await graphqlAs(alice.context, server.url, 'mutation { createRoom(name: "Quiet corner") { id } }');
    await alice.page.goto(`${server.url}/rooms/quiet-corner`);
    await waitLive(alice.page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a new direct message with a badge and a count in the title, and clears both when read, in every tab', async () => {
    const { page } = alice;
    // In general from sign-up: no "not joined" notice.
    await roomLink(page, 'Channels', 'general').waitFor();
    expect(await page.getByText('You have not joined').count()).toBe(0);
    expect(await page.title()).toBe('#Quiet corner · Parley');

    const second = await alice.context.newPage();
    await second.goto(`${server.url}/rooms/general`);
    await waitLive(second);

    const opened = await graphqlAs<{ openDirect: { id: string } }>(
      bob.context,
      server.url,
      'mutation($n: [String!]!) { openDirect(userNames: $n) { id } }',
      { n: [alice.name] },
    );
    directId = opened.openDirect.id;
    await sendAs(bob, directId, 'hey alice, got a minute?');

    // Named after bob only (not "alice, bob"), with a count and a bold name.
    const link = roomLink(page, 'Direct messages', bob.name);
    await link.getByTestId('unread-badge').filter({ hasText: '1' }).waitFor();
    expect(await link.getAttribute('data-unread')).toBe('true');
    expect(await link.textContent()).not.toContain(alice.name);
    await expect.poll(() => page.title()).toBe('(1) #Quiet corner · Parley');
    await roomLink(second, 'Direct messages', bob.name).getByTestId('unread-badge').waitFor();
    await expect.poll(() => second.title()).toBe('(1) #General · Parley');

    await link.click();
    await page.waitForURL(`**/rooms/${directId}`);
    await waitLive(page);
    await page.getByTestId('new-divider').waitFor();
    await expect.poll(() => page.title()).toBe(`${bob.name} · Parley`);
    await expect.poll(() => roomLink(page, 'Direct messages', bob.name).getByTestId('room-badges').count()).toBe(0);
    // The other tab hears of the read through viewerRoomsChanged.
    await expect.poll(() => roomLink(second, 'Direct messages', bob.name).getByTestId('room-badges').count()).toBe(0);
    await expect.poll(() => second.title()).toBe('#General · Parley');
    expect(await roomLink(second, 'Direct messages', bob.name).getAttribute('data-unread')).toBeNull();
    await second.close();
  });

  it('does not raise the badge of the room being read, and moves a room with news to the top', async () => {
    const { page } = alice;
    // Any badge on the open room, even for a moment, is a failure.
    await page.evaluate((id) => {
      const w = window as unknown as { __badgeSeen: boolean };
      w.__badgeSeen = false;
      const check = () => {
        if (document.querySelector(`[data-room-id="${id}"] [data-testid="room-badges"]`)) w.__badgeSeen = true;
      };
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true });
    }, directId);
    await sendAs(bob, directId, 'second thought: never mind');
    await page.locator('[data-message-id]', { hasText: 'second thought' }).waitFor();
    // Read at once (visible tab, at the bottom): no badge, no count, ever.
    await page.waitForTimeout(800);
    expect(await page.evaluate(() => (window as unknown as { __badgeSeen: boolean }).__badgeSeen)).toBe(false);
    expect(await page.title()).toBe(`${bob.name} · Parley`);

    await sendAs(bob, 'general', 'news in general');
    const channels = page.getByRole('list', { name: 'Channels', exact: true }).getByRole('link');
    await expect.poll(async () => (await channels.first().textContent()) ?? '').toContain('General');
  });

  it('shows a mention badge, and highlights the mention of the viewer in the room', async () => {
    const { page } = alice;
    await page.goto(`${server.url}/rooms/quiet-corner`);
    await waitLive(page);
    await send(bob.page, `@${alice.name} hi, can you look at this?`);

    const link = roomLink(page, 'Channels', 'general');
    await link.getByTestId('mention-badge').filter({ hasText: '@1' }).waitFor();
    expect(await link.textContent()).toMatch(/General, \d+ unread, 1 mention/);

    await link.click();
    await page.waitForURL('**/rooms/general');
    await waitLive(page);
    const row = page.locator('[data-message-id]', { hasText: 'can you look at this' });
    expect(await row.getAttribute('data-mentions-me')).toBe('true');
    expect(await row.locator('.mention[data-self]').textContent()).toBe(`@${alice.name}`);
    await expect.poll(() => link.getByTestId('room-badges').count()).toBe(0);

    // For bob the same mention is marked, but not as his own.
    const bobRow = bob.page.locator('[data-message-id]', { hasText: 'can you look at this' });
    expect(await bobRow.locator('.mention').count()).toBe(1);
    expect(await bobRow.locator('.mention[data-self]').count()).toBe(0);
  });

  it('notifies of a direct message while the tab is hidden, and not once the room is muted', async () => {
    const { page, context } = alice;
    await context.grantPermissions(['notifications'], { origin: server.url });
    await page.goto(`${server.url}/rooms/quiet-corner`);
    await waitLive(page);
    // Granted: the button is gone.
    expect(await page.getByRole('button', { name: 'Enable notifications' }).count()).toBe(0);

    await setHidden(page, true);
    await sendAs(bob, directId, 'are you there?');
    await expect.poll(() => notifications(page)).toEqual([{ title: bob.name, body: 'are you there?', tag: directId }]);

    // Its click opens the room at the message.
    await page.evaluate(() => {
      const shown = (window as unknown as { __notificationObjects: Notification[] }).__notificationObjects[0];
      shown?.onclick?.(new Event('click'));
    });
    await page.waitForURL(new RegExp(`/rooms/${escape(directId)}#message-`));
    await page.locator('[data-highlighted]', { hasText: 'are you there?' }).waitFor();

    // Mute the direct room from its header.
    await setHidden(page, false);
    await roomLink(page, 'Direct messages', bob.name).click();
    await page.waitForURL(`**/rooms/${directId}`);
    await waitLive(page);
    await page.getByLabel('Notifications').selectOption('NOTHING');
    await expect
      .poll(async () => {
        const data = await graphqlAs<{ room: { notificationLevel: string } }>(
          context,
          server.url,
          `query { room(id: "${directId}") { notificationLevel } }`,
        );
        return data.room.notificationLevel;
      })
      .toBe('NOTHING');

    await page.goto(`${server.url}/rooms/quiet-corner`);
    await waitLive(page);
    await setHidden(page, true);
    await sendAs(bob, directId, 'hello? anyone?');
    // The event arrived (the name goes bold), yet no notification and no count.
    const link = roomLink(page, 'Direct messages', bob.name);
    await page.locator(`[data-room-id="${directId}"][data-unread]`).waitFor();
    expect(await link.getByTestId('room-badges').count()).toBe(0);
    expect(await link.textContent()).toContain('(muted)');
    expect(await notifications(page)).toEqual([]);
    await expect.poll(() => page.title()).toBe('#Quiet corner · Parley');
  });

  it('moves the read marker of a room opened in a background tab only once the tab is shown', async () => {
    const unread = async () => {
      const data = await graphqlAs<{ room: { unreadCount: number } }>(
        alice.context,
        server.url,
        'query { room(id: "general") { unreadCount } }',
      );
      return data.room.unreadCount;
    };
    await sendAs(bob, 'general', 'while you were away');
    await expect.poll(unread).toBe(1);
    await alice.page.evaluate(() => localStorage.setItem('test-start-hidden', '1'));
    const background = await alice.context.newPage();
    await background.goto(`${server.url}/rooms/general`);
    await waitLive(background);
    await background.evaluate(() => localStorage.removeItem('test-start-hidden'));
    await background.getByTestId('new-divider').waitFor();
    await background.waitForTimeout(1_000);
    expect(await unread()).toBe(1);

    await setHidden(background, false);
    await expect.poll(unread).toBe(0);
    await background.close();
  });

  it('opens a direct room of several people from the "New message" dialog', async () => {
    const { page } = alice;
    await setHidden(page, false);
    const carol = await newUser(browser, server.url, 'carol');
    await page.getByRole('button', { name: 'New message' }).click();
    const dialog = page.getByRole('dialog', { name: 'New message' });
    await dialog.waitFor();
    const to = dialog.getByRole('combobox', { name: 'To' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('combobox');

    // Escape closes it; the button brings it back empty.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'New message' }).click();

    await to.fill('nobody-by-that-name');
    await to.press('Enter');
    await dialog.getByRole('button', { name: 'Open' }).click();
    await dialog.getByRole('alert').waitFor();

    await dialog.getByRole('button', { name: 'Remove nobody-by-that-name' }).click();
    await to.fill(bob.name.slice(0, 5));
    const option = dialog.getByRole('option', { name: bob.name });
    await option.waitFor();
    // Never the viewer among the suggestions.
    await to.fill(alice.name);
    await page.waitForTimeout(600);
    expect(await dialog.getByRole('option').count()).toBe(0);

    await to.fill(bob.name);
    await dialog.getByRole('option', { name: bob.name }).waitFor();
    await to.press('Enter');
    await to.fill(carol.name);
    await dialog.getByRole('option', { name: carol.name }).waitFor();
    await to.press('ArrowDown');
    await to.press('Enter');
    expect(await dialog.getByRole('list', { name: 'Chosen people' }).locator('.chip > span').allTextContents()).toEqual(
      [bob.name, carol.name],
    );
    await dialog.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith('/quiet-corner'));
    await waitLive(page);
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    expect(heading).toContain(bob.name);
    expect(heading).toContain(carol.name);
    expect(heading).not.toContain(alice.name);
    await page
      .getByRole('list', { name: 'Direct messages', exact: true })
      .getByRole('link', {
        name: new RegExp(`${escape(carol.name)}.*${escape(bob.name)}|${escape(bob.name)}.*${escape(carol.name)}`),
      })
      .waitFor();
    await carol.context.close();
  });

  it('calls a direct room by the names its people chose, and follows a change live', async () => {
    const { page } = alice;
    const dave = await newUser(browser, server.url, 'dave');
    const rename = (displayName: string) =>
      graphqlAs(dave.context, server.url, 'mutation($d: String!) { updateProfile(displayName: $d) { id } }', {
        d: displayName,
      });
    await rename('Dave Dee');
    const opened = await graphqlAs<{ openDirect: { id: string } }>(
      alice.context,
      server.url,
      'mutation($n: [String!]!) { openDirect(userNames: $n) { id } }',
      { n: [dave.name] },
    );
    const link = roomLink(page, 'Direct messages', 'Dave Dee');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/rooms/${opened.openDirect.id}`);
    await link.click();
    await waitLive(page);
    const heading = page.getByRole('heading', { level: 1 });
    await expect.poll(() => heading.textContent()).toContain('Dave Dee');
    expect(await heading.textContent()).not.toContain(dave.name);

    // A new name shows at once in the sidebar and the header, without a reload, though it
    // comes right after a navigation (the tab's profile subscription outlives pages).
    await rename('Dave Two');
    await roomLink(page, 'Direct messages', 'Dave Two').waitFor();
    await expect.poll(() => heading.textContent()).toContain('Dave Two');
    await dave.context.close();
  });

  it('logged no errors in alice\u2019s tab', () => {
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
