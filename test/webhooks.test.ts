import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, SIGN_IN, codes, createRoom, gql, gqlOk, joinRoom, signUp } from './helpers/http.js';
import { type TestServer, startServer } from './helpers/server.js';
import { CREATE_WEBHOOK, type CreatedWebhook, LAST_MESSAGE, postJson } from './helpers/webhooks.js';

/**
 * Bodies as the tools send them, from their own sources: Alertmanager's Slack notifier
 * (notify/slack/slack.go: `request` with one `attachment` that always carries `text`,
 * `fallback`, `callback_id` and `footer`), Grafana's (grafana/alerting
 * receivers/slack/slack_test.go, "Message is sent": an attachment with `title_link`,
 * `footer_icon` and `ts`), a Slack Block Kit message, and curl's one-liner.
 */
const ALERTMANAGER = {
  channel: '#alerts',
  username: 'Alertmanager',
  attachments: [
    {
      title: '[FIRING:1] HighRequestLatency (api production)',
      title_link: 'http://alertmanager.example:9093/#/alerts?receiver=parley',
      text: '*Alert:* Request latency is above 500ms - `critical`\n*Description:* p99 latency on api &gt; 500ms for 10m',
      fallback:
        '[FIRING:1] HighRequestLatency (api production) | http://alertmanager.example:9093/#/alerts?receiver=parley',
      callback_id: '',
      footer: '',
      color: 'danger',
      mrkdwn_in: ['fallback', 'pretext', 'text'],
    },
  ],
};
const GRAFANA = {
  channel: '#test',
  username: 'Grafana',
  icon_emoji: ':emoji:',
  attachments: [
    {
      title: '[FIRING:1]  (val1)',
      title_link: 'http://localhost/alerting/list',
      text:
        '**Firing**\n\nValue: [no value]\nLabels:\n - alertname = alert1\n - lbl1 = val1\nAnnotations:\n - ann1 = annv1\n' +
        'Silence: http://localhost/alerting/silence/new?alertmanager=grafana&matcher=alertname%3Dalert1&matcher=lbl1%3Dval1\n',
      fallback: '[FIRING:1]  (val1)',
      footer: 'Grafana v11.0.0',
      footer_icon: 'https://grafana.com/static/assets/img/fav32.png',
      color: '#D63232',
      ts: 1764460800,
    },
  ],
};
const BLOCKS = {
  text: 'Build failed',
  blocks: [
    { type: 'header', text: { type: 'plain_text', text: 'CI: main is red' } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: '<https://ci.example/runs/42|Run #42> failed on *lint* &amp; *test*' },
      fields: [
        { type: 'mrkdwn', text: '*Commit*\nabc1234' },
        { type: 'mrkdwn', text: '*Author*\n<@U024BE7LH>' },
      ],
    },
    { type: 'divider' },
    {
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: 'Triggered by <!here>' },
        { type: 'image', image_url: 'x' },
      ],
    },
  ],
};

describe('incoming webhooks', () => {
  let server: TestServer;
  let owner: Session;
  let member: Session;
  let roomId: string;
  let hook: CreatedWebhook;

  beforeAll(async () => {
    server = await startServer();
    [owner, member] = await Promise.all([signUp(server.url), signUp(server.url)]);
    roomId = await createRoom(server.url, owner.token);
    await joinRoom(server.url, member.token, roomId);
    hook = (
      await gqlOk<{ createWebhook: CreatedWebhook }>(
        server.url,
        CREATE_WEBHOOK,
        { r: roomId, n: 'Alerts' },
        { token: owner.token },
      )
    ).createWebhook;
  });
  afterAll(() => server.stop());

  const last = async () =>
    (
      await gqlOk<{ room: { lastMessage: { text: string; author: { name: string; isBot: boolean } } } }>(
        server.url,
        LAST_MESSAGE,
        { r: roomId },
        { token: member.token },
      )
    ).room.lastMessage;

  it('gives owners and moderators a URL with a secret, once, and its bot', async () => {
    expect(hook.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/hooks/[0-9a-f]{16}/[A-Za-z0-9_-]{40,}$`),
    );
    expect(hook).toMatchObject({ name: 'Alerts', createdBy: { name: owner.user.name }, lastPostedAt: null });
    const listed = await gqlOk<{ room: { webhooks: { id: string; url: string }[] } }>(
      server.url,
      'query($r: ID!) { room(id: $r) { webhooks { id url } } }',
      { r: roomId },
      { token: owner.token },
    );
    // Stored only as a hash: later reads cannot give the secret back.
    expect(listed.room.webhooks).toEqual([{ id: hook.id, url: `${hook.url.slice(0, hook.url.lastIndexOf('/'))}/…` }]);
    expect(codes(await gql(server.url, CREATE_WEBHOOK, { r: roomId, n: 'Mine' }, { token: member.token }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      codes(
        await gql(
          server.url,
          'query($r: ID!) { room(id: $r) { webhooks { id } } }',
          { r: roomId },
          { token: member.token },
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    for (const n of ['', 'x'.repeat(65)])
      expect(codes(await gql(server.url, CREATE_WEBHOOK, { r: roomId, n }, { token: owner.token }))).toEqual([
        'BAD_USER_INPUT',
      ]);
  });

  it("posts curl's, Alertmanager's, Grafana's and Block Kit bodies as readable text, as its bot", async () => {
    expect(await postJson(hook.url, { text: 'Hello, <https://example.com|world> &lt;3' })).toEqual({
      status: 200,
      text: 'ok',
    });
    expect(await last()).toEqual({
      text: 'Hello, world (https://example.com) <3',
      author: { name: 'Alerts', isBot: true },
    });

    expect(await postJson(hook.url, ALERTMANAGER)).toEqual({ status: 200, text: 'ok' });
    expect((await last()).text).toBe(
      '[FIRING:1] HighRequestLatency (api production) (http://alertmanager.example:9093/#/alerts?receiver=parley)\n' +
        '*Alert:* Request latency is above 500ms - `critical`\n*Description:* p99 latency on api > 500ms for 10m',
    );

    expect(await postJson(hook.url, GRAFANA)).toEqual({ status: 200, text: 'ok' });
    expect((await last()).text).toBe(
      '[FIRING:1]  (val1) (http://localhost/alerting/list)\n**Firing**\n\nValue: [no value]\nLabels:\n - alertname = alert1\n' +
        ' - lbl1 = val1\nAnnotations:\n - ann1 = annv1\n' +
        'Silence: http://localhost/alerting/silence/new?alertmanager=grafana&matcher=alertname%3Dalert1&matcher=lbl1%3Dval1',
    );

    expect(await postJson(hook.url, BLOCKS)).toEqual({ status: 200, text: 'ok' });
    expect((await last()).text).toBe(
      'Build failed\nCI: main is red\nRun #42 (https://ci.example/runs/42) failed on *lint* & *test*\n' +
        '*Commit*\nabc1234\n*Author*\n@U024BE7LH\nTriggered by @here',
    );

    // Slack's legacy form encoding, as some CI systems still send it.
    const form = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payload: JSON.stringify({ text: 'from a form' }) }).toString(),
    });
    expect(form.status).toBe(200);
    expect((await last()).text).toBe('from a form');
    const listed = await gqlOk<{ room: { webhooks: { lastPostedAt: string | null }[] } }>(
      server.url,
      'query($r: ID!) { room(id: $r) { webhooks { lastPostedAt } } }',
      { r: roomId },
      { token: owner.token },
    );
    expect(listed.room.webhooks[0]!.lastPostedAt).not.toBeNull();
  });

  it('refuses what it cannot post with a sentence, and loses nothing', async () => {
    const before = (await last()).text;
    const refusals: [unknown, number, RegExp][] = [
      ['not json', 400, /not JSON/],
      [[1, 2], 400, /JSON object/],
      [{}, 400, /Nothing to post/],
      [{ text: '   ' }, 400, /Nothing to post/],
      [{ text: 5 }, 400, /body\.text must be a string/],
      [{ attachments: {} }, 400, /attachments must be an array/],
      [{ attachments: [{ title: 7 }] }, 400, /attachments\[0\]\.title must be a string/],
      [{ blocks: [{ type: 'section', text: 'bare' }] }, 400, /blocks\[0\]\.text must be a text object/],
      [{ text: 'x'.repeat(4_001) }, 400, /over 4000 characters/],
    ];
    for (const [body, status, message] of refusals) {
      const answer = await postJson(hook.url, body);
      expect(answer.status, JSON.stringify(body).slice(0, 60)).toBe(status);
      expect(answer.text).toMatch(message);
    }
    expect((await postJson(hook.url, { text: 'x'.repeat(70_000) })).status).toBe(413);
    expect((await fetch(hook.url)).status).toBe(405);
    expect((await last()).text).toBe(before);
  });

  it('answers 404 for a wrong secret, an unknown webhook and once deleted; its bot cannot sign in', async () => {
    const wrong = hook.url.replace(/\/[^/]+$/, '/' + 'A'.repeat(43));
    expect((await postJson(wrong, { text: 'hi' })).status).toBe(404);
    expect(
      (await postJson(hook.url.replace(/hooks\/[0-9a-f]{16}/, 'hooks/0123456789abcdef'), { text: 'hi' })).status,
    ).toBe(404);
    const bot = (await last()).author;
    expect(bot.isBot).toBe(true);
    for (const name of [bot.name, `bot:${hook.id}`])
      expect(codes(await gql(server.url, SIGN_IN, { name, password: '!' }))).toEqual(['UNAUTHENTICATED']);

    expect(
      codes(
        await gql(
          server.url,
          'mutation($id: ID!) { deleteWebhook(id: $id) }',
          { id: hook.id },
          { token: member.token },
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    const deleted = await gqlOk<{ deleteWebhook: boolean }>(
      server.url,
      'mutation($id: ID!) { deleteWebhook(id: $id) }',
      { id: hook.id },
      { token: owner.token },
    );
    expect(deleted.deleteWebhook).toBe(true);
    expect((await postJson(hook.url, { text: 'after' })).status).toBe(404);
  });
});

describe('incoming webhooks, rate limited', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ rateLimits: true });
  });
  afterAll(() => server.stop());

  it('answers 429 with Retry-After past RATE_WEBHOOK posts', async () => {
    const owner = await signUp(server.url);
    const roomId = await createRoom(server.url, owner.token);
    const { createWebhook } = await gqlOk<{ createWebhook: CreatedWebhook }>(
      server.url,
      CREATE_WEBHOOK,
      { r: roomId, n: 'Noisy' },
      { token: owner.token },
    );
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await postJson(createWebhook.url, { text: `alert ${i}` })).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    const refused = await fetch(createWebhook.url, { method: 'POST', body: JSON.stringify({ text: 'more' }) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
