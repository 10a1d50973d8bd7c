import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/sandbox/slack/index.ts';
import { type Alertmanager, startAlertmanager } from '../helpers/alertmanager.ts';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { startHarness, teamConfigText, textOf, type Harness } from '../helpers/harness.ts';
import { click, hasButtons, nextEphemeral, requestIn, settled } from '../helpers/requests.ts';

const TOKEN = 'alertmanager-test-token-0123456789';
const LABELS = { alertname: 'HighErrorRate', service: 'api', env: 'prod', severity: 'critical' };

let world: Backends;
let h: Harness;
let am: Alertmanager;

beforeEach(async () => {
  world = await startBackends();
  world.cloudwatch.put('/ecs/api-prod', 'api-1', [
    { timestamp: world.clock.now().getTime() - 60_000, message: 'ERROR upstream timed out' },
  ]);
  h = await startHarness({
    backends: world,
    configText: await teamConfigText(),
    env: { OPSDECK_ALERTMANAGER_TOKEN: TOKEN },
  });
  am = await startAlertmanager({ url: `${h.baseUrl}/alerts/alertmanager`, bearerToken: TOKEN, repeatInterval: '2s' });
});
afterEach(async () => {
  await am?.stop();
  await h?.stop();
  await world?.close();
});

interface ButtonElement {
  action_id: string;
  value: string;
  text: { text: string };
}

function buttons(message: StoredMessage): ButtonElement[] {
  return (message.blocks as { type: string; elements?: ButtonElement[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);
}

function press(user: string, message: StoredMessage, label: string) {
  const button = buttons(message).find((e) => e.text.text === label);
  if (!button) throw new Error(`no button ${label} in ${buttons(message).map((e) => e.text.text)}`);
  return h.slack.sendBlockAction({
    user,
    channel: message.channel,
    messageTs: message.ts,
    actionId: button.action_id,
    value: button.value,
  });
}

const alertPosts = (title: string) =>
  h.slack.messages({ channel: 'C0DEPLOYS' }).filter((m) => !m.ephemeralTo && !m.threadTs && m.text.includes(title));
const current = (m: StoredMessage) => h.slack.messages({ channel: m.channel }).find((x) => x.ts === m.ts)!;

/** Deploys api v1.2.0 to prod: requested by Alice, approved by Bob. */
async function deployToProd(): Promise<void> {
  await h.slack.sendSlashCommand({
    user: 'U0ALICE',
    channel: 'C0DEPLOYS',
    command: '/deploy',
    text: 'api prod v1.2.0',
  });
  const msg = await h.slack.waitFor(() => {
    const m = requestIn(h.slack, 'Deploy api to prod');
    return m && hasButtons(m) ? m : undefined;
  });
  await click(h, 'U0BOB', msg, 'approve');
  expect((await settled(h, msg)).text).toContain(':white_check_mark:');
}

describe('alerts from Alertmanager', () => {
  it('posts one message per group with runbook, recent deploy, buttons; edits it on repeats, resolve', async () => {
    await deployToProd();
    await am.addAlert(LABELS, { annotations: { summary: '5xx above 5% for 5 minutes' } });

    const posted = await h.slack.waitFor(() => alertPosts('Firing: HighErrorRate')[0], { timeoutMs: 15_000 });
    const text = textOf(posted);
    expect(text).toContain('5xx above 5% for 5 minutes');
    expect(text).toContain('High 5xx error rate');
    expect(text).toContain('/ops status api prod');
    expect(text).toContain('Changes to api in prod in the last 6h');
    expect(text).toContain('<@U0ALICE>: Deploy api to prod (succeeded)');
    expect(buttons(posted).map((b) => b.text.text)).toEqual(['Logs (15m)', 'Status', 'Scale +2', 'Roll back']);
    expect(JSON.stringify(posted.blocks)).not.toContain(TOKEN);

    // repeat_interval (2 s) sends the group again: the same message is edited, nothing new is posted.
    await h.slack.waitFor(() => /\d+ notifications/.test(textOf(current(posted))), { timeoutMs: 15_000 });
    expect(alertPosts('HighErrorRate')).toHaveLength(1);

    // Logs run as the clicker: Carol may only read staging logs, Bob reads prod.
    const denied = await nextEphemeral(h, 'U0CAROL', () => press('U0CAROL', posted, 'Logs (15m)'));
    expect(denied.text).toContain("can't run");
    await press('U0BOB', posted, 'Logs (15m)');
    const logs = await h.slack.waitFor(() =>
      h.slack.messages({ visibleTo: 'U0BOB' }).find((m) => textOf(m).includes('ERROR upstream timed out')),
    );
    expect(textOf(logs)).toContain('*api* in *prod*: 1 line from CloudWatch /ecs/api-prod');

    const status = await nextEphemeral(h, 'U0CAROL', () => press('U0CAROL', posted, 'Status'));
    expect(textOf(status)).toContain('ghcr.io/acme/api:v1.2.0');
    await press('U0BOB', posted, 'Scale +2');
    const scale = await h.slack.waitFor(() => requestIn(h.slack, 'Scale api in prod'));
    expect(textOf(scale)).toContain('3 → 5');

    // Roll back as the clicker, through the normal flow: a developer may not, an SRE asks and another approves.
    const refused = await nextEphemeral(h, 'U0ALICE', () => press('U0ALICE', posted, 'Roll back'));
    expect(refused.text).toContain('rollback:api:prod');
    await press('U0BOB', posted, 'Roll back');
    const rollback = await h.slack.waitFor(() => {
      const m = requestIn(h.slack, 'Roll back api in prod');
      return m && hasButtons(m) ? m : undefined;
    });
    expect(textOf(rollback)).toContain('Waiting for 1 approval from `sre`');
    await click(h, 'U0ERIN', rollback, 'approve');
    expect((await settled(h, rollback)).text).toContain(':white_check_mark:');

    await am.addAlert(LABELS, { annotations: { summary: '5xx above 5% for 5 minutes' }, end: new Date() });
    const resolved = await h.slack.waitFor(
      () => {
        const m = current(posted);
        return m.text.includes('Resolved: HighErrorRate') ? m : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(textOf(resolved)).toMatch(/Resolved\*? after \d+s/);
    expect(alertPosts('HighErrorRate')).toHaveLength(1);
  });
});
