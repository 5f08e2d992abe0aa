import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type User,
  collectErrors,
  deliveredMessages,
  launchBrowser,
  messageText,
  newUser,
  seedMessages,
  send,
} from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';

/** The web UI's retries back off up to 30 s between attempts; a restart takes a few seconds. */
const BACK_WITHIN_MS = 45_000;

/** Counts the page's own navigations (a reload is one), from now on. */
function navigations(page: Page): () => number {
  let count = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) count += 1;
  });
  return () => count;
}

describe('a node that crashes and comes back', () => {
  let server: RunningServer;
  let browser: Browser;
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    alice = await newUser(browser, server.url, 'alice', { room: 'general' });
    bob = await newUser(browser, server.url, 'bob', { room: 'general' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says it is reconnecting while the node is gone, then recovers without a reload and misses nothing', async () => {
    const errors = collectErrors(bob.page);
    const before = `Before the crash ${Date.now()}`;
    await send(alice.page, before);
    await messageText(bob.page, before).waitFor();
    const reloads = { alice: navigations(alice.page), bob: navigations(bob.page) };

    const restarted = server.crashAndRestart(); // kill -9, then the same port and data again
    for (const page of [alice.page, bob.page]) {
      await page.getByTestId('connection').filter({ hasText: 'Reconnecting…' }).waitFor();
    }
    await restarted;
    // Sent the moment the node is back, before the pages are: theirs to catch up on.
    const missed = `While you were reconnecting ${Date.now()}`;
    await seedMessages(alice.context, server.url, 'general', [missed]);

    for (const page of [alice.page, bob.page]) {
      await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor({ timeout: BACK_WITHIN_MS });
    }
    await messageText(bob.page, missed).waitFor();
    const after = `After the restart ${Date.now()}`;
    await send(alice.page, after);
    await messageText(bob.page, after).waitFor();

    // Each message once, in order, on a page that never reloaded.
    await bob.page.waitForTimeout(500); // room for a duplicate to show, were one on its way
    const { texts, idCounts } = await deliveredMessages(bob.page);
    expect([...idCounts.values()].every((n) => n === 1)).toBe(true);
    expect(texts.slice(-3)).toEqual([before, missed, after]);
    expect([reloads.alice(), reloads.bob()]).toEqual([0, 0]);
    // The socket closing under the page is not an error it shows in the console.
    expect(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
  }, 90_000);
});
