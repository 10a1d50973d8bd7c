import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/sandbox/slack/index.ts';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { startHarness, textOf, type Harness } from '../helpers/harness.ts';
import { nextEphemeral } from '../helpers/requests.ts';

let world: Backends;
let h: Harness;
// Every test starts its own bot and backends, so each one runs alone and none inherits another's leftovers.
beforeEach(async () => {
  world = await startBackends();
  h = await startHarness({ backends: world });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

/** Finds the button whose label is `label` on a message and clicks it as `user`. */
async function press(user: string, message: StoredMessage, label: string): Promise<number> {
  const elements = (
    message.blocks as { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[]
  )
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);
  const button = elements.find((e) => e.text.text === label);
  if (!button) throw new Error(`no button ${label} in ${elements.map((e) => e.text.text).join(', ')}`);
  const res = await h.slack.sendBlockAction({
    user,
    channel: message.channel,
    messageTs: message.ts,
    actionId: button.action_id,
    value: button.value,
  });
  return res.status;
}

describe('/runbook', () => {
  it('shows the one clear match privately, with its steps as Run buttons and a Post button', async () => {
    const shown = await h.run('U0ALICE', '/runbook', 'api 5xx errors');
    expect(shown.ephemeralTo).toBe('U0ALICE');
    const text = textOf(shown);
    expect(text).toContain('High 5xx error rate');
    expect(text).toContain('severity *critical*');
    expect(text).toContain('/ops status api prod');
    expect(text).toContain('Post to channel');
  });

  it('matches by alert name', async () => {
    expect(textOf(await h.run('U0ALICE', '/runbook', '--alert KubePodCrashLooping'))).toContain('Pods crash-looping');
    expect(textOf(await h.run('U0ALICE', '/runbook', '--alert NoSuchAlert'))).toMatch(/No runbook maps the alert/);
  });

  it('lists runbooks by service when called alone', async () => {
    const text = textOf(await h.run('U0ALICE', '/runbook', ''));
    expect(text).toContain('Runbooks by service');
    expect(text).toContain('*api*');
    expect(text).toContain('*worker*');
  });

  it('offers a choice when nothing stands out, and Show opens one', async () => {
    const list = await h.run('U0ALICE', '/runbook', 'api');
    expect(textOf(list)).toContain('Show 1');
    const shown = await nextEphemeral(h, 'U0ALICE', () => press('U0ALICE', list, 'Show 1'));
    expect(textOf(shown)).toContain('Post to channel');
  });

  it('posts in the channel for everyone', async () => {
    const shown = await h.run('U0ALICE', '/runbook', 'crash looping pods');
    await press('U0ALICE', shown, 'Post to channel');
    const posted = await h.slack.waitFor(() =>
      h.slack
        .messages({ channel: 'C0DEPLOYS' })
        .find((m) => !m.ephemeralTo && m.text === 'Runbook: Pods crash-looping'),
    );
    expect(h.slack.messages({ channel: 'C0DEPLOYS', visibleTo: 'U0CAROL' })).toContainEqual(posted);
    expect(textOf(posted)).not.toContain('Post to channel');
  });

  it('runs a step as the clicking user, with their permissions', async () => {
    const shown = await h.run('U0ALICE', '/runbook', 'api 5xx errors');
    const status = await nextEphemeral(h, 'U0CAROL', () => press('U0CAROL', shown, '/ops status api prod'));
    expect(textOf(status)).toContain('Status of api');
    const refused = await nextEphemeral(h, 'U0CAROL', () => press('U0CAROL', shown, '/rollback api prod'));
    expect(refused.text).toContain("can't run `/rollback`");
    expect(refused.text).toContain('rollback:api:prod');
  });

  it('runs a /logs step for someone allowed to read prod logs, and refuses someone who is not', async () => {
    world.cloudwatch.put('/ecs/api-prod', 'task/9', [
      { timestamp: world.clock.now().getTime() - 5_000, message: 'ERROR upstream timed out' },
    ]);
    const shown = await h.run('U0ALICE', '/runbook', 'api 5xx errors');
    await press('U0ALICE', shown, '/logs api prod --since 15m --grep ERROR');
    const logs = await h.slack.waitFor(() =>
      h.slack.messages({ channel: 'C0DEPLOYS' }).find((m) => !m.ephemeralTo && m.text.includes('from CloudWatch')),
    );
    expect(textOf(logs)).toContain('ERROR upstream timed out');
    const refused = await nextEphemeral(h, 'U0CAROL', () =>
      press('U0CAROL', shown, '/logs api prod --since 15m --grep ERROR'),
    );
    expect(refused.text).toContain('logs:api:prod');
  });

  it('reloads on request', async () => {
    expect((await h.run('U0ALICE', '/ops', 'runbooks reload')).text).toMatch(/Reloaded \d+ runbooks/);
  });
});
