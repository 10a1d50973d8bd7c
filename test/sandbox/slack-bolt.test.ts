import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/sandbox/slack/index.ts';

const SIGNING_SECRET = 'bolt-signing-secret';
const BOT_TOKEN = 'xoxb-bolt';
let slack: SlackEmulator;
let app: App;

beforeAll(async () => {
  slack = await SlackEmulator.start({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN });
  app = new App({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    clientOptions: { slackApiUrl: slack.apiUrl },
    logLevel: LogLevel.ERROR,
  });
  app.command('/ops', async ({ ack, respond }) => {
    await ack();
    await respond('hi');
  });
  app.action('opsdeck.approve', async ({ ack, respond, body }) => {
    await ack();
    await respond({ replace_original: true, text: `approved by <@${body.user.id}>` });
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  slack.setBotUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
});
afterAll(async () => {
  await app.stop();
  await slack.close();
});

describe('Slack emulator with a real Bolt app', () => {
  it('delivers a slash command that Bolt verifies, and receives its respond()', async () => {
    const res = await slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops', text: 'help' });
    expect(res.status).toBe(200);
    const reply = await slack.waitFor(() => slack.messages({ visibleTo: 'U0ALICE' }).find((m) => m.text === 'hi'));
    expect(reply).toMatchObject({ channel: 'C0DEPLOYS', ephemeralTo: 'U0ALICE', source: 'response_url' });
    expect(slack.messages({ visibleTo: 'U0BOB' })).toEqual([]);
    expect(slack.calls('auth.test').length).toBeGreaterThan(0);
  });

  it('delivers a button click that Bolt routes by action_id, and applies replace_original', async () => {
    const posted = await app.client.chat.postMessage({
      channel: 'C0DEPLOYS',
      text: 'deploy api to prod?',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'opsdeck.approve',
              text: { type: 'plain_text', text: 'Approve' },
              value: 'req_1',
            },
          ],
        },
      ],
    });
    const res = await slack.sendBlockAction({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      messageTs: posted.ts!,
      actionId: 'opsdeck.approve',
    });
    expect(res.status).toBe(200);
    const replaced = await slack.waitFor(() =>
      slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.ts === posted.ts && m.edited),
    );
    expect(replaced.text).toBe('approved by <@U0BOB>');
  });

  it('is refused by Bolt when the signature is forged', async () => {
    const res = await slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/ops',
      text: 'help',
      signingSecret: 'forged',
    });
    expect(res.status).toBe(401);
  });
});
