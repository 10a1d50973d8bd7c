import { afterEach, describe, expect, it } from 'vitest';
import { exampleConfigText, startHarness, textOf, type Harness } from '../helpers/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const renamed = async () =>
  `${await exampleConfigText()}\nslack:\n  commands: { prefix: ops-, names: { ops: opsdeck } }\n`;

describe('configured command names', () => {
  it('answers to the configured names and uses them in help and usage', async () => {
    h = await startHarness({ configText: await renamed() });
    const help = await h.run('U0BOB', '/opsdeck', 'help');
    expect(textOf(help)).toContain('/ops-deploy &lt;service&gt; &lt;env&gt;');
    expect(textOf(help)).toContain('/opsdeck audit');
    expect(textOf(help)).not.toMatch(/`\/deploy /);
    const usage = await h.run('U0ALICE', '/ops-scale', 'api');
    expect(textOf(usage)).toContain('Usage: `/ops-scale &lt;service&gt; &lt;env&gt; &lt;replicas&gt;');
    const unknown = await h.run('U0ALICE', '/ops-deplyo', 'api staging');
    expect(unknown.text).toContain('Did you mean `/ops-deploy`?');
  });

  it('opens the form for a renamed command run without words', async () => {
    h = await startHarness({ configText: await renamed() });
    await h.slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/ops-deploy' });
    const modal = await h.slack.waitFor(() => h?.slack.modal('U0ALICE'));
    expect(JSON.stringify(modal.view.blocks)).toContain('Runs `/ops-deploy` as you');
  });
});

describe('should_escape', () => {
  it('turns a typed @alice into her id as Slack does: /ops audit --actor @alice finds her entries', async () => {
    h = await startHarness();
    await h.run('U0ALICE', '/ops', 'whoami');
    await h.run('U0CAROL', '/ops', 'whoami');
    await h.slack.sendSlashCommand({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      command: '/ops',
      text: 'audit --actor @alice',
      escape: true,
    });
    const answer = await h.slack.waitFor(() =>
      h?.slack.messages({ visibleTo: 'U0BOB' }).find((m) => m.source === 'response_url' && /audit/i.test(m.text)),
    );
    const shown = textOf(answer);
    expect(shown).toContain('<@U0ALICE>');
    expect(shown).not.toContain('<@U0CAROL>');
  });

  it.each([
    ['@alice and #deploys & <b>', '<@U0ALICE|alice> and <#C0DEPLOYS|deploys> &amp; &lt;b&gt;'],
    ['@sre-oncall please', '<!subteam^S0SRE|@sre-oncall> please'],
    ['mail@alice.dev @nobody', 'mail@alice.dev @nobody'],
  ])('escapes %j as Slack sends it', async (typed, sent) => {
    const { escapeCommandText } = await import('../../src/sandbox/slack/escape-text.ts');
    const { DEFAULT_WORKSPACE, Workspace } = await import('../../src/sandbox/slack/index.ts');
    expect(escapeCommandText(typed, new Workspace(DEFAULT_WORKSPACE))).toBe(sent);
  });
});
