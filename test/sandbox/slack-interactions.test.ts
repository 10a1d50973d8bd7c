import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator, signSlackRequest } from '../../src/sandbox/slack/index.ts';

const SECRET = 'bot-signing-secret';
const BOT_TOKEN = 'xoxb-interactions';

interface Received {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** A stand-in for the bot: records each request and answers 200 with a fixed body. */
let received: Received[] = [];
let bot: Server;
let slack: SlackEmulator;
let web: WebClient;

/** Independent of the emulator's signer: recompute the HMAC and compare in constant time. */
function verifies(secret: string, request: Received): boolean {
  const timestamp = String(request.headers['x-slack-request-timestamp']);
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${request.rawBody}`).digest('hex')}`,
  );
  const actual = Buffer.from(String(request.headers['x-slack-signature']));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const lastRequest = (): Received => {
  const request = received.at(-1);
  if (!request) throw new Error('the bot received nothing');
  return request;
};
const lastForm = (): URLSearchParams => new URLSearchParams(lastRequest().rawBody);
const lastPayload = (): Record<string, unknown> => JSON.parse(lastForm().get('payload') ?? 'null');

const respond = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  bot = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('acked');
    });
  });
  await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
  const { port } = bot.address() as AddressInfo;
  slack = await SlackEmulator.start({
    signingSecret: SECRET,
    botToken: BOT_TOKEN,
    botUrl: `http://127.0.0.1:${port}/slack/events`,
  });
  web = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, logLevel: LogLevel.ERROR });
});
afterEach(() => {
  received = [];
  slack.reset();
});
afterAll(async () => {
  await slack.close();
  bot.closeAllConnections();
  await new Promise((resolve) => bot.close(resolve));
});

describe('signSlackRequest', () => {
  it("reproduces Slack's documented example", () => {
    const body = [
      'token=xyzz0WbapA4vBCDEFasx0q6G',
      'team_id=T1DC2JH3J',
      'team_domain=testteamnow',
      'channel_id=G8PSS9T3V',
      'channel_name=foobar',
      'user_id=U2CERLKJA',
      'user_name=roadrunner',
      'command=%2Fwebhook-collect',
      'text=',
      'response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN',
      'trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    ].join('&');
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });
});

describe('sendSlashCommand', () => {
  it("posts Slack's slash command form, signed with the signing secret", async () => {
    const res = await slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'api prod v1.4.2',
    });
    expect(res).toMatchObject({ status: 200, body: 'acked' });
    expect(res.responseUrl).toMatch(new RegExp(`^${slack.url}/response/[0-9a-f]+$`));
    expect(res.elapsedMs).toBeGreaterThanOrEqual(0);

    const request = lastRequest();
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Math.abs(Number(request.headers['x-slack-request-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    expect(verifies(SECRET, request)).toBe(true);
    const form = lastForm();
    expect([...form.keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(Object.fromEntries(form)).toMatchObject({
      team_id: 'T0OPSDECK',
      team_domain: 'opsdeck-sandbox',
      channel_id: 'C0DEPLOYS',
      channel_name: 'deploys',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/deploy',
      text: 'api prod v1.4.2',
      api_app_id: 'A0OPSDECK',
      is_enterprise_install: 'false',
      response_url: res.responseUrl,
    });
    expect(form.get('trigger_id')).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
  });

  it('gives every invocation a fresh response_url', async () => {
    const a = await slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops', text: '' });
    const b = await slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops', text: '' });
    expect(a.responseUrl).not.toBe(b.responseUrl);
  });

  it.each([
    ['a forged secret', { signingSecret: 'not-the-secret' }],
    ['a literal signature', { signature: 'v0=deadbeef' }],
  ])('can send %s, which does not verify', async (_name, overrides) => {
    await slack.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/ops', text: 'help', ...overrides });
    expect(verifies(SECRET, lastRequest())).toBe(false);
    if ('signingSecret' in overrides) expect(verifies(overrides.signingSecret, lastRequest())).toBe(true);
    else expect(lastRequest().headers['x-slack-signature']).toBe('v0=deadbeef');
  });

  it('sends copies of one request byte for byte, as a retry or a replay would', async () => {
    received = [];
    await slack.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/ops', text: 'help', copies: 3 });
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.rawBody)).size).toBe(1);
    expect(new Set(received.map((r) => r.headers['x-slack-signature'])).size).toBe(1);
  });

  it('signs an overridden (old) timestamp', async () => {
    const old = Math.floor(Date.now() / 1000) - 600;
    await slack.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/ops', text: '', timestamp: old });
    expect(lastRequest().headers['x-slack-request-timestamp']).toBe(String(old));
    expect(verifies(SECRET, lastRequest())).toBe(true);
  });

  it('refuses unknown users and channels, and needs a bot URL', async () => {
    await expect(slack.sendSlashCommand({ user: 'U0NOBODY', channel: 'C0DEPLOYS', command: '/ops' })).rejects.toThrow(
      /U0NOBODY/,
    );
    await expect(slack.sendSlashCommand({ user: 'U0BOB', channel: 'C0NOPE', command: '/ops' })).rejects.toThrow(
      /C0NOPE/,
    );
    const detached = await SlackEmulator.start({ signingSecret: SECRET, botToken: BOT_TOKEN });
    try {
      await expect(detached.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/ops' })).rejects.toThrow(
        /bot URL/,
      );
    } finally {
      await detached.close();
    }
  });
});

const approvalBlocks = [
  { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: 'deploy api to prod?' } },
  {
    type: 'actions',
    block_id: 'decision',
    elements: [
      { type: 'button', action_id: 'opsdeck.approve', text: { type: 'plain_text', text: 'Approve' }, value: 'req_1' },
      { type: 'button', action_id: 'opsdeck.reject', text: { type: 'plain_text', text: 'Reject' }, value: 'req_1' },
    ],
  },
];

describe('sendBlockAction', () => {
  it('sends a signed block_actions payload built from the stored message', async () => {
    const posted = await web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'approval', blocks: approvalBlocks });
    const res = await slack.sendBlockAction({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      messageTs: posted.ts!,
      actionId: 'opsdeck.reject',
    });
    expect(res.status).toBe(200);
    expect(verifies(SECRET, lastRequest())).toBe(true);
    expect([...lastForm().keys()]).toEqual(['payload']);

    const payload = lastPayload();
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB', username: 'bob', name: 'bob', team_id: 'T0OPSDECK' },
      api_app_id: 'A0OPSDECK',
      container: { type: 'message', message_ts: posted.ts, channel_id: 'C0DEPLOYS', is_ephemeral: false },
      team: { id: 'T0OPSDECK', domain: 'opsdeck-sandbox' },
      channel: { id: 'C0DEPLOYS', name: 'deploys' },
      message: { ts: posted.ts, text: 'approval', blocks: approvalBlocks, user: 'U0OPSDECK', bot_id: 'B0OPSDECK' },
      response_url: res.responseUrl,
    });
    expect(typeof payload.token).toBe('string');
    expect(typeof payload.trigger_id).toBe('string');
    expect(payload.actions).toEqual([
      {
        type: 'button',
        action_id: 'opsdeck.reject',
        block_id: 'decision',
        text: { type: 'plain_text', text: 'Reject', emoji: true },
        value: 'req_1',
        action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
      },
    ]);
  });

  it('lets the test choose value and block_id, and leaves the message out for ephemeral messages', async () => {
    const posted = await web.chat.postEphemeral({
      channel: 'C0DEPLOYS',
      user: 'U0ALICE',
      text: 'x',
      blocks: approvalBlocks,
    });
    await slack.sendBlockAction({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      messageTs: posted.message_ts!,
      actionId: 'opsdeck.approve',
      value: 'req_forged',
      blockId: 'other',
    });
    const payload = lastPayload();
    expect(payload.container).toMatchObject({ is_ephemeral: true });
    expect(payload.message).toBeUndefined();
    expect((payload.actions as unknown[])[0]).toMatchObject({
      value: 'req_forged',
      block_id: 'other',
      text: { text: 'Approve' },
    });
  });
});

describe('response_url', () => {
  const command = () =>
    slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops', text: 'help' });

  it('posts ephemerally to the invoking user by default and in channel on request', async () => {
    const { responseUrl } = await command();
    const reply = await respond(responseUrl, { text: 'just you' });
    expect([reply.status, await reply.json()]).toEqual([200, { ok: true }]);
    await respond(responseUrl, { text: 'everyone', response_type: 'in_channel', thread_ts: '1732412345.000100' });

    expect(slack.messages({ visibleTo: 'U0ALICE' }).map((m) => m.text)).toEqual(['just you', 'everyone']);
    expect(slack.messages({ visibleTo: 'U0BOB' }).map((m) => m.text)).toEqual(['everyone']);
    expect(slack.messages()).toEqual([
      expect.objectContaining({
        channel: 'C0DEPLOYS',
        ephemeralTo: 'U0ALICE',
        source: 'response_url',
        botId: 'B0OPSDECK',
      }),
      expect.objectContaining({ threadTs: '1732412345.000100', source: 'response_url' }),
    ]);
  });

  it('replaces and deletes the message a button was on', async () => {
    const posted = await web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'approval', blocks: approvalBlocks });
    const first = await slack.sendBlockAction({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      messageTs: posted.ts!,
      actionId: 'opsdeck.approve',
    });
    await respond(first.responseUrl, { replace_original: true, text: 'approved by bob' });
    expect(slack.messages()).toEqual([
      expect.objectContaining({ ts: posted.ts, text: 'approved by bob', blocks: [], edited: true }),
    ]);

    const second = await slack.sendBlockAction({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      messageTs: posted.ts!,
      actionId: 'opsdeck.approve',
    });
    await respond(second.responseUrl, { delete_original: true });
    expect(slack.messages()).toEqual([expect.objectContaining({ ts: posted.ts, deleted: true })]);
    expect(slack.messages({ visibleTo: 'U0BOB' })).toEqual([]);
  });

  it('replaces an ephemeral original, which chat.update cannot reach', async () => {
    const posted = await web.chat.postEphemeral({
      channel: 'C0DEPLOYS',
      user: 'U0ALICE',
      text: 'step 1',
      blocks: approvalBlocks,
    });
    const click = await slack.sendBlockAction({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      messageTs: posted.message_ts!,
      actionId: 'opsdeck.approve',
    });
    await respond(click.responseUrl, { replace_original: true, text: 'step 2' });
    expect(slack.messages({ visibleTo: 'U0ALICE' }).map((m) => [m.text, m.ephemeralTo])).toEqual([
      ['step 2', 'U0ALICE'],
    ]);
    await expect(web.chat.update({ channel: 'C0DEPLOYS', ts: posted.message_ts!, text: 'x' })).rejects.toThrow(
      /message_not_found/,
    );
  });

  it('accepts five posts, then answers 404 used_url', async () => {
    const { responseUrl } = await command();
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++) statuses.push((await respond(responseUrl, { text: `reply ${i}` })).status);
    const sixth = await respond(responseUrl, { text: 'reply 6' });
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect([sixth.status, await sixth.text()]).toEqual([404, 'used_url']);
    expect(slack.messages()).toHaveLength(5);
  });

  it('expires after 30 minutes', async () => {
    let now = Date.now();
    const clocked = await SlackEmulator.start({
      signingSecret: SECRET,
      botToken: BOT_TOKEN,
      botUrl: slackBotUrl(),
      now: () => now,
    });
    try {
      const fresh = await clocked.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops' });
      const stale = await clocked.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops' });
      now += 29 * 60_000;
      expect((await respond(fresh.responseUrl, { text: 'in time' })).status).toBe(200);
      now += 2 * 60_000;
      const late = await respond(stale.responseUrl, { text: 'too late' });
      expect([late.status, await late.text()]).toEqual([404, 'expired_url']);
      expect(clocked.messages().map((m) => m.text)).toEqual(['in time']);
    } finally {
      await clocked.close();
    }
  });

  it.each([
    ['an unknown id', (url: string) => `${url}x`, { text: 'x' }, 404, 'no_service'],
    ['no text or blocks', (url: string) => url, { response_type: 'in_channel' }, 400, 'no_text'],
    ['a body that is not JSON', (url: string) => url, 'not json', 400, 'invalid_payload'],
  ])('rejects %s', async (_name, target, body, status, error) => {
    const { responseUrl } = await command();
    const res = await fetch(target(responseUrl), {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    expect([res.status, await res.text()]).toEqual([status, error]);
    expect(slack.messages()).toEqual([]);
  });
});

function slackBotUrl(): string {
  return `http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`;
}
