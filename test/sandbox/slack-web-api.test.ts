import { ErrorCode, LogLevel, WebClient, type WebAPICallError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/sandbox/slack/index.ts';

const BOT_TOKEN = 'xoxb-test-token';
let slack: SlackEmulator;
let web: WebClient;

const client = (token = BOT_TOKEN, options: ConstructorParameters<typeof WebClient>[1] = {}): WebClient =>
  new WebClient(token, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
    ...options,
  });

/** The Slack error code a rejected WebClient call carries. */
async function slackError(call: Promise<unknown>): Promise<string> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as WebAPICallError & { data?: { error?: string } };
  expect(error?.code).toBe(ErrorCode.PlatformError);
  return error.data?.error ?? '';
}

beforeAll(async () => {
  slack = await SlackEmulator.start({ signingSecret: 'secret', botToken: BOT_TOKEN });
  web = client();
});
afterEach(() => {
  slack.reset();
  slack.clearFailures();
});
afterAll(() => slack.close());

describe('Slack emulator Web API', () => {
  it('answers auth.test for the bot user', async () => {
    const res = await web.auth.test();
    expect(res).toMatchObject({
      ok: true,
      url: 'https://opsdeck-sandbox.slack.com/',
      team: 'opsdeck sandbox',
      user: 'opsdeck',
      team_id: 'T0OPSDECK',
      user_id: 'U0OPSDECK',
      bot_id: 'B0OPSDECK',
    });
  });

  it('posts messages with Slack-shaped, strictly increasing timestamps and parsed blocks', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*deploy* api' } }];
    const first = await web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'one', blocks });
    const second = await web.chat.postMessage({
      channel: '#deploys',
      text: 'two',
      thread_ts: first.ts!,
      unfurl_links: false,
    });
    expect(first).toMatchObject({ ok: true, channel: 'C0DEPLOYS', message: { text: 'one', bot_id: 'B0OPSDECK' } });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));

    expect(slack.messages({ channel: 'C0DEPLOYS' })).toEqual([
      expect.objectContaining({
        ts: first.ts,
        text: 'one',
        blocks,
        user: 'U0OPSDECK',
        botId: 'B0OPSDECK',
        source: 'api',
      }),
      expect.objectContaining({ ts: second.ts, text: 'two', threadTs: first.ts }),
    ]);
    expect(slack.messages({ threadTs: first.ts! }).map((m) => m.text)).toEqual(['two']);
    expect(slack.calls('chat.postMessage')[0]?.args).toMatchObject({ channel: 'C0DEPLOYS', text: 'one', blocks });
  });

  it('keeps timestamps unique when the clock stands still', async () => {
    const frozen = await SlackEmulator.start({ signingSecret: 's', botToken: BOT_TOKEN, now: () => 1_732_412_345_000 });
    try {
      const c = new WebClient(BOT_TOKEN, { slackApiUrl: frozen.apiUrl });
      const a = await c.chat.postMessage({ channel: 'C0GENERAL', text: 'a' });
      const b = await c.chat.postMessage({ channel: 'C0GENERAL', text: 'b' });
      expect([a.ts, b.ts]).toEqual(['1732412345.000000', '1732412345.000001']);
    } finally {
      await frozen.close();
    }
  });

  it('posts to a user id as the bot DM and reports it through conversations.info', async () => {
    const res = await web.chat.postMessage({ channel: 'U0BOB', text: 'psst' });
    expect(res.channel).toBe('D0BOB');
    const info = await web.conversations.info({ channel: 'D0BOB' });
    expect(info.channel).toMatchObject({ id: 'D0BOB', is_im: true, is_channel: false });
  });

  it('stores ephemeral messages visible only to their user', async () => {
    const res = await web.chat.postEphemeral({ channel: 'C0DEPLOYS', user: 'U0ALICE', text: 'only you' });
    await web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'everyone' });
    expect(res.ok).toBe(true);
    expect(res.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(slack.messages({ visibleTo: 'U0ALICE' }).map((m) => m.text)).toEqual(['only you', 'everyone']);
    expect(slack.messages({ visibleTo: 'U0BOB' }).map((m) => m.text)).toEqual(['everyone']);
    expect(slack.messages()[0]).toMatchObject({ ephemeralTo: 'U0ALICE', source: 'api' });
  });

  it('updates messages in place and marks them edited', async () => {
    const posted = await web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'pending', blocks: [{ type: 'divider' }] });
    const res = await web.chat.update({ channel: 'C0DEPLOYS', ts: posted.ts!, text: 'approved' });
    expect(res).toMatchObject({ ok: true, channel: 'C0DEPLOYS', ts: posted.ts, text: 'approved' });
    expect(slack.messages()).toEqual([
      expect.objectContaining({ ts: posted.ts, text: 'approved', blocks: [{ type: 'divider' }], edited: true }),
    ]);
  });

  it.each([
    ['chat.postMessage', { channel: 'C0NOPE', text: 'x' }, 'channel_not_found'],
    ['chat.postMessage', { channel: 'C0DEPLOYS' }, 'no_text'],
    ['chat.postMessage', { channel: 'C0DEPLOYS', blocks: '{not json' }, 'invalid_blocks_format'],
    ['chat.postEphemeral', { channel: 'C0DEPLOYS', user: 'U0NOBODY', text: 'x' }, 'user_not_found'],
    ['chat.update', { channel: 'C0DEPLOYS', ts: '1.000001', text: 'x' }, 'message_not_found'],
    ['users.info', { user: 'U0NOBODY' }, 'user_not_found'],
    ['usergroups.users.list', { usergroup: 'S0NOPE' }, 'no_such_subteam'],
    ['conversations.info', { channel: 'C0NOPE' }, 'channel_not_found'],
    ['files.completeUploadExternal', { files: [{ id: 'F0NOPE' }] }, 'file_not_found'],
    ['admin.users.list', {}, 'unknown_method'],
  ])('%s %j fails with %s', async (method, args, error) => {
    expect(await slackError(web.apiCall(method, args))).toBe(error);
  });

  it('refuses a token other than the bot token, as Slack does (HTTP 200, invalid_auth)', async () => {
    expect(await slackError(client('xoxb-wrong').auth.test())).toBe('invalid_auth');
    const res = await fetch(`${slack.apiUrl}auth.test`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('accepts JSON bodies and a token field', async () => {
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${BOT_TOKEN}` },
      body: JSON.stringify({ channel: 'C0INCIDENT', blocks: [{ type: 'divider' }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0INCIDENT' });
    const form = await fetch(`${slack.apiUrl}users.info`, {
      method: 'POST',
      body: new URLSearchParams({ token: BOT_TOKEN, user: 'U0CAROL' }),
    });
    expect(await form.json()).toMatchObject({ ok: true, user: { id: 'U0CAROL' } });
    expect(slack.calls('users.info')[0]?.args).toEqual({ user: 'U0CAROL' });
  });

  it('describes users, the bot user, usergroups and channels', async () => {
    const alice = await web.users.info({ user: 'U0ALICE' });
    expect(alice.user).toMatchObject({
      id: 'U0ALICE',
      name: 'alice',
      real_name: 'Alice Chen',
      tz: 'Europe/Berlin',
      is_bot: false,
      profile: { display_name: 'alice', real_name: 'Alice Chen' },
    });
    expect((await web.users.info({ user: 'U0OPSDECK' })).user?.is_bot).toBe(true);

    const groups = await web.usergroups.list();
    expect(groups.usergroups?.map((g) => [g.id, g.handle, g.users])).toEqual([
      ['S0SRE', 'sre-oncall', undefined],
      ['S0ENG', 'eng', undefined],
    ]);
    const withUsers = await web.usergroups.list({ include_users: true });
    expect(withUsers.usergroups?.map((g) => g.users)).toEqual([['U0BOB'], ['U0ALICE', 'U0DAVE']]);
    expect((await web.usergroups.users.list({ usergroup: 'S0ENG' })).users).toEqual(['U0ALICE', 'U0DAVE']);

    const channel = await web.conversations.info({ channel: 'C0INCIDENT' });
    expect(channel.channel).toMatchObject({ id: 'C0INCIDENT', name: 'incident', is_channel: true, is_private: false });
  });

  it('can be seeded with a custom workspace', async () => {
    const custom = await SlackEmulator.start({
      signingSecret: 's',
      botToken: BOT_TOKEN,
      workspace: {
        users: [{ id: 'U1', name: 'zed', realName: 'Zed Z' }],
        channels: [{ id: 'G1', name: 'secret-ops', isPrivate: true }],
      },
    });
    try {
      const c = new WebClient(BOT_TOKEN, { slackApiUrl: custom.apiUrl });
      expect((await c.conversations.info({ channel: 'G1' })).channel).toMatchObject({
        name: 'secret-ops',
        is_private: true,
      });
      expect((await c.users.info({ user: 'U1' })).user).toMatchObject({ name: 'zed', tz: 'UTC' });
      expect((await c.auth.test()).team_id).toBe('T0OPSDECK');
    } finally {
      await custom.close();
    }
  });

  it('uploads a file in two steps and records a file message with its content', async () => {
    const res = await web.filesUploadV2({
      channel_id: 'C0INCIDENT',
      thread_ts: '1732412345.000100',
      initial_comment: 'log snapshot',
      filename: 'api-prod.log',
      title: 'api prod logs',
      content: 'line 1\nline 2\n',
    });
    expect(res.ok).toBe(true);
    const [message] = slack.messages({ channel: 'C0INCIDENT' });
    expect(message).toMatchObject({ text: 'log snapshot', threadTs: '1732412345.000100', botId: 'B0OPSDECK' });
    expect(message?.files?.map((f) => [f.filename, f.title, f.content?.toString()])).toEqual([
      ['api-prod.log', 'api prod logs', 'line 1\nline 2\n'],
    ]);
    const fileId = message?.files?.[0]?.id ?? '';
    expect(slack.file(fileId)?.content?.toString()).toBe('line 1\nline 2\n');
    const download = await fetch(`${slack.url}/files/${fileId}`);
    expect(await download.text()).toBe('line 1\nline 2\n');
  });

  it('accepts raw bytes on the upload URL', async () => {
    const { upload_url, file_id } = await web.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
    expect(upload_url).toBe(`${slack.url}/upload/${file_id}`);
    const put = await fetch(upload_url!, { method: 'POST', body: 'abc' });
    expect(put.status).toBe(200);
    const done = await web.files.completeUploadExternal({
      files: [{ id: file_id!, title: 'A' }],
      channel_id: 'C0GENERAL',
    });
    expect(done.files).toEqual([expect.objectContaining({ id: file_id, title: 'A' })]);
    expect(slack.messages({ channel: 'C0GENERAL' })[0]?.files?.[0]?.content?.toString()).toBe('abc');
  });
});

describe('Slack emulator failure injection', () => {
  it('returns an injected Slack error the given number of times', async () => {
    slack.failMethod('chat.postMessage', { error: 'is_archived' }, 1);
    expect(await slackError(web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'x' }))).toBe('is_archived');
    expect((await web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'x' })).ok).toBe(true);
    expect(slack.calls('chat.postMessage')).toHaveLength(2);
  });

  it('rate-limits with Retry-After, which WebClient turns into a rate-limited error', async () => {
    slack.failMethod('chat.update', { status: 429, retryAfter: 7 });
    const limited = client(BOT_TOKEN, { rejectRateLimitedCalls: true });
    const error = await limited.chat
      .update({ channel: 'C0DEPLOYS', ts: '1.000001', text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });

    const raw = await fetch(`${slack.apiUrl}chat.update`, { method: 'POST' });
    expect([raw.status, raw.headers.get('retry-after'), await raw.json()]).toEqual([
      429,
      '7',
      { ok: false, error: 'ratelimited' },
    ]);
  });

  it('answers with an HTTP error status until cleared', async () => {
    slack.failMethod('users.info', { status: 500 });
    const error = await web.users.info({ user: 'U0ALICE' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    slack.clearFailures();
    expect((await web.users.info({ user: 'U0ALICE' })).ok).toBe(true);
  });
});
