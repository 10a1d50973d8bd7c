import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SlackEmulator } from '../../src/sandbox/slack/index.ts';

const BOT_TOKEN = 'xoxb-test-token';
let now = Date.parse('2026-11-25T10:00:00Z');
let slack: SlackEmulator;
let web: WebClient;

const modal = (title: string) => ({
  type: 'modal',
  callback_id: 'cb',
  title: { type: 'plain_text', text: title },
  blocks: [
    {
      type: 'input',
      block_id: 'why',
      label: { type: 'plain_text', text: 'Why' },
      element: { type: 'plain_text_input', action_id: 'why' },
    },
  ],
});

/** A trigger_id as a slash command gives the bot: the emulator hands them out per interaction. */
async function triggerFor(user: string): Promise<string> {
  let trigger = '';
  const server = await import('node:http').then(({ createServer }) =>
    createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        trigger = new URLSearchParams(body).get('trigger_id') ?? '';
        res.end();
      });
    }),
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as { port: number };
  slack.setBotUrl(`http://127.0.0.1:${address.port}/`);
  await slack.sendSlashCommand({ user, channel: 'C0DEPLOYS', command: '/deploy' });
  server.close();
  return trigger;
}

beforeAll(async () => {
  slack = await SlackEmulator.start({ signingSecret: 'secret', botToken: BOT_TOKEN, now: () => now });
  web = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
});
afterEach(() => slack.reset());
afterAll(() => slack.close());

const failure = (call: Promise<unknown>) =>
  call.then(
    () => 'ok',
    (e: { data?: { error?: string } }) => e.data?.error,
  );

describe('Slack emulator views', () => {
  it('publishes a home per user and refuses a stale hash', async () => {
    const first = await web.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [] } });
    expect(slack.home('U0ALICE')?.id).toBe(first.view?.id);
    expect(slack.home('U0BOB')).toBeUndefined();
    await web.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [{ type: 'divider' }] } });
    expect(
      await failure(
        web.views.publish({ user_id: 'U0ALICE', hash: first.view?.hash, view: { type: 'home', blocks: [] } }),
      ),
    ).toBe('hash_conflict');
    expect(await failure(web.views.publish({ user_id: 'U0NOBODY', view: { type: 'home', blocks: [] } }))).toBe(
      'user_not_found',
    );
  });

  it('opens a modal with a fresh trigger_id once, and not after 3 seconds', async () => {
    const trigger = await triggerFor('U0BOB');
    await web.views.open({ trigger_id: trigger, view: modal('One') as never });
    expect(slack.modal('U0BOB')?.view.title).toEqual({ type: 'plain_text', text: 'One' });
    expect(await failure(web.views.open({ trigger_id: trigger, view: modal('Again') as never }))).toBe(
      'invalid_trigger_id',
    );
    const late = await triggerFor('U0BOB');
    now += 3001;
    expect(await failure(web.views.open({ trigger_id: late, view: modal('Late') as never }))).toBe(
      'expired_trigger_id',
    );
  });

  it('updates a modal by id, refuses a stale hash, and closes it', async () => {
    const opened = await web.views.open({ trigger_id: await triggerFor('U0ALICE'), view: modal('One') as never });
    const viewId = opened.view?.id ?? '';
    await web.views.update({ view_id: viewId, view: modal('Two') as never });
    expect(slack.modal('U0ALICE')?.view.title).toEqual({ type: 'plain_text', text: 'Two' });
    expect(await failure(web.views.update({ view_id: viewId, hash: 'stale', view: modal('Three') as never }))).toBe(
      'hash_conflict',
    );
    slack.closeModal('U0ALICE');
    expect(slack.modal('U0ALICE')).toBeUndefined();
  });
});
