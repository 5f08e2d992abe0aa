import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type User, collectErrors, graphqlAs, launchBrowser, newUser, seedMessages } from './support/browser.js';
import { pngOf } from './support/files.js';
import { type RunningServer, startServer } from './support/server.js';

const ROOM = 'faces';

describe('profiles', () => {
  let server: RunningServer;
  let browser: Browser;
  let ada: User;
  let bob: User;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newUser(browser, server.url, 'ada');
    bob = await newUser(browser, server.url, 'bob');
    await graphqlAs(ada.context, server.url, 'mutation { createRoom(name: "Faces") { id } }');
    await graphqlAs(bob.context, server.url, `mutation { joinRoom(id: "${ROOM}") { id } }`);
    await seedMessages(ada.context, server.url, ROOM, ['Hello from Ada']);
    for (const user of [ada, bob]) {
      await user.page.goto(`${server.url}/rooms/${ROOM}`);
      await user.page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('changes a display name and picture, previewing the square crop; others see them live', async () => {
    const errors = collectErrors(bob.page);
    const { page } = ada;
    const opener = page.getByTestId('profile-button');
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Your profile' });
    await dialog.waitFor();
    const name = dialog.getByLabel('Display name');
    await expect.poll(() => name.isEnabled()).toBe(true);
    await name.fill('Ada Lovelace');
    await dialog.getByTestId('avatar-input').setInputFiles({
      name: 'portrait.png',
      mimeType: 'image/png',
      buffer: await pngOf(800, 600),
    });
    // The preview is the centre square the server will keep.
    const crop = dialog.getByTestId('avatar-crop').locator('img');
    await crop.waitFor();
    await expect
      .poll(() => dialog.textContent())
      .toContain('Your 800×600 picture will be cropped to the 600×600 square in its centre');
    const box = await crop.boundingBox();
    expect(box && Math.round(box.width)).toBe(box && Math.round(box.height));
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);

    // Ada's own sidebar, at once.
    await expect.poll(() => page.getByTestId('viewer-name').textContent()).toBe('Ada Lovelace');
    // Bob, without reloading: the name on her messages and her picture beside them.
    const group = bob.page.locator('.group', { hasText: 'Hello from Ada' });
    await expect.poll(() => group.locator('.author').textContent(), { timeout: 10_000 }).toBe('Ada Lovelace');
    const avatar = group.locator('img.avatar');
    await avatar.waitFor();
    // Served by Parley itself, the cropped file (not the upload, nor a data: URL).
    expect(await avatar.getAttribute('src')).toMatch(/^\/files\/[^/]+$/);
    // The server's crop: a square.
    const size = await avatar.evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    });
    expect(size[0]).toBe(size[1]);

    // After a reload it is still there (it was saved, not only shown).
    await bob.page.reload();
    await expect
      .poll(() => bob.page.locator('.group', { hasText: 'Hello from Ada' }).locator('.author').textContent())
      .toBe('Ada Lovelace');
    expect(errors).toEqual([]);
  });

  it('removes the picture and clears the name', async () => {
    const { page } = ada;
    await page.getByTestId('profile-button').click();
    const dialog = page.getByRole('dialog', { name: 'Your profile' });
    const name = dialog.getByLabel('Display name');
    await expect.poll(() => name.inputValue()).toBe('Ada Lovelace');
    await name.fill('');
    await dialog.getByRole('button', { name: 'Remove picture' }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const group = bob.page.locator('.group', { hasText: 'Hello from Ada' });
    await expect.poll(() => group.locator('.author').textContent(), { timeout: 10_000 }).toBe(ada.name);
    await expect.poll(() => group.locator('img.avatar').count()).toBe(0);
  });
});
