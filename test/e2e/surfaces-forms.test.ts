import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { startHarness, teamConfigText, type Harness } from '../helpers/harness.ts';
import { requestIn, settled } from '../helpers/requests.ts';

let world: Backends;
let h: Harness;

beforeEach(async () => {
  world = await startBackends();
  h = await startHarness({ backends: world, configText: await teamConfigText() });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

type Select = { element?: { action_id?: string; options?: { value: string }[] }; block_id?: string };
const optionsOf = (user: string, blockId: string) =>
  ((h.slack.modal(user)?.view.blocks ?? []) as Select[])
    .find((b) => b.block_id === blockId)
    ?.element?.options?.map((o) => o.value);

const imageOf = (env: 'staging' | 'prod') =>
  world.clusters[env].getDeployment('api', 'api')?.spec.template.spec.containers[0]?.image;

describe('command forms', () => {
  it('opens a deploy form for /deploy with no words, offers refs, and runs the same pipeline on submit', async () => {
    const res = await h.slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/deploy' });
    expect(res.status).toBe(200);
    const modal = await h.slack.waitFor(() => h.slack.modal('U0ALICE'));
    expect(modal.callbackId).toBe('opsdeck.form');
    expect(optionsOf('U0ALICE', 'service')).toEqual(['api', 'web', 'worker', 'billing']);
    expect(optionsOf('U0ALICE', 'env')).toEqual(['staging', 'prod']);

    const refs = await h.slack.suggest({
      user: 'U0ALICE',
      actionId: 'opsdeck.form.ref',
      value: 'v1.',
      values: { service: 'api' },
    });
    expect(refs.map((r) => r.value)).toEqual(expect.arrayContaining(['v1.', 'v1.2.0', 'v1.1.0']));
    const branches = await h.slack.suggest({
      user: 'U0ALICE',
      actionId: 'opsdeck.form.ref',
      value: 'mai',
      values: { service: 'api' },
    });
    expect(branches.map((r) => r.value)).toContain('main');

    const submitted = await h.slack.submitView({
      user: 'U0ALICE',
      values: { service: 'api', env: 'staging', ref: 'v1.2.0', reason: 'from the "form"' },
    });
    expect(submitted.status).toBe(200);
    expect(h.slack.modal('U0ALICE')).toBeUndefined();
    const msg = await h.slack.waitFor(() => requestIn(h.slack, 'Deploy api to staging'));
    const done = await settled(h, msg);
    expect(done.text).toContain(':white_check_mark:');
    expect(imageOf('staging')).toBe('ghcr.io/acme/api:v1.2.0');
    expect(JSON.stringify(done.blocks)).toContain('from the \\"form\\"');
  });

  it('lists only what the person may do, and shows a refusal in the form instead of closing it', async () => {
    await h.slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/rollback' });
    await h.slack.waitFor(() => h.slack.modal('U0ALICE'));
    // A developer may roll back staging only.
    expect(optionsOf('U0ALICE', 'env')).toEqual(['staging']);
    // A payload naming prod anyway is checked by the same policy as the command, and refused in place.
    const res = await h.slack.submitView({ user: 'U0ALICE', values: { service: 'api', env: 'prod' } });
    expect(JSON.parse(res.body)).toMatchObject({
      response_action: 'errors',
      errors: { env: expect.stringContaining('needs role') },
    });
    expect(h.slack.modal('U0ALICE')?.errors?.env).toContain("can't run /rollback");
    expect(requestIn(h.slack, 'Roll back api in prod')).toBeUndefined();
  });

  it('tells someone with no role for the command instead of opening an empty form', async () => {
    await h.slack.sendSlashCommand({ user: 'U0CAROL', channel: 'C0DEPLOYS', command: '/deploy' });
    const answer = await h.slack.waitFor(() =>
      h.slack.messages({ visibleTo: 'U0CAROL' }).find((m) => m.text.includes('may not run /deploy')),
    );
    expect(answer.ephemeralTo).toBe('U0CAROL');
    expect(h.slack.modal('U0CAROL')).toBeUndefined();
  });

  it('runs a scale form with its number and dry-run box as the typed command would', async () => {
    await h.slack.sendSlashCommand({ user: 'U0BOB', channel: 'C0DEPLOYS', command: '/scale' });
    await h.slack.waitFor(() => h.slack.modal('U0BOB'));
    await h.slack.submitView({
      user: 'U0BOB',
      values: { service: 'api', env: 'staging', replicas: '5', options: ['dry-run'] },
    });
    const plan = await h.slack.waitFor(() =>
      h.slack.messages({ visibleTo: 'U0BOB' }).find((m) => /dry run/i.test(m.text)),
    );
    expect(JSON.stringify(plan.blocks)).toMatch(/→ 5|5 replicas|\b5\b/);
    expect(world.clusters.staging.getDeployment('api', 'api')?.spec.replicas).not.toBe(5);
  });
});

describe('the logs form', () => {
  it('offers a viewer only staging, and answers the submitted form like the typed command', async () => {
    await h.slack.sendSlashCommand({ user: 'U0CAROL', channel: 'C0DEPLOYS', command: '/logs' });
    await h.slack.waitFor(() => h.slack.modal('U0CAROL'));
    expect(optionsOf('U0CAROL', 'env')).toEqual(['staging']);
    await h.slack.submitView({ user: 'U0CAROL', values: { service: 'api', env: 'staging', since: '5m' } });
    const answer = await h.slack.waitFor(() =>
      h.slack.messages({ visibleTo: 'U0CAROL' }).find((m) => m.ephemeralTo === 'U0CAROL' && /api/.test(m.text)),
    );
    expect(answer.channel).toBe('C0DEPLOYS');
    const store = h.openStore();
    try {
      const accepted = (await store.queryAudit({ limit: 50 })).find((e) => e.action === 'command.accepted');
      expect(accepted?.details).toMatchObject({ command: '/logs', text: '/logs api staging --since 5m' });
    } finally {
      await store.close();
    }
  });
});

describe('shortcuts', () => {
  it('opens the deploy form from the global shortcut, asking where to post', async () => {
    const res = await h.slack.sendShortcut({ user: 'U0ALICE', callbackId: 'opsdeck.shortcut.deploy' });
    expect(res.status).toBe(200);
    await h.slack.waitFor(() => h.slack.modal('U0ALICE'));
    expect(JSON.stringify(h.slack.modal('U0ALICE')?.view.blocks)).toContain('conversations_select');
    await h.slack.submitView({
      user: 'U0ALICE',
      values: { channel: 'C0DEPLOYS', service: 'api', env: 'staging', ref: 'v1.2.0' },
    });
    const msg = await h.slack.waitFor(() => requestIn(h.slack, 'Deploy api to staging'));
    expect((await settled(h, msg)).text).toContain(':white_check_mark:');
  });

  it('finds runbooks for a message and offers to post them', async () => {
    const alert = h.slack.postUserMessage({
      user: 'U0DAVE',
      channel: 'C0INCIDENT',
      text: 'api is throwing 5xx errors since the last deploy, "help" --force',
    });
    const res = await h.slack.sendMessageAction({
      user: 'U0ALICE',
      channel: 'C0INCIDENT',
      messageTs: alert.ts,
      callbackId: 'opsdeck.shortcut.runbook',
    });
    expect(res.status).toBe(200);
    const found = await h.slack.waitFor(() =>
      h.slack
        .messages({ visibleTo: 'U0ALICE' })
        .find((m) => m.ephemeralTo === 'U0ALICE' && /5xx/i.test(m.text + JSON.stringify(m.blocks))),
    );
    expect(JSON.stringify(found.blocks)).toContain('opsdeck.runbook.post');
  });
});
