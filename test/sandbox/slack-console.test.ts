import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConsoleAssets } from '../../src/sandbox/slack/console-assets.ts';
import { type ConsoleControl, type ConsoleMessage, SlackEmulator } from '../../src/sandbox/slack/index.ts';

const SECRET = 'console-signing-secret';
const BOT_TOKEN = 'xoxb-console';
const COMMANDS = [
  { command: '/deploy', description: 'Deploy a version of a service', usageHint: 'service env [version]' },
  {
    command: '/ops',
    description: 'Help, audit and locks',
    usageHint: 'help | audit | lock service env',
    shouldEscape: true,
  },
];
const controlRuns: Record<string, string>[] = [];
const CONTROLS: ConsoleControl[] = [
  {
    id: 'fail-next',
    label: 'Fail the next rollout',
    description: 'The next rollout of this service never becomes ready.',
    params: [
      { name: 'service', options: ['api', 'web', 'worker'] },
      { name: 'env', options: ['staging', 'prod'] },
    ],
    run: async (params) => {
      controlRuns.push(params);
      return `The next rollout of ${params.service} in ${params.env} will fail.`;
    },
  },
  {
    id: 'reset',
    label: 'Reset all state',
    run: async () => {
      slack.reset();
      return 'Everything is back to the start.';
    },
  },
  { id: 'broken', label: 'Broken', run: async () => Promise.reject(new Error('cluster unreachable')) },
];

interface BotRequest {
  headers: IncomingHttpHeaders;
  rawBody: string;
  form: URLSearchParams;
}

/** A stand-in for opsdeck: records requests and answers a slash command with an ephemeral via its response_url. */
const received: BotRequest[] = [];
let bot: Server;
let slack: SlackEmulator;
let web: WebClient;

function signedBySlack(request: BotRequest): boolean {
  const timestamp = String(request.headers['x-slack-request-timestamp']);
  const expected = Buffer.from(
    `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${request.rawBody}`).digest('hex')}`,
  );
  const actual = Buffer.from(String(request.headers['x-slack-signature']));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const api = (path: string, init?: RequestInit): Promise<Response> => fetch(`${slack.url}${path}`, init);
const postJson = (path: string, body: unknown): Promise<Response> =>
  api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
/** A response's JSON as the test expects it; members the test does not read are left to expect. */
const json = <T = Record<string, unknown>>(res: Response): Promise<T> => res.json() as Promise<T>;
type ConsoleState = { messages: ConsoleMessage[]; [member: string]: unknown };
const state = async (): Promise<ConsoleState> => json(await api('/console/api/state'));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  bot = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const form = new URLSearchParams(rawBody);
      received.push({ headers: req.headers, rawBody, form });
      const responseUrl = form.get('response_url');
      if (form.get('command') && responseUrl) {
        await fetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: `:hourglass_flowing_sand: Deploying ${form.get('text')}…` }),
        });
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
  const { port } = bot.address() as AddressInfo;
  slack = await SlackEmulator.start({
    signingSecret: SECRET,
    botToken: BOT_TOKEN,
    botUrl: `http://127.0.0.1:${port}/slack/events`,
    console: { commands: COMMANDS, controls: CONTROLS },
  });
  web = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, logLevel: LogLevel.ERROR });
});
afterEach(() => {
  received.length = 0;
  controlRuns.length = 0;
  slack.reset();
});
afterAll(async () => {
  await slack.close();
  bot.closeAllConnections();
  await new Promise((resolve) => bot.close(resolve));
});

describe('console page', () => {
  it('serves the page at / with its stylesheet and every script module it imports', async () => {
    const page = await api('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<link rel="stylesheet" href="/console/console.css">');
    expect(html).toContain('<script type="module" src="/console/console.js"></script>');
    for (const testid of [
      'user-select',
      'composer',
      'thread',
      'confirm',
      'confirm-ok',
      'home-tab',
      'modal',
      'shortcuts-button',
    ]) {
      expect(html).toContain(`data-testid="${testid}"`);
    }

    const css = await api('/console/console.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.bk-button.primary');

    const seen = new Set<string>();
    const queue = ['console.js'];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      if (seen.has(name)) continue;
      seen.add(name);
      const script = await api(`/console/${name}`);
      expect(script.status, name).toBe(200);
      expect(script.headers.get('content-type'), name).toBe('text/javascript; charset=utf-8');
      const source = await script.text();
      expect(source, name).not.toMatch(/innerHTML|insertAdjacentHTML|outerHTML/);
      for (const m of source.matchAll(/from '\.\/([\w-]+\.js)'/g)) queue.push(m[1]!);
    }
    expect([...seen].sort()).toEqual([
      'blocks.js',
      'composer.js',
      'console.js',
      'controls.js',
      'dom.js',
      'messages.js',
      'mrkdwn.js',
      'store.js',
      'surfaces.js',
    ]);
  });

  it('answers 404 for files it does not have, and serves nothing at / without console options', async () => {
    expect((await api('/console/nope.js')).status).toBe(404);
    expect((await api('/console/../package.json')).status).toBe(404);
    const plain = await SlackEmulator.start({ signingSecret: SECRET, botToken: BOT_TOKEN });
    try {
      expect((await fetch(`${plain.url}/`)).status).toBe(404);
      expect((await fetch(`${plain.url}/console/api/state`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('serves an emoji font, and an empty emoji stylesheet when its package is not installed', async () => {
    const css = await (await api('/console/emoji.css')).text();
    const font = /url\((fonts\/[\w-]+\.woff2)\)/.exec(css)?.[1];
    expect(css).toContain("font-family: 'opsdeck emoji'");
    const file = await api(`/console/${font}`);
    expect(file.headers.get('content-type')).toBe('font/woff2');
    expect(
      Buffer.from(await file.arrayBuffer())
        .subarray(0, 4)
        .toString('latin1'),
    ).toBe('wOF2');

    const without = await loadConsoleAssets(undefined, '@fontsource/not-installed-here');
    expect(without.get('emoji.css')?.body.toString()).not.toContain('@font-face');
    expect([...without.keys()].filter((k) => k.startsWith('fonts/'))).toEqual([]);
  });

  it('says where it looked when the page files are missing', async () => {
    await expect(loadConsoleAssets([new URL('file:///nowhere/console/')])).rejects.toThrow(
      "the console's files were not found (looked in /nowhere/console/)",
    );
  });
});

describe('console API', () => {
  it('reports the workspace, commands, controls (without run) and messages', async () => {
    const s = await state();
    expect(s.team).toEqual({ name: 'opsdeck sandbox' });
    expect(s.bot).toEqual({ user: 'U0OPSDECK', botId: 'B0OPSDECK', name: 'opsdeck' });
    expect(s.users).toContainEqual({ id: 'U0ALICE', name: 'alice', realName: 'Alice Chen', isBot: false });
    expect(s.users).toContainEqual({ id: 'U0OPSDECK', name: 'opsdeck', realName: 'opsdeck', isBot: true });
    expect(s.usergroups).toContainEqual({ id: 'S0SRE', handle: 'sre-oncall', name: 'SRE on-call' });
    expect(s.channels).toEqual(
      expect.arrayContaining([
        { id: 'C0DEPLOYS', name: 'deploys', isPrivate: false },
        { id: 'C0INCIDENT', name: 'incident', isPrivate: false },
        { id: 'C0GENERAL', name: 'general', isPrivate: false },
      ]),
    );
    expect(s.commands).toEqual(COMMANDS);
    expect(s.controls).toEqual([
      {
        id: 'fail-next',
        label: 'Fail the next rollout',
        description: CONTROLS[0]!.description,
        params: CONTROLS[0]!.params,
      },
      { id: 'reset', label: 'Reset all state', params: [] },
      { id: 'broken', label: 'Broken', params: [] },
    ]);
    expect(s.messages).toEqual([]);
    expect(s.seq).toEqual(expect.any(Number));
  });

  it('sends a slash command to the bot, signed, and shows its ephemeral reply', async () => {
    const res = await postJson('/console/api/command', {
      user: 'U0ALICE',
      channel: '#deploys',
      text: '/deploy api prod',
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true, status: 200 });
    expect(received).toHaveLength(1);
    expect(signedBySlack(received[0]!)).toBe(true);
    expect(Object.fromEntries(received[0]!.form)).toMatchObject({
      command: '/deploy',
      text: 'api prod',
      user_id: 'U0ALICE',
      channel_id: 'C0DEPLOYS',
    });
    expect((await state()).messages).toEqual([
      expect.objectContaining({
        channel: 'C0DEPLOYS',
        ephemeralTo: 'U0ALICE',
        botId: 'B0OPSDECK',
        text: ':hourglass_flowing_sand: Deploying api prod…',
        source: 'response_url',
      }),
    ]);
  });

  it.each([
    ['/ops audit --actor @alice in #deploys', 'audit --actor <@U0ALICE|alice> in <#C0DEPLOYS|deploys>'],
    ['/deploy api prod --reason "@alice & co"', 'api prod --reason "@alice & co"'],
  ])('escapes %j as its manifest entry says (should_escape)', async (typed, sent) => {
    const res = await postJson('/console/api/command', { user: 'U0BOB', channel: '#deploys', text: typed });
    expect(res.status).toBe(200);
    expect(received.at(-1)?.form.get('text')).toBe(sent);
  });

  it('posts other text as the person, in the channel or a thread, without involving the bot', async () => {
    const res = await postJson('/console/api/command', {
      user: 'U0CAROL',
      channel: 'C0INCIDENT',
      text: 'anyone on this?',
    });
    const { ok, message } = await json<{ ok: boolean; message: ConsoleMessage }>(res);
    expect([res.status, ok]).toEqual([200, true]);
    expect(message).toMatchObject({ channel: 'C0INCIDENT', user: 'U0CAROL', text: 'anyone on this?', source: 'user' });
    const reply = await postJson('/console/api/command', {
      user: 'U0BOB',
      channel: 'C0INCIDENT',
      text: 'on it',
      threadTs: message.ts,
    });
    expect((await json(reply)).message).toMatchObject({ user: 'U0BOB', threadTs: message.ts });
    const orphan = await postJson('/console/api/command', {
      user: 'U0BOB',
      channel: 'C0INCIDENT',
      text: 'x',
      threadTs: '1.000001',
    });
    expect(orphan.status).toBe(400);
    expect(received).toEqual([]);
  });

  it('keeps people out of ephemeral messages that are not theirs', async () => {
    await postJson('/console/api/command', { user: 'U0ALICE', channel: 'C0DEPLOYS', text: '/deploy api prod' });
    const ephemeral = (await state()).messages[0]!;
    const underIt = await postJson('/console/api/command', {
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      text: 'x',
      threadTs: ephemeral.ts,
    });
    expect([underIt.status, (await json(underIt)).message]).toEqual([
      400,
      `no message ${ephemeral.ts} in C0DEPLOYS to reply to`,
    ]);
    const click = { channel: 'C0DEPLOYS', messageTs: ephemeral.ts, actionId: 'opsdeck.anything' };
    expect((await postJson('/console/api/action', { ...click, user: 'U0BOB' })).status).toBe(404);
    expect((await postJson('/console/api/action', { ...click, user: 'U0ALICE' })).status).toBe(200);
  });

  it('refuses an unknown slash command without calling the bot', async () => {
    const res = await postJson('/console/api/command', { user: 'U0ALICE', channel: 'C0DEPLOYS', text: '/deplyo api' });
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({
      ok: false,
      error: 'unknown_command',
      message: expect.stringMatching(/^\/deplyo is not a valid command/),
    });
    expect(received).toEqual([]);
  });

  it('answers 502 when the bot cannot be reached', async () => {
    const botUrl = `http://127.0.0.1:${(bot.address() as AddressInfo).port}/slack/events`;
    slack.setBotUrl(`http://127.0.0.1:${await freePort()}/slack/events`);
    try {
      const res = await postJson('/console/api/command', { user: 'U0ALICE', channel: 'C0DEPLOYS', text: '/ops help' });
      expect(res.status).toBe(502);
      expect(await json(res)).toMatchObject({ ok: false, error: 'bot_unreachable' });
    } finally {
      slack.setBotUrl(botUrl);
    }
  });

  it('forwards a button click as a signed block action from the clicking user', async () => {
    const posted = await web.chat.postMessage({
      channel: 'C0DEPLOYS',
      text: 'Approve?',
      blocks: [
        {
          type: 'actions',
          block_id: 'approval',
          elements: [
            {
              type: 'button',
              action_id: 'opsdeck.approve',
              text: { type: 'plain_text', text: 'Approve' },
              value: 'req-1',
              style: 'primary',
            },
          ],
        },
      ],
    });
    const body = {
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      messageTs: posted.ts,
      actionId: 'opsdeck.approve',
      value: 'req-1',
    };
    const res = await postJson('/console/api/action', body);
    expect(await json(res)).toEqual({ ok: true, status: 200 });
    expect(signedBySlack(received[0]!)).toBe(true);
    const payload = JSON.parse(received[0]!.form.get('payload') ?? 'null');
    expect(payload.user.id).toBe('U0BOB');
    expect(payload.container).toMatchObject({ message_ts: posted.ts, channel_id: 'C0DEPLOYS' });
    expect(payload.actions[0]).toMatchObject({ action_id: 'opsdeck.approve', value: 'req-1', block_id: 'approval' });

    const missing = await postJson('/console/api/action', { ...body, messageTs: '1.000001' });
    expect([missing.status, (await json(missing)).error]).toEqual([404, 'message_not_found']);
  });

  it('runs a control with its params and returns its text', async () => {
    const res = await postJson('/console/api/control', { id: 'fail-next', params: { service: 'web', env: 'prod' } });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true, text: 'The next rollout of web in prod will fail.' });
    expect(controlRuns).toEqual([{ service: 'web', env: 'prod' }]);

    slack.postUserMessage({ user: 'U0ALICE', channel: 'C0GENERAL', text: 'hi' });
    expect(await json(await postJson('/console/api/control', { id: 'reset' }))).toEqual({
      ok: true,
      text: 'Everything is back to the start.',
    });
    expect((await state()).messages).toEqual([]);

    const failed = await postJson('/console/api/control', { id: 'broken', params: {} });
    expect(failed.status).toBe(500);
    expect(await json(failed)).toEqual({ ok: false, error: 'control_failed', message: 'cluster unreachable' });
    const unknown = await postJson('/console/api/control', { id: 'nope' });
    expect([unknown.status, (await json(unknown)).error]).toEqual([404, 'unknown_control']);
  });

  it.each([
    ['command', 'not json', /JSON/],
    ['command', '[1, 2]', /JSON object/],
    ['command', { channel: 'C0DEPLOYS', text: 'hi' }, /user must be a non-empty string/],
    ['command', { user: 'U0NOBODY', channel: 'C0DEPLOYS', text: 'hi' }, /unknown user U0NOBODY/],
    ['command', { user: 'U0OPSDECK', channel: 'C0DEPLOYS', text: 'hi' }, /unknown user U0OPSDECK/],
    ['command', { user: 'U0ALICE', channel: '#nowhere', text: 'hi' }, /unknown channel #nowhere/],
    ['command', { user: 'U0ALICE', channel: 'C0DEPLOYS', text: '   ' }, /text must not be empty/],
    ['command', { user: 'U0ALICE', channel: 'C0DEPLOYS', text: 42 }, /text must be a non-empty string/],
    ['action', { user: 'U0ALICE', channel: 'C0DEPLOYS', messageTs: '1.000001' }, /actionId/],
    ['action', { user: 'U0ALICE', channel: 'C0DEPLOYS', messageTs: '1.000001', actionId: 'a', value: 7 }, /value/],
    ['control', { params: {} }, /id must be a non-empty string/],
    ['control', { id: 'fail-next', params: 'web' }, /params must be an object/],
    ['control', { id: 'fail-next', params: { service: 'db', env: 'prod' } }, /service must be one of api, web, worker/],
    ['control', { id: 'fail-next', params: { service: 'api' } }, /env must be one of staging, prod/],
    ['control', { id: 'fail-next', params: { service: 'api', env: 'prod', region: 'eu' } }, /takes no param region/],
  ])('answers 400 to a bad %s body: %j', async (endpoint, body, message) => {
    const res = await postJson(`/console/api/${endpoint}`, body);
    expect(res.status).toBe(400);
    const reply = await json(res);
    expect(reply).toMatchObject({ ok: false, error: 'invalid_request' });
    expect(reply.message).toMatch(message);
    expect(received).toEqual([]);
    expect(controlRuns).toEqual([]);
  });

  it('answers 405 to the wrong method and 404 to an unknown endpoint', async () => {
    const wrong = await api('/console/api/command');
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await postJson('/console/api/state', {})).status).toBe(405);
    expect((await api('/console/api/nothing')).status).toBe(404);
  });

  it('describes files with a preview and a download link', async () => {
    await web.filesUploadV2({
      channel_id: 'C0INCIDENT',
      filename: 'api-prod.log',
      content: 'line 1\nline 2\nline 3\n',
    });
    const message = (await state()).messages[0]!;
    expect(message.files).toEqual([
      {
        id: expect.any(String),
        name: 'api-prod.log',
        title: 'api-prod.log',
        size: 21,
        preview: 'line 1\nline 2\nline 3\n',
        url: expect.stringMatching(/^\/files\/F/),
      },
    ]);
    expect(await (await api(message.files![0]!.url)).text()).toBe('line 1\nline 2\nline 3\n');
  });
});
