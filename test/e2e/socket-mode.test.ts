import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.ts';

let h: Harness;
// Every test starts its own bot, so each one runs alone and none inherits another's leftovers.
beforeEach(async () => {
  h = await startHarness({ socketMode: true });
});
afterEach(async () => {
  await h?.stop();
});

describe('Socket Mode (SLACK_APP_TOKEN)', () => {
  it('opens its connection through SLACK_API_URL with the app token', () => {
    expect(h.slack.calls('apps.connections.open')).toHaveLength(1);
    expect(h.slack.socketCount()).toBe(1);
  });

  it('acks slash commands over the socket and answers through response_url', async () => {
    const before = h.slack.messages({ visibleTo: 'U0BOB' }).length;
    const res = await h.slack.sendSlashCommand({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      command: '/ops',
      text: 'whoami',
      transport: 'socket',
    });
    expect(res.status).toBe(200);
    const reply = await h.slack.waitFor(() => h.slack.messages({ visibleTo: 'U0BOB' })[before]);
    expect(textOf(reply)).toContain('*sre*');
  });

  it('still serves health and metrics over HTTP', async () => {
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.baseUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${h.baseUrl}/metrics`)).text()).toContain('opsdeck_commands_total');
  });
});
