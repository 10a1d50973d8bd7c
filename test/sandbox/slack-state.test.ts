import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCall, SlackEmulator, type StoredMessage } from '../../src/sandbox/slack/index.ts';

const BOT_TOKEN = 'xoxb-state';
let slack: SlackEmulator;
let web: WebClient;

beforeAll(async () => {
  slack = await SlackEmulator.start({ signingSecret: 's', botToken: BOT_TOKEN });
  web = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, logLevel: LogLevel.ERROR });
});
afterEach(() => slack.reset());
afterAll(() => slack.close());

describe('Slack emulator state', () => {
  it('emits message, update, call and reset events', async () => {
    const seen: string[] = [];
    const onMessage = (m: StoredMessage) => seen.push(`message:${m.text}`);
    const onUpdate = (m: StoredMessage) => seen.push(`update:${m.text}`);
    const onCall = (c: ApiCall) => seen.push(`call:${c.method}`);
    const onReset = () => seen.push('reset');
    slack.on('message', onMessage).on('update', onUpdate).on('call', onCall).on('reset', onReset);
    try {
      const posted = await web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'a' });
      await web.chat.update({ channel: 'C0DEPLOYS', ts: posted.ts!, text: 'b' });
      slack.reset();
    } finally {
      slack.off('message', onMessage).off('update', onUpdate).off('call', onCall).off('reset', onReset);
    }
    expect(seen).toEqual(['call:chat.postMessage', 'message:a', 'call:chat.update', 'update:b', 'reset']);
    expect(slack.messages()).toEqual([]);
    expect(slack.calls()).toEqual([]);
  });

  it('records user messages for the console', () => {
    const m = slack.postUserMessage({ user: 'U0CAROL', channel: '#incident', text: 'anyone on this?' });
    expect(m).toMatchObject({ channel: 'C0INCIDENT', user: 'U0CAROL', source: 'user', text: 'anyone on this?' });
    expect(() => slack.postUserMessage({ user: 'U0NOBODY', channel: 'C0INCIDENT', text: 'x' })).toThrow(/U0NOBODY/);
  });

  it('returns copies, so callers cannot change stored state', async () => {
    await web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'original' });
    const [copy] = slack.messages();
    if (copy) copy.text = 'tampered';
    expect(slack.messages()[0]?.text).toBe('original');
  });
});

describe('waitFor', () => {
  it('resolves with the first truthy value once a later change makes it true', async () => {
    const waiting = slack.waitFor(() => slack.messages({ channel: 'C0INCIDENT' }).find((m) => m.text === 'done'));
    await web.chat.postMessage({ channel: 'C0INCIDENT', text: 'working' });
    await web.chat.postMessage({ channel: 'C0INCIDENT', text: 'done' });
    expect(await waiting).toMatchObject({ channel: 'C0INCIDENT', text: 'done' });
  });

  it('resolves at once when already true, and treats a throwing check as not yet', async () => {
    await web.chat.postMessage({ channel: 'C0GENERAL', text: 'hello' });
    expect(await slack.waitFor(() => slack.messages()[0]?.text)).toBe('hello');
    const waiting = slack.waitFor(() => slack.messages({ channel: 'C0DEPLOYS' })[0]!.text);
    await web.chat.postMessage({ channel: 'C0DEPLOYS', text: 'there' });
    expect(await waiting).toBe('there');
  });

  it('rejects on timeout, describing the latest messages', async () => {
    await web.chat.postEphemeral({ channel: 'C0DEPLOYS', user: 'U0ALICE', text: 'needs role sre for deploy:api:prod' });
    const error = await slack.waitFor(() => false, { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/timed out after 20 ms/);
    expect((error as Error).message).toMatch(
      /C0DEPLOYS api \[ephemeral to U0ALICE\]: "needs role sre for deploy:api:prod"/,
    );
  });

  it('stops listening once settled', async () => {
    const before = slack.listenerCount('message');
    await slack.waitFor(() => true);
    await slack.waitFor(() => false, { timeoutMs: 1 }).catch(() => undefined);
    expect(slack.listenerCount('message')).toBe(before);
  });
});
