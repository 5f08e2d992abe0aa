import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type User, graphqlAs, launchBrowser, newUser, waitLive } from './support/browser.js';
import { pngOf, samplePdf, uploadAs } from './support/files.js';
import { type RunningServer, startServer } from './support/server.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SCHEMES = ['light', 'dark'] as const;
type Scheme = (typeof SCHEMES)[number];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core on the page as it is now; returns the serious and critical violations, logs the rest. */
async function audit(page: Page, label: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: unknown }> } })
      .axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations as Violation[];
  });
  const describe = (v: Violation) =>
    `${label}: [${v.impact}] ${v.id} (${v.help})\n` +
    v.nodes
      .map((n) => `    ${JSON.stringify(n.target)}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
      .join('\n');
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations.filter((v) => !blocking.includes(v))) console.info(describe(v));
  for (const v of blocking) console.error(describe(v));
  return blocking.map((v) => `${label}: ${v.id} ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** Audits the page in both colour schemes after `prepare` has brought it into the state to check. */
async function auditBothSchemes(page: Page, label: string, prepare: (scheme: Scheme) => Promise<void>) {
  const found: string[] = [];
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    await prepare(colorScheme);
    // Let colour transitions settle before contrast is measured.
    await page.waitForTimeout(300);
    found.push(...(await audit(page, `${label} (${colorScheme})`)));
  }
  return found;
}

const ROOM = 'a11y-lounge';

describe('accessibility (axe-core): no serious or critical violations, light and dark', () => {
  let server: RunningServer;
  let browser: Browser;
  let owner: User;
  let member: User;

  const api = <T>(user: User, query: string, variables: Record<string, unknown> = {}) =>
    graphqlAs<T>(user.context, server.url, query, variables);

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    owner = await newUser(browser, server.url, 'owner');
    member = await newUser(browser, server.url, 'member');
    await api(owner, 'mutation { createRoom(name: "A11y lounge") { id } }');
    await api(member, `mutation { joinRoom(id: "${ROOM}") { id } }`);
    await api(owner, `mutation { updateRoom(id: "${ROOM}", topic: "Checking contrast and names") { id } }`);
    const send = (user: User, text: string, replyToId?: string) =>
      api<{ sendMessage: { id: string } }>(
        user,
        'mutation($r: ID!, $t: String!, $p: ID) { sendMessage(roomId: $r, text: $t, replyToId: $p) { id } }',
        { r: ROOM, t: text, p: replyToId ?? null },
      ).then((d) => d.sendMessage.id);
    const first = await send(owner, 'Welcome to the lounge, findable by zebra');
    await send(member, `Thanks @${owner.name}, glad to be here`, first);
    const edited = await send(owner, 'This one has a tpyo');
    await api(owner, 'mutation($m: ID!) { editMessage(id: $m, text: "This one had a typo, now edited") { id } }', {
      m: edited,
    });
    await api(member, 'mutation($m: ID!) { addReaction(messageId: $m, emoji: "🎉") { id } }', { m: first });
    await api(owner, 'mutation($m: ID!) { addReaction(messageId: $m, emoji: "👍") { id } }', { m: first });
    await send(member, 'Another zebra sighting');
    const image = await uploadAs(owner.context, server.url, ROOM, {
      bytes: await pngOf(480, 320),
      name: 'contrast-check.png',
      type: 'image/png',
    });
    const file = await uploadAs(owner.context, server.url, ROOM, {
      bytes: samplePdf(),
      name: 'checklist.pdf',
      type: 'application/pdf',
    });
    await api(owner, 'mutation($r: ID!, $a: [ID!]) { sendMessage(roomId: $r, text: "", attachmentIds: $a) { id } }', {
      r: ROOM,
      a: [image, file],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sign-in and sign-up', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const found: string[] = [];
    for (const path of ['/signin', '/signup']) {
      found.push(
        ...(await auditBothSchemes(page, path, async () => {
          await page.goto(`${server.url}${path}`);
          await page.getByRole('button', { name: path === '/signin' ? 'Sign in' : 'Sign up' }).waitFor();
        })),
      );
    }
    await context.close();
    expect(found).toEqual([]);
  });

  it('a room with a reply, reactions, a mention and an edited message', async () => {
    const { page } = member;
    const found = await auditBothSchemes(page, 'room', async () => {
      await page.goto(`${server.url}/rooms/${ROOM}`);
      await waitLive(page);
      await page.locator('.message-edited').waitFor();
      await page.locator('.reaction').first().waitFor();
    });
    expect(found).toEqual([]);
  });

  it('a room with an image and a file card, and the image viewer open', async () => {
    const { page } = member;
    const found = await auditBothSchemes(page, 'room with files', async () => {
      await page.goto(`${server.url}/rooms/${ROOM}`);
      await waitLive(page);
      await page.getByTestId('file-card').waitFor();
      await page.getByTestId('attachment-image').locator('img').waitFor();
    });
    found.push(
      ...(await auditBothSchemes(page, 'image viewer', async () => {
        await page.goto(`${server.url}/rooms/${ROOM}`);
        await waitLive(page);
        await page.getByRole('button', { name: 'Open contrast-check.png' }).click();
        await page.getByRole('dialog', { name: 'Image: contrast-check.png' }).waitFor();
      })),
    );
    expect(found).toEqual([]);
  });

  it('the profile dialog', async () => {
    const { page } = member;
    const found = await auditBothSchemes(page, 'profile', async () => {
      await page.goto(`${server.url}/rooms/${ROOM}`);
      await waitLive(page);
      await page.getByTestId('profile-button').click();
      const dialog = page.getByRole('dialog', { name: 'Your profile' });
      await dialog.waitFor();
      await dialog.getByTestId('avatar-input').setInputFiles({
        name: 'me.png',
        mimeType: 'image/png',
        buffer: await pngOf(300, 200),
      });
      await dialog.getByTestId('avatar-crop').locator('img').waitFor();
    });
    expect(found).toEqual([]);
  });

  it('a room as the owner too: mentioned, replied to, with an own edited message', async () => {
    const { page } = owner;
    const found = await auditBothSchemes(page, 'room as owner', async () => {
      await page.goto(`${server.url}/rooms/${ROOM}`);
      await waitLive(page);
      await page.locator('.mention[data-self]').waitFor();
    });
    expect(found).toEqual([]);
  });

  it('avatar colours keep their white initials above 4.5:1 on every hue (axe skips CSS-drawn text)', async () => {
    const { page } = member;
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      await page.goto(`${server.url}/rooms/${ROOM}`);
      await page.locator('.avatar').first().waitFor();
      const worst = await page.evaluate(() => {
        // The browser resolves the CSS colour; a canvas turns it into sRGB bytes.
        const probe = document.createElement('span');
        probe.className = 'avatar';
        document.body.append(probe);
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 1;
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        const linear = (v: number) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
        let min = { ratio: Infinity, hue: -1 };
        for (let hue = 0; hue < 360; hue++) {
          probe.style.setProperty('--hue', String(hue));
          const style = getComputedStyle(probe);
          ctx.fillStyle = style.backgroundColor;
          ctx.fillRect(0, 0, 1, 1);
          const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
          const bg = 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!);
          ctx.fillStyle = style.color;
          ctx.fillRect(0, 0, 1, 1);
          const [fr, fg, fb] = ctx.getImageData(0, 0, 1, 1).data;
          const fg_ = 0.2126 * linear(fr!) + 0.7152 * linear(fg!) + 0.0722 * linear(fb!);
          const ratio = (Math.max(bg, fg_) + 0.05) / (Math.min(bg, fg_) + 0.05);
          if (ratio < min.ratio) min = { ratio, hue };
        }
        probe.remove();
        return min;
      });
      console.info(`avatars (${colorScheme}): lowest contrast ${worst.ratio.toFixed(2)} at hue ${worst.hue}`);
      expect(worst.ratio).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('the header search with its results open', async () => {
    const { page } = member;
    const found = await auditBothSchemes(page, 'header search', async () => {
      await page.goto(`${server.url}/rooms/${ROOM}`);
      await waitLive(page);
      await page.getByRole('combobox', { name: 'Search messages' }).fill('zebra');
      await page.getByRole('listbox', { name: 'Search results' }).getByRole('option').first().waitFor();
    });
    expect(found).toEqual([]);
  });

  it('the search page', async () => {
    const { page } = member;
    const found = await auditBothSchemes(page, '/search', async () => {
      await page.goto(`${server.url}/search?q=zebra`);
      await page.locator('mark').first().waitFor();
    });
    expect(found).toEqual([]);
  });

  it('the room settings dialog, as the owner', async () => {
    const { page } = owner;
    const found = await auditBothSchemes(page, 'room settings', async () => {
      await page.goto(`${server.url}/rooms/${ROOM}`);
      await waitLive(page);
      await page.getByRole('button', { name: 'Room options' }).click();
      await page.getByRole('menuitem', { name: 'Room settings…' }).click();
      await page.getByRole('dialog', { name: 'Room settings' }).waitFor();
    });
    expect(found).toEqual([]);
  });

  it('the members dialog', async () => {
    const { page } = owner;
    const found = await auditBothSchemes(page, 'members', async () => {
      await page.goto(`${server.url}/rooms/${ROOM}`);
      await waitLive(page);
      await page.getByRole('button', { name: /^Members, \d+$/ }).click();
      await page
        .getByRole('dialog', { name: /^Members of / })
        .locator('[data-member]')
        .first()
        .waitFor();
    });
    expect(found).toEqual([]);
  });

  it('the account page', async () => {
    const { page } = owner;
    const found = await auditBothSchemes(page, '/account', async () => {
      await page.goto(`${server.url}/account`);
      await page.getByRole('heading', { level: 1 }).waitFor();
    });
    expect(found).toEqual([]);
  });
});
