import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.ts';

let h: Harness;
// Every test starts its own bot, so each one runs alone and none inherits another's leftovers.
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.stop();
});

describe('/ops through signed Slack requests', () => {
  it('acks /ops help with a 200 and lists what a developer may run', async () => {
    const res = await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/ops',
      text: 'help',
    });
    expect(res.status).toBe(200);
    const reply = await h.slack.waitFor(() => h.slack.messages({ visibleTo: 'U0ALICE' }).at(-1));
    expect(reply.ephemeralTo).toBe('U0ALICE');
    const text = textOf(reply);
    expect(text).toContain('/ops whoami');
    expect(text).toContain('/ops audit');
    expect(text).toContain('`developer`');
  });

  it('hides commands a viewer may not run', async () => {
    const text = textOf(await h.run('U0CAROL', '/ops', 'help'));
    expect(text).toContain('/ops whoami');
    expect(text).not.toContain('/ops audit');
  });

  it('/ops alone shows help', async () => {
    expect(textOf(await h.run('U0BOB', '/ops', ''))).toContain('commands you can run');
  });

  it('/ops help <command> explains one command', async () => {
    const text = textOf(await h.run('U0BOB', '/ops', 'help ops audit'));
    expect(text).toContain('--since');
    expect(text).toContain('Examples');
  });

  it('/ops help logs shows the letters of its flags', async () => {
    const text = textOf(await h.run('U0BOB', '/ops', 'help logs'));
    expect(text).toContain('[-f|--follow]');
    expect(text).toContain('`-f`, `--follow`: keep posting new lines');
    expect(text).toContain('`-n`, `--lines`: how many lines');
  });

  it('/ops whoami shows roles from user ids and user groups', async () => {
    const bob = textOf(await h.run('U0BOB', '/ops', 'whoami'));
    expect(bob).toContain('*sre*');
    expect(bob).toContain('approve');
    const dave = textOf(await h.run('U0DAVE', '/ops', 'whoami'));
    expect(dave).toContain('*developer*');
    expect(dave).toContain('deploy:*:*');
    const nobody = textOf(await h.run('U0ERIN', '/ops', 'whoami'));
    expect(nobody).toContain('no opsdeck role');
  });

  it('/ops audit lists entries newest first, with filters', async () => {
    await h.run('U0ALICE', '/ops', 'whoami');
    await h.run('U0DAVE', '/ops', 'help');
    await h.run('U0BOB', '/ops', 'whoami');
    const text = textOf(await h.run('U0BOB', '/ops', 'audit --since 1h'));
    expect(text).toContain('command.accepted');
    const seqs = [...text.matchAll(/`#(\d+)`/g)].map((m) => Number(m[1]));
    expect(seqs.length).toBeGreaterThan(2);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    const mine = textOf(await h.run('U0BOB', '/ops', 'audit --actor <@U0ALICE|alice>'));
    expect(mine).toContain('<@U0ALICE>');
    expect(mine).not.toContain('<@U0BOB>');
  });

  it('/ops audit pages with --before', async () => {
    for (let i = 0; i < 22; i++) await h.run('U0DAVE', '/ops', 'whoami');
    const first = textOf(await h.run('U0BOB', '/ops', 'audit --actor <@U0DAVE|dave>'));
    const next = /--before (\d+)/.exec(first);
    expect(next).not.toBeNull();
    const second = textOf(await h.run('U0BOB', '/ops', `audit --actor <@U0DAVE|dave> --before ${next![1]}`));
    const firstSeqs = [...first.matchAll(/`#(\d+)`/g)].map((m) => Number(m[1]));
    const secondSeqs = [...second.matchAll(/`#(\d+)`/g)].map((m) => Number(m[1]));
    expect(Math.max(...secondSeqs)).toBeLessThan(Math.min(...firstSeqs));
  });

  it('denies /ops audit to a viewer, names the missing role, and audits the denial', async () => {
    const text = textOf(await h.run('U0CAROL', '/ops', 'audit api prod'));
    expect(text).toContain("can't run");
    expect(text).toContain('`sre`');
    expect(text).toContain('audit:api:prod');
    const store = h.openStore();
    const [last] = await store.queryAudit({ actor: 'U0CAROL', limit: 1 });
    await store.close();
    expect(last?.action).toBe('command.denied');
    expect(last?.target).toEqual({ service: 'api', env: 'prod' });
  });

  it('lets a developer read the staging audit but not prod', async () => {
    expect(textOf(await h.run('U0ALICE', '/ops', 'audit api staging'))).toContain('Audit: api/staging');
    expect(textOf(await h.run('U0ALICE', '/ops', 'audit api prod'))).toContain("can't run");
  });
});
