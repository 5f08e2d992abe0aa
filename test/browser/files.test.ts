import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type User, collectErrors, graphqlAs, launchBrowser, newUser } from './support/browser.js';
import { dropFile, pasteFile, pngOf, samplePdf } from './support/files.js';
import { type RunningServer, startServer } from './support/server.js';

const ROOM = 'file-drop';

describe('files in a room', () => {
  let server: RunningServer;
  let browser: Browser;
  let ada: User;
  let bob: User;
  let errors: string[];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newUser(browser, server.url, 'ada');
    bob = await newUser(browser, server.url, 'bob');
    await graphqlAs(ada.context, server.url, 'mutation { createRoom(name: "File drop") { id } }');
    await graphqlAs(bob.context, server.url, `mutation { joinRoom(id: "${ROOM}") { id } }`);
    for (const user of [ada, bob]) {
      await user.page.goto(`${server.url}/rooms/${ROOM}`);
      await user.page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    }
    errors = collectErrors(bob.page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends a pasted image, a chosen one and a dropped PDF; the other person sees them live, views and downloads', async () => {
    const screenshot = await pngOf(640, 360);
    const diagram = await pngOf(300, 600, 30);
    const pdf = samplePdf();
    const { page } = ada;

    await pasteFile(page, screenshot, 'image/png');
    await page
      .getByTestId('composer-files')
      .setInputFiles({ name: 'diagram.png', mimeType: 'image/png', buffer: diagram });
    await dropFile(page, pdf, 'application/pdf', 'spec.pdf');
    const drafts = page.getByTestId('attachment-draft');
    await expect.poll(() => drafts.count()).toBe(3);
    await expect.poll(() => page.locator('[data-testid="attachment-draft"][data-status="uploaded"]').count()).toBe(3);
    await page.getByLabel(/^Message /).fill('The mock-up, the flow and the spec');
    await page.getByLabel(/^Message /).press('Enter');
    await expect.poll(() => drafts.count()).toBe(0);

    // Bob, without reloading: the thumbnails at their own ratio, and the PDF as a card.
    const images = bob.page.getByTestId('attachment-image');
    await expect.poll(() => images.count(), { timeout: 10_000 }).toBe(2);
    const first = images.first().locator('img');
    expect(await first.getAttribute('width')).toBe('320');
    expect(await first.getAttribute('height')).toBe('180');
    expect(await images.nth(1).locator('img').getAttribute('height')).toBe('240');
    expect(await images.nth(1).locator('img').getAttribute('width')).toBe('120');
    await expect.poll(() => first.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const card = bob.page.getByTestId('file-card');
    await expect.poll(() => card.textContent()).toContain('spec.pdf');
    expect(await card.textContent()).toContain('PDF');

    // The viewer: full size, arrows move through the room's images, Escape gives focus back.
    const opener = images.first().getByRole('button');
    await opener.click();
    const viewer = bob.page.getByRole('dialog');
    await viewer.waitFor();
    expect(await viewer.getAttribute('aria-label')).toMatch(/^Image: Pasted image .*\.png$/);
    expect(await viewer.textContent()).toContain('1 of 2');
    await expect
      .poll(() => viewer.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(640);
    await bob.page.keyboard.press('ArrowRight');
    await expect.poll(() => viewer.textContent()).toContain('2 of 2');
    expect(await viewer.getAttribute('aria-label')).toBe('Image: diagram.png');
    await bob.page.keyboard.press('ArrowLeft');
    await expect.poll(() => viewer.textContent()).toContain('1 of 2');
    // Tab stays inside the viewer.
    for (let i = 0; i < 6; i++) await bob.page.keyboard.press('Tab');
    expect(await viewer.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    await bob.page.keyboard.press('Escape');
    await expect.poll(() => viewer.isVisible()).toBe(false);
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);

    // The PDF downloads with its name and its bytes.
    const [download] = await Promise.all([bob.page.waitForEvent('download'), card.click()]);
    expect(download.suggestedFilename()).toBe('spec.pdf');
    expect((await readFile(await download.path())).equals(pdf)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('says a file over 25 MB is too large before uploading it', async () => {
    const { page } = ada;
    await dropFile(page, 25 * 1024 * 1024 + 1, 'application/octet-stream', 'huge.bin');
    const alert = page.locator('.attachment-refused');
    await expect.poll(() => alert.textContent()).toContain('huge.bin is just over 25 MB: a file can be at most 25 MB.');
    expect(await page.getByTestId('attachment-draft').count()).toBe(0);
    await alert.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('cancels an upload on its way, and the message goes without it', async () => {
    const { page } = ada;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    // 64 KB/s: a 2 MB file takes half a minute, time enough to see it and cancel it.
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 64 * 1024,
    });
    await page.getByTestId('composer-files').setInputFiles({
      name: 'slow.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(2 * 1024 * 1024, 7),
    });
    const draft = page.getByTestId('attachment-draft');
    await expect.poll(() => draft.getAttribute('data-status')).toBe('uploading');
    expect(await draft.locator('progress').getAttribute('aria-label')).toBe('Upload of slow.bin');
    // Sent now, the message waits for its file, and says so.
    await page.getByLabel(/^Message /).fill('Sent without the slow file');
    await page.getByLabel(/^Message /).press('Enter');
    await expect.poll(() => page.locator('#composer-wait').textContent()).toBe('Sending once your files are uploaded.');
    expect(await bob.page.locator('.message-text', { hasText: 'Sent without the slow file' }).count()).toBe(0);
    // Cancelled, the file is gone and the waiting message goes without it.
    await draft.getByRole('button', { name: 'Cancel slow.bin' }).click();
    await expect.poll(() => draft.count()).toBe(0);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await bob.page.locator('.message-text', { hasText: 'Sent without the slow file' }).waitFor();
    expect(await page.getByLabel(/^Message /).inputValue()).toBe('');
  });

  it('says an upload failed and uploads it again on Retry', async () => {
    const { page } = ada;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const offline = (on: boolean) =>
      cdp.send('Network.emulateNetworkConditions', {
        offline: on,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
    await offline(true);
    await page.getByTestId('composer-files').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('retry me'),
    });
    const draft = page.getByTestId('attachment-draft');
    await expect.poll(() => draft.getAttribute('data-status')).toBe('failed');
    expect(await draft.textContent()).toContain('Could not reach the server');
    await offline(false);
    await draft.getByRole('button', { name: 'Retry notes.txt' }).click();
    await expect.poll(() => draft.getAttribute('data-status')).toBe('uploaded');
    await page.getByLabel(/^Message /).press('Enter');
    await bob.page.getByTestId('file-card').filter({ hasText: 'notes.txt' }).waitFor();
  });

  it('fits a phone (390×844): the tray, the thumbnails and the viewer, without sideways scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.addCookies(await bob.context.cookies());
    const page = await context.newPage();
    await page.goto(`${server.url}/rooms/${ROOM}`);
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    await page.getByTestId('composer-files').setInputFiles([
      { name: 'a-long-file-name-for-a-small-screen.png', mimeType: 'image/png', buffer: await pngOf(1200, 800) },
      { name: 'b.pdf', mimeType: 'application/pdf', buffer: samplePdf() },
    ]);
    await expect.poll(() => page.locator('[data-testid="attachment-draft"][data-status="uploaded"]').count()).toBe(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByTestId('attachment-image').first().getByRole('button').click();
    const viewer = page.getByRole('dialog');
    await viewer.waitFor();
    const image = await viewer.locator('img').boundingBox();
    expect(image && image.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.keyboard.press('Escape');
    await context.close();
  });
});
