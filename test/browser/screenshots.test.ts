import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type User, graphqlAs, launchBrowser, newUser, seedMessages, waitLive } from './support/browser.js';
import { mockupPng, samplePdf, uploadAs } from './support/files.js';
import { type RunningServer, startServer } from './support/server.js';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const README_SHOT = fileURLToPath(new URL('../../web/public/screenshot.png', import.meta.url));
const README_FILES_SHOT = fileURLToPath(new URL('../../web/public/screenshot-files.png', import.meta.url));
const ROOM = 'design-review';

/** Who says what; a third element is the index of the message it answers. */
const CONVERSATION: [speaker: number, text: string, replyTo?: number][] = [
  [1, 'Morning! The new onboarding flow is up on staging.'],
  [1, 'Notes are in https://example.com/specs/onboarding-v2 if you want the background.'],
  [2, 'Nice. First impression: the welcome step is much calmer than before.'],
  [0, 'Agreed. I tried it on my phone over a slow connection and it held up well.'],
  [0, 'One thing: the progress dots are hard to see in dark mode.'],
  [3, 'Good catch @maya, I will bump the contrast. Anything else before we ship on Thursday?'],
  [2, 'The copy on step three still says "workspace" instead of "room".'],
  [1, 'Fixed, thanks! Deploying again now.', 6],
  [3, 'Longest word test: Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen wraps fine.'],
  [0, 'Looks great. Ship it!'],
];

/** A room mid-conversation, seen by `viewer`, with someone typing. Screenshots go to test/artifacts/. */
describe('screenshots of a busy room', () => {
  let server: RunningServer;
  let browser: Browser;
  let people: User[];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    people = [];
    for (const prefix of ['maya', 'theo', 'priya', 'jonas'])
      people.push(await newUser(browser, server.url, prefix, { exactName: true }));
    const [maya, theo] = people as [User, User];
    await graphqlAs(maya.context, server.url, 'mutation { createRoom(name: "Design review") { id } }');
    await graphqlAs(maya.context, server.url, 'mutation { createRoom(name: "Launch plan", isPrivate: true) { id } }');
    await graphqlAs(theo.context, server.url, 'mutation { createRoom(name: "Random") { id } }');
    for (const person of people) {
      await graphqlAs(person.context, server.url, `mutation { joinRoom(id: "${ROOM}") { id } }`);
    }
    const ids: string[] = [];
    for (const [speaker, text, replyTo] of CONVERSATION) {
      const sent = await graphqlAs<{ sendMessage: { id: string } }>(
        people[speaker]!.context,
        server.url,
        'mutation($t: String!, $r: ID) { sendMessage(roomId: "design-review", text: $t, replyToId: $r) { id } }',
        { t: text, r: replyTo === undefined ? null : ids[replyTo] },
      );
      ids.push(sent.sendMessage.id);
    }
    // What a room looks like after a while: reactions, and a message fixed after sending.
    const react = (who: number, index: number, emoji: string) =>
      graphqlAs(
        people[who]!.context,
        server.url,
        'mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { id } }',
        {
          m: ids[index],
          e: emoji,
        },
      );
    await react(1, 9, '🎉');
    await react(2, 9, '🎉');
    await react(3, 9, '🚀');
    await react(0, 7, '👍');
    await react(2, 7, '👍');
    await react(1, 3, '💯');
    await graphqlAs(
      people[0]!.context,
      server.url,
      'mutation($m: ID!, $t: String!) { editMessage(id: $m, text: $t) { id } }',
      {
        m: ids[4],
        t: 'One thing: the progress dots are hard to see in dark mode (and in bright sunlight).',
      },
    );
    // The sidebar of a day at work: a mention in another channel, direct messages (one
    // unread, from someone who has it open), a muted room and a public room not joined.
    const [, , priya, jonas] = people as [User, User, User, User];
    await graphqlAs(maya.context, server.url, 'mutation { joinRoom(id: "random") { id } }');
    await graphqlAs(maya.context, server.url, 'mutation { createRoom(name: "Announcements") { id } }');
    await graphqlAs(
      maya.context,
      server.url,
      'mutation { setNotificationLevel(roomId: "announcements", level: NOTHING) { id } }',
    );
    await graphqlAs(jonas.context, server.url, 'mutation { joinRoom(id: "announcements") { id } }');
    await graphqlAs(theo.context, server.url, 'mutation { createRoom(name: "Hiring") { id } }');
    const direct = async (from: User, to: User, texts: string[]) => {
      const { openDirect } = await graphqlAs<{ openDirect: { id: string } }>(
        from.context,
        server.url,
        'mutation($n: [String!]!) { openDirect(userNames: $n) { id } }',
        { n: [to.name] },
      );
      for (const text of texts) await seedMessages(from.context, server.url, openDirect.id, [text]);
      return openDirect.id;
    };
    await direct(maya, jonas, ['Thanks for the review yesterday!']);
    await seedMessages(jonas.context, server.url, 'announcements', ['Office closed on Friday.', 'Pizza at noon.']);
    await seedMessages(theo.context, server.url, 'random', [
      'Who is up for lunch?',
      '@maya you said you would pick the place 😄',
    ]);
    const priyaDirect = await direct(priya, maya, ['Got a minute after standup?', 'It is about the Thursday demo.']);
    const priyaThere = await priya.context.newPage();
    await priyaThere.goto(`${server.url}/rooms/${priyaDirect}`);
    await waitLive(priyaThere);
    for (const person of people.slice(1)) {
      await person.page.goto(`${server.url}/rooms/${ROOM}`);
      await waitLive(person.page);
    }
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function viewAs(user: User, options: { width: number; height: number; dark?: boolean }) {
    const context: BrowserContext = await browser.newContext({
      viewport: { width: options.width, height: options.height },
      colorScheme: options.dark ? 'dark' : 'light',
      deviceScaleFactor: 1,
    });
    await context.addCookies(await user.context.cookies());
    const page = await context.newPage();
    await page.goto(`${server.url}/rooms/${ROOM}`);
    await waitLive(page);
    await page.getByTestId('mention-badge').first().waitFor({ state: 'attached' });
    // Someone typing, so the indicator is in the picture.
    await people[2]!.page.getByLabel(/^Message /).pressSequentially('Let me', { delay: 20 });
    await page.getByTestId('typing-indicator').filter({ hasText: 'is typing' }).waitFor();
    return { context, page };
  }

  it('looks right on a desktop (1280×800), light and dark', async () => {
    const { context, page } = await viewAs(people[0]!, { width: 1280, height: 800 });
    await page.screenshot({ path: `${ARTIFACTS}desktop.png` });
    if (process.env.UPDATE_README_SCREENSHOT === '1') await page.screenshot({ path: README_SHOT });
    await context.close();
    const dark = await viewAs(people[0]!, { width: 1280, height: 800, dark: true });
    await dark.page.screenshot({ path: `${ARTIFACTS}desktop-dark.png` });
    await dark.context.close();
  });

  it('fits a phone (390×844), with the rooms behind a menu button', async () => {
    const { context, page } = await viewAs(people[0]!, { width: 390, height: 844 });
    expect(await page.locator('#sidebar').isVisible()).toBe(false);
    await page.screenshot({ path: `${ARTIFACTS}phone.png` });
    await page.getByRole('link', { name: 'Rooms menu' }).click();
    await expect.poll(() => page.locator('#sidebar').isVisible()).toBe(true);
    await page.waitForTimeout(300); // the slide-in transition
    await page.screenshot({ path: `${ARTIFACTS}phone-menu.png` });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#sidebar').isVisible()).toBe(false);
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await context.close();
  });

  it('shows an image and a file in the conversation (1280×800)', async () => {
    const [maya, theo] = people as [User, User];
    const mockup = await uploadAs(theo.context, server.url, ROOM, {
      bytes: await mockupPng(),
      name: 'onboarding-step-1.png',
      type: 'image/png',
    });
    const spec = await uploadAs(theo.context, server.url, ROOM, {
      bytes: samplePdf(),
      name: 'Onboarding v2 spec.pdf',
      type: 'application/pdf',
    });
    await graphqlAs(
      theo.context,
      server.url,
      'mutation($a: [ID!]) { sendMessage(roomId: "design-review", text: "Here is step one with the new dots, and the spec.", attachmentIds: $a) { id } }',
      { a: [mockup, spec] },
    );
    const { context, page } = await viewAs(maya, { width: 1280, height: 800 });
    const image = page.getByTestId('attachment-image').locator('img');
    await image.waitFor();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.getByTestId('file-card').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}desktop-files.png` });
    if (process.env.UPDATE_README_SCREENSHOT === '1') await page.screenshot({ path: README_FILES_SHOT });
    await context.close();
  });
});
