import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../src/sandbox/slack/signing.ts';
import { WEEKDAY } from '../helpers/clock.ts';
import { SIGNING_SECRET, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
const T0 = WEEKDAY.getTime();

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.stop();
});

const replies = (user: string) => h.slack.messages({ visibleTo: user }).filter((m) => m.source === 'response_url');

async function auditActions(): Promise<string[]> {
  const store = h.openStore();
  try {
    return (await store.queryAudit({ limit: 100 })).map((r) => r.action);
  } finally {
    await store.close();
  }
}

/** Posts a body signed like Slack would, at `stampSeconds`, straight to the bot. */
async function postSigned(body: string, stampSeconds: number): Promise<Response> {
  return fetch(`${h.baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(stampSeconds),
      'x-slack-signature': signSlackRequest(SIGNING_SECRET, stampSeconds, body),
    },
    body,
  });
}

describe('the Slack endpoint', () => {
  it('runs a replayed slash command once: the replay is answered 200 and has no second effect', async () => {
    await h.run('U0BOB', '/ops', 'lock api staging replay test');
    const before = await auditActions();
    const replayed = await h.slack.replayLast();
    expect(replayed.status).toBe(200);
    await h.run('U0BOB', '/ops', 'whoami');
    const after = await auditActions();
    expect(after.filter((a) => a === 'lock.acquired')).toHaveLength(1);
    expect(after.length).toBe(before.length + 1);
    expect(replies('U0BOB').filter((m) => m.text.includes('is already locked'))).toEqual([]);
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/opsdeck_slack_duplicate_deliveries_total 1/);
  });

  it('clicks a replayed button once', async () => {
    const shown = await h.run('U0ALICE', '/runbook', 'api 5xx errors');
    const status = (
      shown.blocks as { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[]
    )
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.text.text === '/ops status api prod')!;
    await h.slack.sendBlockAction({
      user: 'U0ALICE',
      channel: shown.channel,
      messageTs: shown.ts,
      actionId: status.action_id,
      value: status.value,
    });
    await h.slack.waitFor(() => replies('U0ALICE').find((m) => m.text.includes('Status of api')));
    expect((await h.slack.replayLast()).status).toBe(200);
    await h.run('U0ALICE', '/ops', 'whoami');
    expect(replies('U0ALICE').filter((m) => m.text.includes('Status of api'))).toHaveLength(1);
  });

  it.each([
    ['stamped 6 minutes ago', -360],
    ['stamped 6 minutes in the future', 360],
  ])('refuses a request %s with 401 and runs nothing', async (_label, offset) => {
    const stamp = Math.floor(T0 / 1000) + offset;
    const res = await h.slack.sendSlashCommand({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      command: '/ops',
      text: 'lock api staging skewed',
      timestamp: stamp,
    });
    expect(res.status).toBe(401);
    await h.run('U0BOB', '/ops', 'whoami');
    expect(await auditActions()).not.toContain('lock.acquired');
  });

  it('refuses a bad signature with 401', async () => {
    const res = await h.slack.sendSlashCommand({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      command: '/ops',
      text: 'whoami',
      signingSecret: 'not-the-secret',
    });
    expect(res.status).toBe(401);
  });

  it.each([
    [
      'a block_actions payload without user',
      {
        payload: JSON.stringify({
          type: 'block_actions',
          trigger_id: '1.2.3',
          actions: [{ action_id: 'opsdeck.request.approve', value: 'req_x' }],
        }),
      },
      'user',
    ],
    ['a block_actions payload that is not JSON', { payload: '{"type":' }, 'not JSON'],
    [
      'a slash command without user_id',
      {
        command: '/ops',
        text: 'whoami',
        channel_id: 'C0DEPLOYS',
        trigger_id: '1.2.3',
        response_url: 'https://hooks.slack.com/commands/x',
      },
      'user_id',
    ],
  ])('answers a signed request with %s with 400', async (_label, fields, named) => {
    const res = await postSigned(new URLSearchParams(fields).toString(), Math.floor(T0 / 1000));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(named);
  });
});
