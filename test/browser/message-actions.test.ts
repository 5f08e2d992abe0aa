import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type User,
  collectErrors,
  cookieHeader,
  graphqlAs,
  launchBrowser,
  newUser,
  send,
  waitLive,
} from './support/browser.js';
import { type RunningServer, startServer } from './support/server.js';

/** The delivered message whose own text (not a quote of it) contains `text`. */
function row(page: Page, text: string) {
  return page.locator('[data-message-id]', { has: page.locator('.message-text', { hasText: text }) });
}

/** Hovers a message, as a mouse user does to reveal its actions, and clicks one. */
async function act(page: Page, text: string, action: 'Reply' | 'Add reaction' | 'Edit' | 'Delete') {
  const message = row(page, text);
  await message.hover();
  await message.getByRole('button', { name: action, exact: true }).click();
}

async function sendAndSee(from: Page, to: Page, text: string) {
  await send(from, text);
  await row(to, text).waitFor();
  await row(from, text).waitFor();
}

/** The id of the message holding `text`, for the API. */
async function idOf(page: Page, text: string): Promise<string> {
  return (await row(page, text).getAttribute('data-message-id')) ?? '';
}

function reaction(page: Page, text: string, emoji: string) {
  return row(page, text).locator('.reaction', { hasText: emoji });
}

describe('changing messages, seen live by two people', () => {
  let server: RunningServer;
  let browser: Browser;
  let alice: User;
  let bob: User;
  let errors: string[][];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    alice = await newUser(browser, server.url, 'alice', { room: 'general' });
    bob = await newUser(browser, server.url, 'bob', { room: 'general' });
    // Watched from a reload on, so hydration warnings are caught too.
    errors = [...[alice, bob].map((user) => collectErrors(user.page))];
    for (const user of [alice, bob]) {
      await user.page.reload();
      await waitLive(user.page);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('edits your own message, live on the other screen, marked "edited" with the time on hover', async () => {
    const stamp = Date.now();
    await sendAndSee(alice.page, bob.page, `Tpyo here ${stamp}`);

    // Others get reply and react, never edit or delete (bob is a plain member).
    const onBob = row(bob.page, `Tpyo here ${stamp}`);
    await onBob.hover();
    await onBob.getByRole('button', { name: 'Reply', exact: true }).waitFor();
    expect(await onBob.getByRole('button', { name: 'Edit', exact: true }).count()).toBe(0);
    expect(await onBob.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);

    // Up in the empty composer edits the last own message; Escape leaves it as it was.
    const composer = alice.page.getByLabel(/^Message /);
    await composer.focus();
    await composer.press('ArrowUp');
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await expect.poll(() => editor.inputValue()).toBe(`Tpyo here ${stamp}`);
    await editor.press('Escape');
    await expect.poll(() => editor.count()).toBe(0);
    expect(await alice.page.evaluate(() => document.activeElement?.id)).toBe('composer-text');

    await composer.press('ArrowUp');
    await editor.fill(`Typo fixed ${stamp}`);
    await editor.press('Enter');
    for (const page of [alice.page, bob.page]) {
      const mark = row(page, `Typo fixed ${stamp}`).locator('.message-edited');
      await mark.waitFor();
      expect(await mark.textContent()).toBe('edited');
      expect(await mark.getAttribute('title')).toMatch(/^Edited /);
      expect(await row(page, `Tpyo here ${stamp}`).count()).toBe(0);
    }

    // And the other way round, through the Edit button.
    await sendAndSee(bob.page, alice.page, `Bob's first draft ${stamp}`);
    await act(bob.page, `Bob's first draft ${stamp}`, 'Edit');
    await bob.page.getByRole('textbox', { name: 'Edit message' }).fill(`Bob's second draft ${stamp}`);
    await bob.page.getByRole('button', { name: 'Save' }).click();
    await row(alice.page, `Bob's second draft ${stamp}`).locator('.message-edited').waitFor();
  });

  it('deletes: the author can, a plain member cannot delete others, and everyone sees the tombstone', async () => {
    const stamp = Date.now();
    await sendAndSee(bob.page, alice.page, `Regrettable ${stamp}`);
    const onAlice = row(alice.page, `Regrettable ${stamp}`);
    const id = await idOf(alice.page, `Regrettable ${stamp}`);
    await onAlice.hover();
    await onAlice.getByRole('button', { name: 'Reply', exact: true }).waitFor();
    expect(await onAlice.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);

    bob.page.once('dialog', (dialog) => void dialog.accept());
    await act(bob.page, `Regrettable ${stamp}`, 'Delete');
    for (const page of [alice.page, bob.page]) {
      const tombstone = page.locator(`[data-message-id="${id}"]`);
      await tombstone.locator('.message-deleted').filter({ hasText: 'message deleted' }).waitFor();
      expect(await tombstone.textContent()).not.toContain('Regrettable');
      expect(await tombstone.getByRole('button').count()).toBe(0);
    }

    // Dismissing the confirmation keeps the message.
    await sendAndSee(alice.page, bob.page, `Keep me ${stamp}`);
    alice.page.once('dialog', (dialog) => void dialog.dismiss());
    await act(alice.page, `Keep me ${stamp}`, 'Delete');
    alice.page.once('dialog', (dialog) => void dialog.accept());
    await act(alice.page, `Keep me ${stamp}`, 'Delete');
    await expect.poll(() => row(bob.page, `Keep me ${stamp}`).count()).toBe(0);
    expect(await bob.page.locator('.message-deleted').count()).toBe(2);
  });

  it('reacts from the picker (search, keyboard, recents), live both ways, yours pressed, who on hover', async () => {
    const stamp = Date.now();
    const text = `React to this ${stamp}`;
    await sendAndSee(alice.page, bob.page, text);

    // Keyboard only: focus shows the actions, Enter opens the picker, the search takes the query.
    const button = row(bob.page, text).getByRole('button', { name: 'Add reaction' });
    await button.focus();
    await expect
      .poll(() =>
        row(bob.page, text)
          .locator('.message-actions')
          .evaluate((el) => getComputedStyle(el).opacity),
      )
      .toBe('1');
    await button.press('Enter');
    const search = bob.page.getByRole('searchbox', { name: 'Search emoji' });
    await search.fill('tada');
    await search.press('Enter');
    await expect.poll(() => bob.page.getByRole('dialog', { name: 'Choose a reaction' }).count()).toBe(0);

    const bobsTada = reaction(bob.page, text, '🎉');
    const alicesTada = reaction(alice.page, text, '🎉');
    await expect.poll(() => bobsTada.textContent()).toBe('🎉1');
    expect(await bobsTada.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => alicesTada.textContent()).toBe('🎉1');
    expect(await alicesTada.getAttribute('aria-pressed')).toBe('false');
    expect(await alicesTada.getAttribute('title')).toBe(`${bob.name} reacted with 🎉`);

    await alicesTada.click();
    await expect.poll(() => bobsTada.textContent()).toBe('🎉2');
    expect(await alicesTada.getAttribute('aria-pressed')).toBe('true');
    expect(await bobsTada.getAttribute('title')).toBe(`You and ${alice.name} reacted with 🎉`);

    // A click on your own takes it back, on both screens.
    await bobsTada.click();
    await expect.poll(() => alicesTada.textContent()).toBe('🎉1');
    expect(await bobsTada.getAttribute('aria-pressed')).toBe('false');

    // The picker remembers what this browser used.
    await act(bob.page, text, 'Add reaction');
    const recent = bob.page.getByRole('group', { name: 'Recent' });
    expect(await recent.getByRole('button').first().getAttribute('aria-label')).toBe('party popper');
    await bob.page.keyboard.press('Escape');
    await expect.poll(() => bob.page.getByRole('dialog').count()).toBe(0);
  });

  it('shows a reaction before the server answers, and rolls a refused one back with an error', async () => {
    const stamp = Date.now();
    const text = `Twenty reactions ${stamp}`;
    await sendAndSee(alice.page, bob.page, text);
    const id = await idOf(alice.page, text);
    const emoji = ['😀', '😃', '😄', '😁', '😅', '🤣', '🙂', '😉', '😊', '😇'];
    emoji.push('🥰', '😍', '🤩', '😘', '😋', '😜', '🤔', '🤨', '😐', '😑');
    for (const e of emoji) {
      await graphqlAs(
        alice.context,
        server.url,
        'mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { id } }',
        {
          m: id,
          e,
        },
      );
    }
    await expect.poll(() => row(bob.page, text).locator('.reaction').count()).toBe(20);

    // Hold bob's AddReaction until we have looked: the chip must already be there.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await bob.page.route('**/graphql', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as { operationName?: string };
      if (body.operationName === 'AddReaction') await held;
      await route.continue();
    });
    await act(bob.page, text, 'Add reaction');
    await bob.page.getByRole('searchbox', { name: 'Search emoji' }).fill('rocket');
    await bob.page.getByRole('button', { name: 'rocket' }).click();
    await reaction(bob.page, text, '🚀').waitFor();
    expect(await reaction(bob.page, text, '🚀').getAttribute('aria-pressed')).toBe('true');
    release();

    const alert = row(bob.page, text).getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Reaction not saved: .*20/);
    await expect.poll(() => reaction(bob.page, text, '🚀').count()).toBe(0);
    expect(await reaction(alice.page, text, '🚀').count()).toBe(0);
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => row(bob.page, text).getByRole('alert').count()).toBe(0);
    await bob.page.unroute('**/graphql');
  });

  it('replies with a quote on both screens; the quote leads to the original and follows its deletion', async () => {
    const stamp = Date.now();
    const original = `What time is the meeting? ${stamp}\nSecond line not quoted`;
    await send(alice.page, original);
    await row(bob.page, `What time is the meeting? ${stamp}`).waitFor();

    // From the keyboard: focus Reply, Enter; Escape in the composer cancels the reply.
    const replyButton = row(bob.page, `What time is the meeting? ${stamp}`).getByRole('button', { name: 'Reply' });
    await replyButton.focus();
    await replyButton.press('Enter');
    const bar = bob.page.getByTestId('reply-bar');
    await bar.waitFor();
    expect(await bar.textContent()).toContain(`Replying to ${alice.name}What time is the meeting? ${stamp}`);
    await bob.page.getByLabel(/^Message /).press('Escape');
    await expect.poll(() => bar.count()).toBe(0);
    await act(bob.page, `What time is the meeting? ${stamp}`, 'Reply');
    await bar.getByRole('button', { name: 'Cancel reply' }).click();
    await expect.poll(() => bar.count()).toBe(0);

    await act(bob.page, `What time is the meeting? ${stamp}`, 'Reply');
    await send(bob.page, `At three ${stamp}`);
    await expect.poll(() => bar.count()).toBe(0);
    for (const page of [alice.page, bob.page]) {
      const quote = row(page, `At three ${stamp}`).locator('.reply-quote');
      await quote.waitFor();
      expect(await quote.textContent()).toBe(`In reply to ${alice.name} What time is the meeting? ${stamp}`);
    }

    // Clicking the quote brings the original into view and highlights it.
    const originalOnAlice = row(alice.page, `What time is the meeting? ${stamp}`);
    await alice.page.getByTestId('messages').evaluate((el) => el.scrollBy(0, -el.scrollHeight));
    await row(alice.page, `At three ${stamp}`).locator('.reply-quote').click();
    await expect.poll(() => originalOnAlice.getAttribute('data-highlighted')).toBe('true');

    // Deleting the original turns every quote of it into "message deleted", live.
    alice.page.once('dialog', (dialog) => void dialog.accept());
    await act(alice.page, `What time is the meeting? ${stamp}`, 'Delete');
    await expect
      .poll(() => row(bob.page, `At three ${stamp}`).locator('.reply-quote').textContent())
      .toBe(`In reply to ${alice.name} message deleted`);
  });

  it('suggests members after @, picked from the keyboard, and highlights mentions of the viewer', async () => {
    const stamp = Date.now();
    const composer = alice.page.getByLabel(/^Message /);
    await composer.fill('');
    await composer.pressSequentially(`Ping @${bob.name.slice(0, 4)}`);
    const list = alice.page.getByRole('listbox', { name: 'Members to mention' });
    await list.getByRole('option', { name: bob.name }).waitFor();
    expect(await composer.getAttribute('aria-expanded')).toBe('true');
    // Escape closes the list and keeps the text; typing on opens it again.
    await composer.press('Escape');
    await expect.poll(() => list.count()).toBe(0);
    expect(await composer.inputValue()).toBe(`Ping @${bob.name.slice(0, 4)}`);
    await composer.pressSequentially(bob.name.slice(4, 6));
    await list.getByRole('option', { name: bob.name }).waitFor();
    expect(await list.getByRole('option').count()).toBe(1);
    expect(await list.getByRole('option').first().getAttribute('aria-selected')).toBe('true');
    expect(await composer.getAttribute('aria-activedescendant')).toBe(
      await list.getByRole('option').first().getAttribute('id'),
    );
    await composer.press('ArrowDown');
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe(`Ping @${bob.name} `);
    await expect.poll(() => list.count()).toBe(0);
    await composer.pressSequentially(`look at this ${stamp}`);
    await composer.press('Enter');

    const text = `look at this ${stamp}`;
    const onBob = row(bob.page, text);
    await onBob.waitFor();
    expect(await onBob.getAttribute('data-mentions-me')).toBe('true');
    expect(await onBob.locator('.mention[data-self]').textContent()).toBe(`@${bob.name}`);
    const onAlice = row(alice.page, text);
    await onAlice.waitFor();
    expect(await onAlice.getAttribute('data-mentions-me')).toBeNull();
    expect(await onAlice.locator('.mention').textContent()).toBe(`@${bob.name}`);
    expect(await onAlice.locator('.mention[data-self]').count()).toBe(0);

    // Bob answers, picking alice with Tab.
    const bobsComposer = bob.page.getByLabel(/^Message /);
    await bobsComposer.pressSequentially(`@${alice.name.slice(0, 5)}`);
    await bob.page.getByRole('option', { name: alice.name }).waitFor();
    await bobsComposer.press('Tab');
    await bobsComposer.pressSequentially(`seen it ${stamp}`);
    await bobsComposer.press('Enter');
    await expect.poll(() => row(alice.page, `seen it ${stamp}`).getAttribute('data-mentions-me')).toBe('true');
  });

  it('renders all of it on the server, readable without JavaScript', async () => {
    const response = await fetch(`${server.url}/rooms/general`, {
      headers: { cookie: await cookieHeader(alice.context) },
    });
    const html = await response.text();
    expect(html).toContain('message deleted');
    expect(html).toContain('class="message-edited"');
    expect(html).toContain('class="reply-quote"');
    expect(html).toMatch(/class="reaction"[^>]*data-pressed="true"|data-pressed="true"[^>]*class="reaction"/);
    expect(html).toContain('data-mentions-me="true"');
    expect(html).toContain('class="mention"');

    const context = await browser.newContext({
      javaScriptEnabled: false,
      storageState: await alice.context.storageState(),
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/rooms/general`);
    // No dead controls without JavaScript: the actions need it, so they are not there.
    expect(await page.locator('.message-actions').count()).toBe(0);
    expect(await page.locator('[data-mentions-me]').count()).toBeGreaterThan(0);
    await context.close();
    expect(errors.flat()).toEqual([]);
  });
  it('finds a quoted message older than the loaded history by loading earlier pages', async () => {
    const stamp = Date.now();
    const { sendMessage: first } = await graphqlAs<{ sendMessage: { id: string } }>(
      alice.context,
      server.url,
      'mutation($t: String!) { sendMessage(roomId: "general", text: $t) { id } }',
      { t: `Long ago ${stamp}` },
    );
    for (let i = 0; i < 60; i++) {
      await graphqlAs(
        bob.context,
        server.url,
        'mutation($t: String!) { sendMessage(roomId: "general", text: $t) { id } }',
        {
          t: `Filler ${i} ${stamp}`,
        },
      );
    }
    await graphqlAs(
      bob.context,
      server.url,
      'mutation($t: String!, $r: ID) { sendMessage(roomId: "general", text: $t, replyToId: $r) { id } }',
      { t: `Answering the old one ${stamp}`, r: first.id },
    );
    await alice.page.reload();
    await waitLive(alice.page);
    expect(await alice.page.locator(`[data-message-id="${first.id}"]`).count()).toBe(0);
    await row(alice.page, `Answering the old one ${stamp}`).locator('.reply-quote').click();
    const found = alice.page.locator(`[data-message-id="${first.id}"]`);
    await expect.poll(() => found.getAttribute('data-highlighted'), { timeout: 10_000 }).toBe('true');
    expect(await found.locator('.message-text').textContent()).toBe(`Long ago ${stamp}`);
  });

  it('lets the owner of a room delete anyone’s message there, while a member there cannot delete the owner’s', async () => {
    const stamp = Date.now();
    const { createRoom } = await graphqlAs<{ createRoom: { id: string } }>(
      alice.context,
      server.url,
      'mutation($n: String!) { createRoom(name: $n) { id } }',
      { n: `Moderated ${stamp}` },
    );
    await graphqlAs(bob.context, server.url, 'mutation($r: ID!) { joinRoom(id: $r) { id } }', { r: createRoom.id });
    for (const user of [alice, bob]) {
      await user.page.goto(`${server.url}/rooms/${createRoom.id}`);
      await waitLive(user.page);
    }
    await sendAndSee(bob.page, alice.page, `Off topic ${stamp}`);
    await sendAndSee(alice.page, bob.page, `Please keep on topic ${stamp}`);

    // Bob, a member, may not delete the owner's message.
    const onBob = row(bob.page, `Please keep on topic ${stamp}`);
    await onBob.hover();
    await onBob.getByRole('button', { name: 'Reply', exact: true }).waitFor();
    expect(await onBob.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);

    const id = await idOf(bob.page, `Off topic ${stamp}`);
    alice.page.once('dialog', (dialog) => void dialog.accept());
    await act(alice.page, `Off topic ${stamp}`, 'Delete');
    await bob.page.locator(`[data-message-id="${id}"] .message-deleted`).waitFor();
    expect(await row(bob.page, `Off topic ${stamp}`).count()).toBe(0);
  });
});
