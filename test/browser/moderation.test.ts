import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  type User,
  collectErrors,
  graphqlAs,
  launchBrowser,
  newUser,
  send,
  userName,
  waitLive,
} from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';
import { gqlOk, signUp as signUpOverHttp } from '../helpers/http.js';
import { type TestSocket, openSocket } from '../helpers/ws.js';

/** People the room's page lists as online at most (the web's ONLINE_LISTED_MAX: `online(first: 50)`). */
const ONLINE_LISTED_MAX = 50;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A room's link in one of the sidebar's sections. */
function roomLink(page: Page, section: 'Channels' | 'Public rooms', name: string) {
  return page
    .getByRole('list', { name: section, exact: true })
    .getByRole('link', { name: new RegExp(`^${escape(name)}\\b`, 'i') });
}

const timelineLine = (page: Page, text: string) => page.getByTestId('timeline-line').filter({ hasText: text });

describe('moderation in the web UI', () => {
  let server: RunningServer;
  let browser: Browser;
  let owner: User;
  let member: User;
  let memberErrors: string[];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    owner = await newUser(browser, server.url, 'owner');
    member = await newUser(browser, server.url, 'member');
    memberErrors = collectErrors(member.page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const api = <T>(user: User, query: string, variables: Record<string, unknown> = {}) =>
    graphqlAs<T>(user.context, server.url, query, variables);

  async function openRoom(user: User, roomId: string) {
    await user.page.goto(`${server.url}/rooms/${roomId}`);
    await waitLive(user.page);
  }

  it('a member removed through the members panel sees it at once: explained, composer off, room gone', async () => {
    await api(owner, 'mutation { createRoom(name: "Ops desk", isPrivate: true) { id } }');
    await api(owner, 'mutation($u: String!) { invite(roomId: "ops-desk", userName: $u) { id } }', { u: member.name });
    await openRoom(member, 'ops-desk');
    await roomLink(member.page, 'Channels', 'Ops desk').waitFor();
    await openRoom(owner, 'ops-desk');

    await owner.page.getByRole('button', { name: /^Members, 2$/ }).click();
    const panel = owner.page.getByRole('dialog', { name: 'Members of #Ops desk' });
    const row = panel.locator(`[data-member="${member.name}"]`);
    await row.waitFor();
    // The owner's own row has no actions; the member is online and has all of them.
    expect(await panel.getByRole('button', { name: `Actions for ${owner.name}` }).count()).toBe(0);
    const ownerRow = panel.locator(`[data-member="${owner.name}"]`);
    expect(await ownerRow.textContent()).toContain('(you)');
    expect(await ownerRow.locator('.role-badge').textContent()).toMatch(/Owner$/);
    // A plain member has no role badge; the owner is offered the other roles, removal and ban.
    expect(await row.locator('.role-badge').count()).toBe(0);
    await row.getByRole('button', { name: `Actions for ${member.name}` }).click();
    const items = await row.getByRole('menuitem').allTextContents();
    expect(items).toEqual(['Make owner', 'Make moderator', 'Remove from room', 'Ban from room']);
    // The keyboard moves through the menu; Escape closes it and focus returns to its button.
    await owner.page.keyboard.press('ArrowDown');
    expect(await owner.page.evaluate(() => document.activeElement?.textContent)).toBe('Make moderator');
    await owner.page.keyboard.press('Escape');
    expect(await row.getByRole('menuitem').count()).toBe(0);
    expect(await owner.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      `Actions for ${member.name}`,
    );

    await row.getByRole('button', { name: `Actions for ${member.name}` }).click();
    const started = Date.now();
    await row.getByRole('menuitem', { name: 'Remove from room' }).click();

    const notice = member.page.getByTestId('access-lost');
    await notice.waitFor({ timeout: 2_000 });
    // The feed's last word says who did it.
    expect(await notice.textContent()).toContain(`You were removed from #Ops desk by ${owner.name}`);
    expect(await notice.getByRole('link', { name: 'Go to #general' }).getAttribute('href')).toBe('/rooms/general');
    expect(await member.page.locator('#composer-text').isDisabled()).toBe(true);
    await expect.poll(() => roomLink(member.page, 'Channels', 'Ops desk').count(), { timeout: 2_000 }).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000);

    // The owner's panel drops the row and says so; their timeline has the line.
    await panel
      .getByRole('status')
      .filter({ hasText: `${member.name} was removed from #Ops desk` })
      .waitFor();
    expect(await row.count()).toBe(0);
    await owner.page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    await timelineLine(owner.page, `You removed ${member.name}`).waitFor();
    expect(memberErrors.filter((e) => !/status of 40[34]/.test(e))).toEqual([]);
  });

  it('the members panel says who is online in a crowd, past the page of people the room lists', async () => {
    await api(owner, 'mutation { createRoom(name: "Crowd hall") { id } }');
    await openRoom(owner, 'crowd-hall');
    // More people online than the room lists (ONLINE_LISTED_MAX, 50), then one more:
    // named to come first among the members, but not among those the room lists.
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/graphql`;
    const sockets: TestSocket[] = [];
    const online = async (name: string) => {
      const person = await signUpOverHttp(server.url, name);
      await gqlOk(server.url, 'mutation { joinRoom(id: "crowd-hall") { id } }', {}, { token: person.token });
      const socket = openSocket(wsUrl, { token: person.token });
      sockets.push(socket);
      socket.subscribe('subscription { messageAdded(roomId: "crowd-hall") { id } }');
      return { person, socket };
    };
    try {
      for (let k = 0; k < ONLINE_LISTED_MAX + 4; k += 1) await online(userName(`zfill${k}`));
      await expect
        .poll(() => owner.page.locator('.online-count').textContent(), { timeout: 20_000 })
        .toBe(`${ONLINE_LISTED_MAX + 5} online`);
      const late = await online(userName('aaalate'));
      await expect
        .poll(() => owner.page.locator('.online-count').textContent(), { timeout: 10_000 })
        .toBe(`${ONLINE_LISTED_MAX + 6} online`);

      await owner.page.getByRole('button', { name: /^Members, \d+$/ }).click();
      const panel = owner.page.getByRole('dialog', { name: 'Members of #Crowd hall' });
      const row = panel.locator(`[data-member="${late.person.user.name}"]`);
      await row.waitFor();
      const shown = () => row.locator('.member-name > .visually-hidden').textContent();
      await expect.poll(shown, { timeout: 5_000 }).toBe(', online');
      expect(await row.locator('.presence-dot[data-online]').count()).toBe(1);

      // They go: the panel follows, though the room never listed them.
      await late.socket.close();
      await expect.poll(shown, { timeout: 10_000 }).toBe(', offline');
      expect(await row.locator('.presence-dot[data-online]').count()).toBe(0);
      await owner.page.keyboard.press('Escape');
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
    }
  });

  it('settings: the topic the owner sets shows in the member’s header live, with timeline lines', async () => {
    await api(owner, 'mutation { createRoom(name: "Tea room") { id } }');
    await api(member, 'mutation { joinRoom(id: "tea-room") { id } }');
    await openRoom(member, 'tea-room');
    await openRoom(owner, 'tea-room');
    // A member has no settings, only leaving.
    await member.page.getByRole('button', { name: 'Room options' }).click();
    expect(await member.page.getByRole('menuitem').allTextContents()).toEqual(['Members…', 'Leave room…']);
    await member.page.keyboard.press('Escape');

    await owner.page.getByRole('button', { name: 'Room options' }).click();
    await owner.page.getByRole('menuitem', { name: 'Room settings…' }).click();
    const dialog = owner.page.getByRole('dialog', { name: 'Room settings' });
    await dialog.getByLabel('Topic').fill('Oolong only');
    await dialog.getByLabel('Slow mode').selectOption({ label: '10 s' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await member.page.getByTestId('room-topic').filter({ hasText: 'Oolong only' }).waitFor({ timeout: 2_000 });
    await timelineLine(member.page, `${owner.name} changed the topic to Oolong only`).waitFor();
    await timelineLine(member.page, 'Slow mode is now 10 s').waitFor();
    await owner.page.getByTestId('room-topic').filter({ hasText: 'Oolong only' }).waitFor();
  });

  it('slow mode: a member who sends twice is told when they can send again, and keeps the text', async () => {
    await send(member.page, 'first cup');
    await member.page.locator('[data-message-id]', { hasText: 'first cup' }).waitFor();
    await send(member.page, 'second cup');
    const note = member.page.getByTestId('slow-mode');
    await note.waitFor({ timeout: 2_000 });
    expect(await note.textContent()).toMatch(/Slow mode: you can send again in (10|9|8) s/);
    await expect.poll(() => member.page.locator('#composer-text').inputValue()).toBe('second cup');
    expect(await member.page.locator('[data-message-id]', { hasText: 'second cup' }).count()).toBe(0);
    // Enter again while waiting: nothing is sent and the text stays.
    await member.page.locator('#composer-text').press('Enter');
    expect(await member.page.locator('#composer-text').inputValue()).toBe('second cup');
    // A message an owner deletes says so, unlike one its author deleted.
    const cup = member.page.locator('[data-message-id]', { hasText: 'first cup' });
    const id = await cup.getAttribute('data-message-id');
    await api(owner, 'mutation($id: ID!) { deleteMessage(id: $id) { id } }', { id });
    await member.page
      .locator(`[data-message-id="${id}"] .message-deleted`)
      .filter({ hasText: `message removed by ${owner.name}` })
      .waitFor();
    // The owner never waits.
    await send(owner.page, 'owner pours');
    await send(owner.page, 'owner pours again');
    await owner.page.locator('[data-message-id]', { hasText: 'owner pours again' }).waitFor();
  });

  it('roles: the owner makes the member a moderator, who is told and is offered nothing on the owner', async () => {
    await owner.page.getByRole('button', { name: /^Members, / }).click();
    const panel = owner.page.getByRole('dialog', { name: 'Members of #Tea room' });
    const row = panel.locator(`[data-member="${member.name}"]`);
    await row.getByRole('button', { name: `Actions for ${member.name}` }).click();
    await row.getByRole('menuitem', { name: 'Make moderator' }).click();
    await row
      .getByRole('status')
      .filter({ hasText: `${member.name} is now a moderator.` })
      .waitFor();
    // The row's badge says so at once, and "Make moderator" is no longer offered.
    await row.locator('.role-badge').filter({ hasText: 'Moderator' }).waitFor();
    await row.getByRole('button', { name: `Actions for ${member.name}` }).click();
    expect(await row.getByRole('menuitem').allTextContents()).toEqual([
      'Make owner',
      'Make member',
      'Remove from room',
      'Ban from room',
    ]);
    await owner.page.keyboard.press('Escape');
    await owner.page.keyboard.press('Escape');
    await timelineLine(member.page, `${owner.name} made you a moderator`).waitFor();
    await timelineLine(owner.page, `You changed ${member.name}'s role`).waitFor();

    // A moderator now: room settings appear; the owner's row shows their role and offers nothing.
    await member.page.getByRole('button', { name: 'Room options' }).click();
    await expect
      .poll(() => member.page.getByRole('menuitem').allTextContents())
      .toEqual(['Members…', 'Room settings…', 'Leave room…']);
    await member.page.getByRole('menuitem', { name: 'Members…' }).click();
    const theirs = member.page.getByRole('dialog', { name: 'Members of #Tea room' });
    const ownerRow = theirs.locator(`[data-member="${owner.name}"]`);
    await ownerRow.locator('.role-badge').filter({ hasText: 'Owner' }).waitFor();
    expect(await theirs.locator(`[data-member="${member.name}"] .role-badge`).textContent()).toMatch(/Moderator$/);
    expect(await ownerRow.getByRole('button', { name: `Actions for ${owner.name}` }).count()).toBe(0);
    await member.page.keyboard.press('Escape');
    await theirs.waitFor({ state: 'hidden' });
  });

  it('ban: asked first, then the banned member is out and cannot join again', async () => {
    const guest = await newUser(browser, server.url, 'guest');
    await api(guest, 'mutation { joinRoom(id: "tea-room") { id } }');
    await openRoom(guest, 'tea-room');
    await owner.page.getByRole('button', { name: /^Members, / }).click();
    const panel = owner.page.getByRole('dialog', { name: 'Members of #Tea room' });
    const row = panel.locator(`[data-member="${guest.name}"]`);
    await row.getByRole('button', { name: `Actions for ${guest.name}` }).click();
    await row.getByRole('menuitem', { name: 'Ban from room' }).click();
    const confirm = owner.page.getByRole('alertdialog', { name: `Ban ${guest.name}?` });
    await confirm.waitFor();
    // Cancel first: nothing happens.
    expect(await owner.page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await row.count()).toBe(1);
    await row.getByRole('button', { name: `Actions for ${guest.name}` }).click();
    await row.getByRole('menuitem', { name: 'Ban from room' }).click();
    await confirm.getByRole('button', { name: 'Ban', exact: true }).click();
    await panel
      .getByRole('status')
      .filter({ hasText: `${guest.name} was banned from #Tea room` })
      .waitFor();

    // A public room: the banned member is told at once, and the room stays listed as not joined.
    await guest.page.getByTestId('access-lost').waitFor({ timeout: 2_000 });
    expect(await guest.page.getByTestId('access-lost').textContent()).toContain(
      `You were banned from #Tea room by ${owner.name}`,
    );
    expect(await guest.page.locator('#composer-text').isDisabled()).toBe(true);
    await roomLink(guest.page, 'Public rooms', 'Tea room').waitFor({ timeout: 2_000 });
    await expect(api(guest, 'mutation { joinRoom(id: "tea-room") { id } }')).rejects.toThrow(/FORBIDDEN|banned/i);
    await owner.page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    await guest.context.close();
  });

  it('leaving: confirmed in a dialog, then general, and the room is listed as not joined', async () => {
    await member.page.getByRole('button', { name: 'Room options' }).click();
    await member.page.getByRole('menuitem', { name: 'Leave room…' }).click();
    const confirm = member.page.getByRole('alertdialog', { name: 'Leave #Tea room?' });
    await confirm.waitFor();
    // Cancel has focus first; Escape closes without leaving.
    await member.page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    await member.page.getByRole('button', { name: 'Room options' }).click();
    await member.page.getByRole('menuitem', { name: 'Leave room…' }).click();
    await confirm.getByRole('button', { name: 'Leave room' }).click();
    await member.page.waitForURL(/\/rooms\/general$/);
    await roomLink(member.page, 'Public rooms', 'Tea room').waitFor();
    await timelineLine(owner.page, `${member.name} left`).waitFor();
  });

  it('account: the devices signed in, signing one out, a new password, and everywhere else, without JavaScript too', async () => {
    const signIn = async (javaScriptEnabled: boolean, password = PASSWORD) => {
      const context = await browser.newContext({
        javaScriptEnabled,
        userAgent: `Mozilla/5.0 (Windows NT 10.0) Firefox/140.0 ${javaScriptEnabled}`,
      });
      const page = await context.newPage();
      await page.goto(`${server.url}/signin`);
      await page.getByLabel('Name').fill(member.name);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/rooms\//);
      return { context, page };
    };
    const laptop = await signIn(true);

    await member.page.getByRole('link', { name: 'Account' }).click();
    await member.page.waitForURL(/\/account$/);
    const rows = member.page.getByTestId('sessions').locator('li');
    expect(await rows.count()).toBe(2);
    expect(await rows.filter({ hasText: 'This device' }).count()).toBe(1);
    const other = rows.filter({ hasNotText: 'This device' });
    expect(await other.textContent()).toContain('Firefox on Windows');
    await other.getByRole('button', { name: /^Sign out Firefox on Windows/ }).click();
    await member.page.getByRole('status').filter({ hasText: 'That device was signed out.' }).waitFor();
    expect(await rows.count()).toBe(1);
    await laptop.page.goto(`${server.url}/rooms/general`);
    expect(new URL(laptop.page.url()).pathname).toBe('/signin');
    await laptop.context.close();

    // A wrong current password is refused beside its field; then the new one is taken.
    const newPassword = 'a much better passphrase';
    await member.page.getByLabel('Current password').fill('not my password');
    await member.page.getByLabel('New password', { exact: true }).fill(newPassword);
    await member.page.getByLabel('Confirm new password').fill(newPassword);
    await member.page.getByRole('button', { name: 'Change password' }).click();
    await member.page.locator('[data-field="currentPassword"]').waitFor();
    expect(await member.page.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
    await member.page.getByLabel('Current password').fill(PASSWORD);
    await member.page.getByLabel('New password', { exact: true }).fill(newPassword);
    await member.page.getByLabel('Confirm new password').fill(newPassword);
    await member.page.getByRole('button', { name: 'Change password' }).click();
    await member.page.getByRole('status').filter({ hasText: 'Your password was changed' }).waitFor();

    // Without JavaScript: the list and "Sign out everywhere else" are plain forms.
    const phone = await signIn(false, newPassword);
    const tablet = await signIn(true, newPassword);
    await phone.page.goto(`${server.url}/account`);
    expect(await phone.page.getByTestId('sessions').locator('li').count()).toBe(3);
    await phone.page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await phone.page.getByRole('status').filter({ hasText: 'Signed out 2 other devices.' }).waitFor();
    expect(await phone.page.getByTestId('sessions').locator('li').count()).toBe(1);
    await tablet.page.goto(`${server.url}/rooms/general`);
    expect(new URL(tablet.page.url()).pathname).toBe('/signin');
    await member.page.goto(`${server.url}/account`);
    expect(new URL(member.page.url()).pathname).toBe('/signin');
    await phone.context.close();
    await tablet.context.close();
  });
});
