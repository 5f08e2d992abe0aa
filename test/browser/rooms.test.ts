import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type User, launchBrowser, newUser, send, waitLive } from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';

describe('accounts and rooms', () => {
  let server: RunningServer;
  let browser: Browser;
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    alice = await newUser(browser, server.url, 'alice');
    bob = await newUser(browser, server.url, 'bob');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends signed-out visitors to sign in, and shows errors next to the field', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.goto(`${server.url}/rooms/general`);
    expect(new URL(page.url()).pathname).toBe('/signin');

    await page.goto(`${server.url}/signup`);
    await page.getByLabel('Name').fill(alice.name);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.locator('[data-field="name"]').filter({ hasText: 'is taken' }).waitFor();
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');

    await page.goto(`${server.url}/signin`);
    await page.getByLabel('Name').fill(alice.name);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong name or password' }).waitFor();
    await context.close();
  });

  it('creates a public room that others can join', async () => {
    await alice.page.getByText('New room').click();
    await alice.page.getByLabel('Room name').fill('Book club');
    await alice.page.getByRole('button', { name: 'Create room' }).click();
    await alice.page.waitForURL(/\/rooms\/book-club$/);
    await waitLive(alice.page);
    expect(await alice.page.getByRole('heading', { level: 1 }).textContent()).toContain('Book club');

    await bob.page.goto(`${server.url}/rooms/book-club`);
    await waitLive(bob.page);
    await bob.page.getByRole('button', { name: 'Join room' }).click();
    await expect.poll(() => bob.page.getByRole('button', { name: 'Join room' }).count()).toBe(0);
    const yourRooms = bob.page.locator('.room-list').first();
    await yourRooms.getByRole('link', { name: /Book club/ }).waitFor();
  });

  it('keeps a private room invisible until its member invites you', async () => {
    await alice.page.getByText('New room').click();
    await alice.page.getByLabel('Room name').fill('Secret plans');
    await alice.page.getByLabel(/Private/).check();
    await alice.page.getByRole('button', { name: 'Create room' }).click();
    await alice.page.waitForURL(/\/rooms\/secret-plans$/);
    await waitLive(alice.page);

    const response = await bob.page.goto(`${server.url}/rooms/secret-plans`);
    expect(response?.status()).toBe(404);
    expect(await bob.page.getByRole('heading', { name: 'Nothing here' }).count()).toBe(1);

    await alice.page.locator('summary', { hasText: 'Invite' }).click();
    await alice.page.getByLabel('User name').fill('nobody-by-this-name');
    await alice.page.getByRole('button', { name: 'Invite', exact: true }).click();
    await alice.page.locator('.field-error').filter({ hasText: 'No user named' }).waitFor();
    await alice.page.getByLabel('User name').fill(bob.name);
    await alice.page.getByRole('button', { name: 'Invite', exact: true }).click();
    await alice.page
      .getByRole('status')
      .filter({ hasText: `${bob.name} can now see Secret plans` })
      .waitFor();

    await bob.page.goto(`${server.url}/rooms/secret-plans`);
    await waitLive(bob.page);
    await send(bob.page, 'Thanks for the invite!');
    await alice.page.locator('[data-message-id]', { hasText: 'Thanks for the invite!' }).waitFor();
  });

  it('takes a returning user back to the last room they opened', async () => {
    await bob.page.getByRole('button', { name: 'Sign out' }).click();
    await bob.page.waitForURL(/\/signin$/);
    await bob.page.goto(`${server.url}/rooms/general`);
    expect(new URL(bob.page.url()).pathname).toBe('/signin');

    await bob.page.getByLabel('Name').fill(bob.name);
    await bob.page.getByLabel('Password').fill(PASSWORD);
    await bob.page.getByRole('button', { name: 'Sign in' }).click();
    await bob.page.waitForURL(/\/rooms\/secret-plans$/);
    await waitLive(bob.page);
  });
});
