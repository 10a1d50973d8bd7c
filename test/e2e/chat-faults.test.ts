import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeSummary } from '../../src/core/changes/request-envelope.ts';
import { plainText } from '../../src/core/text.ts';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { startHarness, textOf, type Harness } from '../helpers/harness.ts';
import { closedPort } from '../helpers/redis-relay.ts';
import { newRequest } from '../helpers/requests.ts';

// A weekday morning, outside the example config's freezes; it runs at real speed from there.

let world: Backends;
beforeAll(async () => {
  world = await startBackends();
});
afterAll(async () => {
  await world?.close();
});

describe('posting requests while Redis is down', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backends: world, redisUrl: `redis://127.0.0.1:${await closedPort()}` });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('still posts approval requests, paced locally, warns once per outage and counts it', async () => {
    const first = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    expect(textOf(first)).toContain('Waiting for 1 approval from `sre`');
    const second = await newRequest(h, 'U0BOB', '/scale', 'api prod 4', 'Scale api in prod');
    expect(second.ts).not.toBe(first.ts);
    expect(
      h.slack
        .messages({ visibleTo: 'U0ALICE' })
        .map((m) => m.text)
        .join('\n'),
    ).not.toContain('Invite the bot');

    const warnings = h.logs.filter((line) => line.includes('Redis is unreachable'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, component: 'rate-limits' });
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^opsdeck_rate_limits_shared 0$/m);
    const posts = /^opsdeck_rate_limited_locally_total\{limit="slack-post"\} (\d+)$/m.exec(metrics)?.[1];
    expect(Number(posts)).toBeGreaterThanOrEqual(2);
  });
});

describe('posting a request Slack refuses', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backends: world });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('asks for an invite only when the bot is not in the channel', async () => {
    for (const error of ['not_in_channel', 'channel_not_found']) {
      h.slack.failMethod('chat.postMessage', { error }, 1);
      const reply = await h.run('U0ALICE', '/deploy', 'api prod v1.2.0');
      expect(reply.text).toContain(
        'Could not post to this channel, so nothing was changed. Invite the bot with `/invite @opsdeck`',
      );
    }
  });

  it('says what Slack said for any other failure, and stores it with the failed request', async () => {
    h.slack.failMethod('chat.postMessage', { error: 'is_archived' }, 1);
    const archived = await h.run('U0ALICE', '/deploy', 'api prod v1.2.0');
    expect(archived.text).toContain(
      'Could not post the request to this channel, so nothing was changed: ' +
        'Slack refused chat.postMessage: is_archived.',
    );
    expect(archived.text).not.toContain('Invite');

    h.slack.failMethod('chat.postMessage', { status: 500 });
    try {
      const down = await h.run('U0ALICE', '/deploy', 'api prod v1.2.0');
      expect(down.text).toContain('nothing was changed: Slack answered chat.postMessage with HTTP 500.');
      expect(down.text).not.toContain('Invite');
    } finally {
      h.slack.clearFailures();
    }

    const store = h.openStore();
    try {
      const failed = (await store.listRequests({ states: ['failed'] })).map((r) => plainText(outcomeSummary(r) ?? ''));
      expect(failed).toContain(
        'Could not post the request to the channel: Slack refused chat.postMessage: is_archived.',
      );
    } finally {
      await store.close();
    }
  });
});
