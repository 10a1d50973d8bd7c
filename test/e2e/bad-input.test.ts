import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startHarness, textOf, type Harness } from '../helpers/harness.ts';

let h: Harness;
// Every test starts its own bot, so each one runs alone and none inherits another's leftovers.
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.stop();
});

describe('requests not signed by Slack', () => {
  it.each([
    ['a forged signature', { signingSecret: 'not-the-secret' }],
    ['a timestamp older than 5 minutes', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
    ['a garbage signature', { signature: 'v0=deadbeef' }],
  ])('rejects %s with 401 and runs nothing', async (_label, overrides) => {
    const before = await h.auditCount();
    const messages = h.slack.messages().length;
    const res = await h.slack.sendSlashCommand({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      command: '/ops',
      text: 'whoami',
      ...overrides,
    });
    expect(res.status).toBe(401);
    const action = await h.slack.sendBlockAction({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      messageTs: '1.000001',
      actionId: 'opsdeck.approve',
      value: 'req_x',
      ...overrides,
    });
    expect(action.status).toBe(401);
    expect(await h.auditCount()).toBe(before);
    expect(h.slack.messages()).toHaveLength(messages);
  });

  it('uses the real secret in the happy path (so the cases above fail for the stated reason)', async () => {
    const before = h.slack.messages({ visibleTo: 'U0BOB' }).length;
    const res = await h.slack.sendSlashCommand({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      command: '/ops',
      text: 'whoami',
      signingSecret: SIGNING_SECRET,
    });
    expect(res.status).toBe(200);
    const reply = await h.slack.waitFor(() => h.slack.messages({ visibleTo: 'U0BOB' })[before]);
    expect(reply.text).toContain('You are <@U0BOB>');
  });
});

describe('bad input gets a clear ephemeral answer and changes nothing', () => {
  it.each([
    ['an unknown command', '/deploi', 'api prod', /Unknown command `\/deploi`/],
    ['an unknown subcommand', '/ops', 'hlep', /Did you mean `\/ops help`/],
    ['an unknown service', '/ops', 'audit apu prod', /Unknown service `apu`. Did you mean `api`\?/],
    ['an unknown environment', '/ops', 'audit api prdo', /Unknown environment `prdo`. Did you mean `prod`\?/],
    ['a bad --since value', '/ops', 'audit worker staging --since nonsense', /Invalid --since: expected a duration/],
    ['an extra argument', '/ops', 'whoami now please', /Unexpected arguments `now` `please`/],
    ['an unknown flag', '/ops', 'audit --snice 1h', /Unknown option `--snice`. Did you mean `--since`\?/],
    ['a flag without its value', '/ops', 'audit --since', /`--since` needs a value/],
    ['a bad value', '/ops', 'audit --before ten', /Invalid --before/],
    ['an actor typed without a mention', '/ops', 'audit --actor alice', /mention the person/],
    ['absurdly long text', '/ops', `audit ${'x'.repeat(10_000)}`, /too long/],
    ['control characters', '/ops', 'whoami \u0000\u001b[31m', /control characters/],
    ['an unclosed quote', '/ops', 'help "deploy', /Unclosed quote/],
  ])('%s', async (_label, command, text, expected) => {
    const before = await h.auditCount();
    const reply = await h.run('U0BOB', command, text);
    expect(reply.ephemeralTo).toBe('U0BOB');
    expect(textOf(reply)).toMatch(expected);
    expect(await h.auditCount()).toBe(before);
  });

  it('shows usage with argument errors', async () => {
    const reply = await h.run('U0BOB', '/ops', 'audit --snice 1h');
    // Escaped, so Slack shows the placeholder as written instead of reading `<duration|ISO time>` as a link.
    expect(reply.text).toContain('Usage: `/ops audit [service] [env] [--since &lt;duration|ISO time&gt;]');
  });
});
