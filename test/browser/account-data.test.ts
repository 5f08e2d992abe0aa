import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  type User,
  collectErrors,
  graphqlAs,
  launchBrowser,
  newUser,
  seedMessages,
  waitLive,
} from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';

const ROOM = 'keepsakes';

describe('your data', () => {
  let server: RunningServer;
  let browser: Browser;
  let ada: User;
  let bob: User;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newUser(browser, server.url, 'ada');
    bob = await newUser(browser, server.url, 'bob');
    await graphqlAs(ada.context, server.url, 'mutation { createRoom(name: "Keepsakes") { id } }');
    await graphqlAs(bob.context, server.url, `mutation { joinRoom(id: "${ROOM}") { id } }`);
    await seedMessages(ada.context, server.url, ROOM, ['Remember me']);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('downloads one’s data as a JSON file from the account page', async () => {
    const { page } = ada;
    await page.goto(`${server.url}/account`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download my data' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^parley-${ada.name}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    const data = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      format: string;
      profile: { name: string };
      rooms: { id: string }[];
      messages: { text: string }[];
    };
    expect(data.format).toBe('parley-export/1');
    expect(data.profile.name).toBe(ada.name);
    expect(data.rooms.map((r) => r.id)).toContain(ROOM);
    expect(data.messages.map((m) => m.text)).toEqual(['Remember me']);
  });

  it('exports a room as JSON from its settings, for its owner', async () => {
    const { page } = ada;
    await page.goto(`${server.url}/rooms/${ROOM}`);
    await waitLive(page);
    await page.getByRole('button', { name: 'Room options' }).click();
    await page.getByRole('menuitem', { name: 'Room settings…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Room settings' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('link', { name: 'Export room (JSON)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^parley-${ROOM}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    const data = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      room: { id: string };
      messages: { text: string; author: { name: string } }[];
    };
    expect(data.room.id).toBe(ROOM);
    expect(data.messages.map((m) => [m.author.name, m.text])).toEqual([[ada.name, 'Remember me']]);
    // Bob, a member, is not offered it.
    await bob.page.goto(`${server.url}/rooms/${ROOM}`);
    await waitLive(bob.page);
    await bob.page.getByRole('button', { name: 'Room options' }).click();
    expect(await bob.page.getByRole('menuitem', { name: 'Room settings…' }).count()).toBe(0);
    await bob.page.keyboard.press('Escape');
  });

  it('deletes the account after a warning and the password; the messages stay as a deleted user’s', async () => {
    const errors = collectErrors(ada.page);
    const { page } = ada;
    // Bob has the room open while she deletes her account: he sees it live.
    await bob.page.goto(`${server.url}/rooms/${ROOM}`);
    const group = bob.page.locator('.group', { hasText: 'Remember me' });
    await expect.poll(() => group.locator('.author').textContent()).toBe(ada.name);
    await page.goto(`${server.url}/account`);
    const opener = page.getByRole('button', { name: 'Delete account…' });
    await opener.click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete your account?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.textContent()).toContain('Your messages stay where they are');
    // The password has the focus: nothing happens until it is typed. Escape closes and gives focus back.
    expect(await dialog.getByLabel('Your password').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);

    await opener.click();
    await dialog.getByLabel('Your password').fill('not my password');
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await expect.poll(() => dialog.locator('.field-error').textContent()).toContain('not your current password');

    await dialog.getByLabel('Your password').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL(/\/signin\?notice=account-deleted$/);
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('Your account was deleted and you were signed out everywhere.');

    // Signing in again as her fails.
    await page.getByLabel('Name').fill(ada.name);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Wrong name or password');

    // Bob sees her message under "deleted user", live, and after a reload.
    await expect.poll(() => group.getByTestId('deleted-author').textContent()).toBe('deleted user');
    await bob.page.reload();
    await expect.poll(() => group.getByTestId('deleted-author').textContent()).toBe('deleted user');
    expect(errors).toEqual([]);
  });
});
