import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type User,
  cookieHeader,
  deliveredMessages,
  launchBrowser,
  messageText,
  newUser,
  send,
  waitLive,
} from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';

describe('two people chatting in the browser', () => {
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

  it('shows who is typing to the others, never to the typist', async () => {
    await alice.page.getByLabel(/^Message /).pressSequentially('hello th', { delay: 30 });
    await expect.poll(() => bob.page.getByTestId('typing-indicator').textContent()).toBe(`${alice.name} is typing…`);
    expect(await alice.page.getByTestId('typing-indicator').textContent()).toBe('');
    // Clearing the field says "stopped" at once (not after the server's 6 s expiry).
    await alice.page.getByLabel(/^Message /).fill('');
    await alice.page.getByLabel(/^Message /).press('Backspace');
    await expect.poll(() => bob.page.getByTestId('typing-indicator').textContent(), { timeout: 4_000 }).toBe('');
  });

  it('sends setTyping(true) at most once every 2 s while typing', async () => {
    const notices: boolean[] = [];
    alice.page.on('request', (request) => {
      const body = JSON.parse(request.postData() ?? '{}') as {
        operationName?: string;
        variables?: { isTyping?: boolean };
      };
      if (body.operationName === 'SetTyping') notices.push(Boolean(body.variables?.isTyping));
    });
    const composer = alice.page.getByLabel(/^Message /);
    const started = Date.now();
    await composer.pressSequentially('a sentence typed slowly, over about three seconds', { delay: 60 });
    const seconds = (Date.now() - started) / 1000;
    expect(notices.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    // One at the first keystroke, then at most one per further 2 s.
    expect(notices.filter(Boolean).length).toBeLessThanOrEqual(Math.floor(seconds / 2) + 1);
    await composer.blur();
    await expect.poll(() => notices.at(-1)).toBe(false);
    await expect.poll(() => bob.page.getByTestId('typing-indicator').textContent()).toBe('');
    await composer.fill('');
  });

  it('sends with Enter and starts a new line with Shift+Enter', async () => {
    const composer = alice.page.getByLabel(/^Message /);
    await composer.fill('first line');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('second line');
    expect(await composer.inputValue()).toBe('first line\nsecond line');
    await composer.press('Enter');
    await bob.page.locator('[data-message-id]', { hasText: 'first line' }).waitFor();
    expect(await messageText(bob.page, 'first line').innerText()).toBe('first line\nsecond line');
    expect(await composer.inputValue()).toBe('');
  });

  it('delivers a message to the other screen and confirms it on the sender', async () => {
    const text = `Hi Bob, it is ${Date.now()}`;
    await send(alice.page, text);
    await bob.page.locator('[data-message-id]', { hasText: text }).waitFor();
    await alice.page.locator('[data-message-id]', { hasText: text }).waitFor();
    await expect.poll(() => alice.page.locator('[data-pending]').count()).toBe(0);
    expect((await deliveredMessages(alice.page)).texts.filter((t) => t === text)).toHaveLength(1);
  });

  it('shows both users online in the room', async () => {
    await expect.poll(() => bob.page.locator('.online-count').textContent()).toBe('2 online');
    await expect.poll(() => alice.page.locator('.online-count').textContent()).toBe('2 online');
  });

  it('puts the history in the server-rendered HTML', async () => {
    const text = `Rendered on the server ${Date.now()}`;
    await send(bob.page, text);
    await alice.page.locator('[data-message-id]', { hasText: text }).waitFor();
    const response = await fetch(`${server.url}/rooms/general`, {
      headers: { cookie: await cookieHeader(alice.context) },
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(text);
    expect(html).toMatch(/data-message-id="[^"]+"/);

    await alice.page.reload();
    await alice.page.locator('[data-message-id]', { hasText: text }).waitFor();
    await waitLive(alice.page);
  });

  it('catches up after being offline: every missed message exactly once, from the last change held', async () => {
    // The cursor of every change the feed delivered, and where each (re)subscription resumed.
    const cursors: string[] = [];
    const resumedAfter: unknown[] = [];
    bob.page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload)) as {
          type: string;
          payload?: { operationName?: string; variables?: { after?: unknown } };
        };
        if (message.type === 'subscribe' && message.payload?.operationName === 'RoomEvents') {
          resumedAfter.push(message.payload.variables?.after);
        }
      });
      socket.on('framereceived', ({ payload }) => {
        const message = JSON.parse(String(payload)) as {
          type: string;
          payload?: { data?: { roomEvents?: { cursor: string } } };
        };
        const cursor = message.payload?.data?.roomEvents?.cursor;
        if (message.type === 'next' && cursor) cursors.push(cursor);
      });
    });
    // Listen from a fresh socket on: its first subscribe resumes from the page's eventCursor.
    await bob.page.reload();
    await waitLive(bob.page);
    await expect.poll(() => resumedAfter.length).toBe(1);
    expect(resumedAfter[0]).toEqual(expect.any(String));
    resumedAfter.length = 0;
    const before = (await deliveredMessages(bob.page)).idCounts.size;
    // A change while bob is connected, so his last cursor is one the feed sent him.
    const seen = `Seen before going away ${Date.now()}`;
    await send(alice.page, seen);
    await bob.page.locator('[data-message-id]', { hasText: seen }).waitFor();
    await expect.poll(() => cursors.length).toBeGreaterThan(0);
    const lastHeld = cursors.at(-1);

    await bob.context.setOffline(true);
    await bob.page.getByTestId('connection').filter({ hasText: 'Offline' }).waitFor();

    const missed = [1, 2, 3, 4, 5].map((n) => `While you were away #${n} ${Date.now()}`);
    for (const text of missed) await send(alice.page, text);
    for (const text of missed) await alice.page.locator('[data-message-id]', { hasText: text }).waitFor();
    expect((await deliveredMessages(bob.page)).idCounts.size).toBe(before + 1);

    await bob.context.setOffline(false);
    await waitLive(bob.page);
    // The new socket resubscribed from the last change bob had, not from page load.
    await expect.poll(() => resumedAfter).toEqual([lastHeld]);
    for (const text of missed) await bob.page.locator('[data-message-id]', { hasText: text }).waitFor();
    // Let any duplicate that might still be on its way arrive before counting.
    await bob.page.waitForTimeout(1_000);
    const { idCounts, texts } = await deliveredMessages(bob.page);
    expect([...idCounts.values()].every((count) => count === 1)).toBe(true);
    expect(idCounts.size).toBe(before + 1 + missed.length);
    for (const text of missed) expect(texts.filter((t) => t === text)).toHaveLength(1);
    expect(texts.slice(-missed.length)).toEqual(missed);
  });

  it('shows markup in a message as text and runs none of it', async () => {
    const payload = '<img src=x onerror=window.__pwned=1><script>window.__pwned=1</script>';
    await send(alice.page, payload);
    const onBob = bob.page.locator('[data-message-id]', { hasText: payload });
    await onBob.waitFor();
    expect(await onBob.locator('.message-text').textContent()).toBe(payload);
    expect(await onBob.locator('img, script').count()).toBe(0);
    await bob.page.reload();
    await bob.page.locator('[data-message-id]', { hasText: payload }).waitFor();
    for (const page of [alice.page, bob.page]) {
      expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
    }
  });

  it('links http(s) URLs safely and leaves other schemes as text', async () => {
    await send(alice.page, 'docs at https://example.com/guide. and javascript:alert(1) too');
    const message = bob.page.locator('[data-message-id]', { hasText: 'docs at' });
    await message.waitFor();
    const links = message.locator('a');
    expect(await links.count()).toBe(1);
    expect(await links.getAttribute('href')).toBe('https://example.com/guide');
    expect(await links.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await links.getAttribute('target')).toBe('_blank');
  });
});
