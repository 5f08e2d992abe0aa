import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type User, launchBrowser, newUser, send, userName } from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';

describe('without JavaScript', () => {
  let server: RunningServer;
  let browser: Browser;
  let alice: User;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    alice = await newUser(browser, server.url, 'alice', { room: 'general' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs up, reads the history and sends with plain forms', async () => {
    const history = `Written before you came ${Date.now()}`;
    await send(alice.page, history);
    await alice.page.locator('[data-message-id]', { hasText: history }).waitFor();

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const name = userName('nojs');
    await page.goto(`${server.url}/signup`);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    // The API's error comes back next to its field, still without JavaScript.
    expect(await page.locator('[data-field="password"]').textContent()).toMatch(/8–256 characters/);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL(/\/rooms\/general$/);
    expect(await page.locator('[data-message-id]', { hasText: history }).count()).toBe(1);

    const reply = `Sent from a page without scripts ${Date.now()}`;
    await page.getByLabel(/^Message /).fill(reply);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(/\/rooms\/general$/);
    await page.locator('[data-message-id]', { hasText: reply }).waitFor();
    await alice.page.locator('[data-message-id]', { hasText: reply }).waitFor();
    await context.close();
  });
});
