import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type User, graphqlAs, launchBrowser, newUser, waitLive } from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';

describe('integrations in the web UI: webhooks and access tokens', () => {
  let server: RunningServer;
  let browser: Browser;
  let owner: User;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    owner = await newUser(browser, server.url, 'owner');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an owner creates a webhook in the room settings; a POST to its URL shows as the bot’s message, badged', async () => {
    await graphqlAs(owner.context, server.url, 'mutation { createRoom(name: "Deploys") { id } }');
    await owner.page.goto(`${server.url}/rooms/deploys`);
    await waitLive(owner.page);
    await owner.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });

    await owner.page.getByRole('button', { name: 'Room options' }).click();
    await owner.page.getByRole('menuitem', { name: 'Room settings…' }).click();
    const dialog = owner.page.getByRole('dialog', { name: 'Room settings' });
    await dialog.getByText('No webhooks yet.').waitFor();
    // A name is needed: refused beside the field, nothing sent.
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    await dialog.locator('.field-error', { hasText: 'Enter a name.' }).waitFor();
    await dialog.getByLabel("New webhook's name").fill('ci');
    await dialog.getByRole('button', { name: 'Create webhook' }).click();

    const shown = dialog.getByTestId('webhook-url');
    await shown.waitFor();
    expect(await shown.textContent()).toContain('Copy it now: it will not be shown again');
    const url = await shown.locator('input').inputValue();
    expect(url).toMatch(/^http:\/\/.+\/hooks\/\S+\/\S+$/);
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    expect(await owner.page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    const row = dialog.locator('[data-webhook="ci"]');
    expect(await row.textContent()).toMatch(new RegExp(`By ${owner.name} · created just now · last posted never`));

    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'deploy done' }),
    });
    expect(response.status).toBe(200);
    await owner.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    const message = owner.page.locator('[data-message-id]', { hasText: 'deploy done' });
    await message.waitFor({ timeout: 5_000 });
    const group = owner.page.locator('.group', { has: message });
    expect(await group.locator('.author').textContent()).toBe('ci');
    expect(await group.getByTestId('bot-badge').textContent()).toBe('bot');

    // After a reload (history, not the live feed) the badge is still there; the list says it posted.
    await owner.page.reload();
    await waitLive(owner.page);
    await owner.page
      .locator('.group', { has: owner.page.locator('[data-message-id]', { hasText: 'deploy done' }) })
      .getByTestId('bot-badge')
      .waitFor();
    await owner.page.getByRole('button', { name: 'Room options' }).click();
    await owner.page.getByRole('menuitem', { name: 'Room settings…' }).click();
    await row.filter({ hasText: 'last posted just now' }).waitFor();
    expect(await dialog.getByTestId('webhook-url').count()).toBe(0);

    // Deleting asks first; then its URL answers 404.
    await row.getByRole('button', { name: 'Delete webhook ci' }).click();
    const confirm = owner.page.getByRole('alertdialog', { name: 'Delete webhook ci?' });
    await confirm.getByRole('button', { name: 'Delete webhook' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await dialog.getByRole('status').filter({ hasText: 'ci was deleted' }).waitFor();
    expect(await row.count()).toBe(0);
    const after = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'too late' }),
    });
    expect(after.status).toBe(404);
  });
  it('a token created on /account works as Authorization: Bearer against /graphql, until it is revoked', async () => {
    const asBearer = async (token: string) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { name } }' }),
      });
      return { status: response.status, body: (await response.json()) as { data?: { me: { name: string } | null } } };
    };

    await owner.page.goto(`${server.url}/account`);
    const section = owner.page.getByRole('region', { name: 'Access tokens' });
    await section.getByText('No access tokens.').waitFor();
    await section.getByLabel("New token's name").fill('deploy script');
    await section.getByRole('button', { name: 'Create token' }).click();

    const shown = section.getByTestId('new-token');
    await shown.waitFor();
    expect(await shown.textContent()).toContain('Copy it now: it will not be shown again');
    const token = await shown.locator('input').inputValue();
    expect(token.length).toBeGreaterThan(20);
    const row = section.locator('[data-token="deploy script"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('last used never');
    // Its value is nowhere in the list, nor in the address.
    expect(await section.getByTestId('access-tokens').textContent()).not.toContain(token);
    expect(owner.page.url()).not.toContain(token);

    const used = await asBearer(token);
    expect(used.status).toBe(200);
    expect(used.body.data?.me?.name).toBe(owner.name);

    // A reload shows the token's use and no longer its value.
    await owner.page.reload();
    await row.filter({ hasText: 'last used just now' }).waitFor();
    expect(await section.getByTestId('new-token').count()).toBe(0);

    await row.getByRole('button', { name: 'Revoke token deploy script' }).click();
    await owner.page.getByRole('status').filter({ hasText: 'That token was revoked' }).waitFor();
    expect(await row.count()).toBe(0);
    const refused = await asBearer(token);
    expect(refused.status).toBe(200);
    expect(refused.body.data?.me).toBeNull();

    // Without JavaScript: the same forms, the value shown once on the page the POST answers.
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    await noJs.addCookies(await owner.context.cookies());
    const page = await noJs.newPage();
    await page.goto(`${server.url}/account`);
    const plain = page.getByRole('region', { name: 'Access tokens' });
    await plain.getByLabel("New token's name").fill('cron');
    await plain.getByRole('button', { name: 'Create token' }).click();
    const value = await plain.getByTestId('new-token').locator('input').inputValue();
    expect(await plain.getByTestId('new-token').getByRole('button', { name: 'Copy' }).count()).toBe(0);
    await plain.locator('[data-token="cron"]').waitFor();
    expect((await asBearer(value)).body.data?.me?.name).toBe(owner.name);
    await plain.getByRole('button', { name: 'Revoke token cron' }).click();
    await page.getByRole('status').filter({ hasText: 'That token was revoked' }).waitFor();
    expect((await asBearer(value)).body.data?.me).toBeNull();
    await noJs.close();
  });
});
