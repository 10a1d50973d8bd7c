import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.ts';
import { BOT_TOKEN, SIGNING_SECRET, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
// Every test starts its own bot, so each one runs alone and none inherits another's leftovers.
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.stop();
});

describe('operational endpoints on the bot HTTP server', () => {
  it('/healthz answers 200', async () => {
    const res = await fetch(`${h.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
  });

  it('/readyz answers 200 once Slack accepts the token, while the store is reachable', async () => {
    expect(
      await eventually(async () => (await fetch(`${h.baseUrl}/readyz`)).status === 200, '/readyz to answer 200'),
    ).toBe(true);
  });

  it('/metrics counts commands by name and outcome and records ack latency', async () => {
    await h.run('U0BOB', '/ops', 'whoami');
    await h.run('U0CAROL', '/ops', 'audit');
    await h.run('U0BOB', '/ops', 'bogus');
    const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(text).toMatch(/opsdeck_commands_total\{command="\/ops whoami",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/opsdeck_commands_total\{command="\/ops audit",outcome="denied"\} [1-9]/);
    expect(text).toMatch(/opsdeck_commands_total\{command="\/ops",outcome="invalid"\} [1-9]/);
    expect(text).toMatch(/opsdeck_ack_seconds_count\{kind="command"\} [1-9]/);
  });
});

describe('logs', () => {
  it('are JSON lines that never contain the bot token or signing secret', async () => {
    await h.run('U0BOB', '/ops', `whoami`);
    await h.run('U0BOB', '/ops', `help ${BOT_TOKEN}`);
    expect(h.logs.length).toBeGreaterThan(3);
    for (const line of h.logs) expect(() => JSON.parse(line)).not.toThrow();
    const all = h.logs.join('');
    expect(all).toContain('command finished');
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(SIGNING_SECRET);
  });

  it('does not echo a pasted secret back into the audit log', async () => {
    await h.run('U0BOB', '/ops', `help password=hunter2hunter2`);
    const store = h.openStore();
    const [last] = await store.queryAudit({ actor: 'U0BOB', limit: 1 });
    await store.close();
    expect(JSON.stringify(last)).not.toContain('hunter2hunter2');
    expect(JSON.stringify(last)).toContain('[REDACTED]');
  });
});
