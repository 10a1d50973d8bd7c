import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/core/audit-chain.ts';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { startHarness, teamConfigText, textOf, type Harness } from '../helpers/harness.ts';
import {
  auditActions,
  click,
  hasButtons,
  newRequest,
  nextEphemeral,
  requestIdOf,
  requestIn,
  settled,
} from '../helpers/requests.ts';

// Every test gets its own world (api runs v1.1.0 in both clusters, with v1.0.0 before it) and its own bot.
let world: Backends;
let h: Harness;

const imageOf = (env: 'staging' | 'prod', name = 'api') =>
  world.clusters[env].getDeployment(name, name)?.spec.template.spec.containers[0]?.image;

beforeEach(async () => {
  world = await startBackends();
  h = await startHarness({ backends: world, configText: await teamConfigText() });
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

describe('/deploy', () => {
  it('lets a developer deploy to staging straight away and reports in the thread', async () => {
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'api staging v1.2.0 --reason "new checkout"',
    });
    const msg = await h.slack.waitFor(() => requestIn(h.slack, 'Deploy api to staging'));
    const done = await settled(h, msg);
    expect(done.text).toContain(':white_check_mark:');
    expect(hasButtons(done)).toBe(false);
    expect(imageOf('staging')).toBe('ghcr.io/acme/api:v1.2.0');
    const fields = textOf(done);
    expect(fields).toContain('`v1.2.0` → ');
    expect(fields).toContain('ghcr.io/acme/api:v1.1.0');
    expect(fields).toMatch(/4 commits \(<[^|]+\|compare>\)/);
    const report = await h.slack.waitFor(() =>
      h.slack.messages({ channel: 'C0DEPLOYS', threadTs: msg.ts }).find((m) => m.text.includes('<@U0ALICE> done')),
    );
    expect(report.text).toContain('running ghcr.io/acme/api:v1.2.0');
    const deployment = world.clusters.staging.getDeployment('api', 'api');
    expect(deployment?.metadata.annotations?.['kubernetes.io/change-cause']).toContain('U0ALICE deployed v1.2.0');
    expect(await auditActions(h, requestIdOf(done))).toEqual([
      'deploy.requested',
      'deploy.started',
      'deploy.succeeded',
    ]);
  });

  it('needs an SRE for prod: the requester and a developer cannot approve, an SRE can', async () => {
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
    expect(textOf(msg)).toContain('Waiting for 1 approval from `sre`');

    const own = await nextEphemeral(h, 'U0ALICE', () => click(h, 'U0ALICE', msg, 'approve'));
    expect(own.text).toContain("can't approve your own request");
    const dev = await nextEphemeral(h, 'U0DAVE', () => click(h, 'U0DAVE', msg, 'approve'));
    expect(dev.text).toContain('needs role `sre`');
    expect(imageOf('prod')).toBe('ghcr.io/acme/api:v1.1.0');

    expect(await click(h, 'U0BOB', msg, 'approve')).toBe(200);
    const done = await settled(h, msg);
    expect(done.text).toContain(':white_check_mark:');
    expect(done.text).toContain('Approved by <@U0BOB>');
    expect(imageOf('prod')).toBe('ghcr.io/acme/api:v1.2.0');
    expect(await auditActions(h, requestIdOf(done))).toEqual([
      'deploy.requested',
      'approval.denied',
      'approval.denied',
      'approval.granted',
      'deploy.started',
      'deploy.succeeded',
    ]);
  });

  it('rolls a failing prod rollout back automatically and says so', async () => {
    expect(imageOf('prod')).toBe('ghcr.io/acme/api:v1.1.0');
    world.clusters.prod.failNextRollout('api', 'api');
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'api prod v1.0.0',
    });
    const msg = await h.slack.waitFor(() => {
      const m = requestIn(h.slack, 'Deploy api to prod');
      return m && hasButtons(m) ? m : undefined;
    });
    await click(h, 'U0BOB', msg, 'approve');
    const done = await settled(h, msg);
    expect(done.text).toContain(':x:');
    expect(done.text).toMatch(/[Rr]olled back/);
    expect(imageOf('prod')).toBe('ghcr.io/acme/api:v1.1.0');
  });

  it.each([
    ['rejected by an SRE', 'U0BOB', 'reject' as const, ':no_entry: Rejected by <@U0BOB>'],
    ['cancelled by the requester', 'U0ALICE', 'cancel' as const, 'Cancelled by <@U0ALICE>'],
  ])('changes nothing when %s', async (_label, user, action, shown) => {
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'api prod v1.0.0',
    });
    const msg = await h.slack.waitFor(() => {
      const m = requestIn(h.slack, 'Deploy api to prod');
      return m && hasButtons(m) ? m : undefined;
    });
    await click(h, user, msg, action);
    const done = await settled(h, msg);
    expect(done.text).toContain(shown);
    expect(hasButtons(done)).toBe(false);
    const late = await nextEphemeral(h, 'U0BOB', () => click(h, 'U0BOB', msg, 'approve'));
    expect(late.text).toContain('already');
    expect(imageOf('prod')).toBe('ghcr.io/acme/api:v1.1.0');
  });

  it('runs exactly once when approvals race and clicks are doubled', async () => {
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
    const before = world.clusters.prod.getReplicaSets('api', 'api').length;
    await Promise.all([
      click(h, 'U0BOB', msg, 'approve'),
      click(h, 'U0ERIN', msg, 'approve'),
      click(h, 'U0BOB', msg, 'approve'),
      click(h, 'U0ERIN', msg, 'approve'),
    ]);
    const done = await settled(h, msg);
    expect(done.text).toContain(':white_check_mark:');
    const actions = await auditActions(h, requestIdOf(done));
    expect(actions.filter((a) => a === 'deploy.started')).toHaveLength(1);
    expect(actions.filter((a) => a === 'deploy.succeeded')).toHaveLength(1);
    expect(actions.filter((a) => a === 'approval.granted').length).toBeGreaterThanOrEqual(1);
    expect(actions.filter((a) => a === 'approval.granted').length).toBeLessThanOrEqual(2);
    expect(world.clusters.prod.getReplicaSets('api', 'api').length).toBeLessThanOrEqual(before + 1);
    expect(imageOf('prod')).toBe('ghcr.io/acme/api:v1.2.0');
  });

  it('keeps pending requests across a restart of the bot', async () => {
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
    await h.restartBot();
    expect(await click(h, 'U0BOB', msg, 'approve')).toBe(200);
    expect((await settled(h, msg)).text).toContain(':white_check_mark:');
    expect(imageOf('prod')).toBe('ghcr.io/acme/api:v1.2.0');
  });

  it('refuses a viewer with the reason', async () => {
    const reply = await h.run('U0CAROL', '/deploy', 'api prod');
    expect(reply.text).toContain('needs role `sre` or `developer` for `deploy:api:prod`');
  });

  it('refuses an unknown ref before anything is stored', async () => {
    const reply = await h.run('U0ALICE', '/deploy', 'api staging v9.9.9');
    expect(reply.text).toMatch(/v9\.9\.9/);
    expect(imageOf('staging')).toBe('ghcr.io/acme/api:v1.1.0');
  });

  it('shows a dry run without changing anything', async () => {
    const before = h.slack.messages({ channel: 'C0DEPLOYS' }).filter((m) => !m.ephemeralTo).length;
    const reply = await h.run('U0ALICE', '/deploy', 'api prod v1.0.0 --dry-run');
    expect(textOf(reply)).toContain('nothing was changed');
    expect(textOf(reply)).toContain('1 approval(s) from `sre`');
    expect(h.slack.messages({ channel: 'C0DEPLOYS' }).filter((m) => !m.ephemeralTo)).toHaveLength(before);
  });
});

describe('GitHub drivers', () => {
  it('deploys through a GitHub Deployment and follows its statuses', async () => {
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'worker staging v0.9.0',
    });
    const done = await settled(h, await h.slack.waitFor(() => requestIn(h.slack, 'Deploy worker to staging')));
    expect(done.text).toContain(':white_check_mark:');
    const [deployment] = world.github.deployments('acme/worker');
    expect(deployment).toMatchObject({ environment: 'staging', sha: world.github.shaOf('acme/worker', 'v0.9.0') });
    expect(JSON.stringify(deployment)).toContain('U0ALICE');
  });

  it('deploys through a workflow run with ref and environment inputs, and rolls back to the last deploy', async () => {
    for (const ref of ['v2.0.0', 'main']) {
      const msg = await newRequest(h, 'U0ALICE', '/deploy', `web staging ${ref}`, 'Deploy web to staging');
      expect((await settled(h, msg)).text).toContain(':white_check_mark:');
    }
    const runs = world.github.runs('acme/web');
    expect(runs[0]?.inputs).toEqual({ ref: world.github.shaOf('acme/web', 'main'), environment: 'staging' });
    const back = await settled(
      h,
      await newRequest(h, 'U0ALICE', '/rollback', 'web staging', 'Roll back web in staging'),
    );
    expect(back.text).toContain(':white_check_mark:');
    expect(world.github.runs('acme/web')[0]?.inputs).toMatchObject({ ref: world.github.shaOf('acme/web', 'v2.0.0') });
  });
});

describe('/scale and /rollback', () => {
  it('refuses replicas outside the bounds with the bounds', async () => {
    const reply = await h.run('U0ALICE', '/scale', 'api staging 50');
    expect(reply.text).toContain('between 2 and 20 replicas; 50 is outside');
    expect(world.clusters.staging.getDeployment('api', 'api')?.spec.replicas).toBe(3);
  });

  it('scales within bounds and shows current → new', async () => {
    await h.slack.sendSlashCommand({ user: 'U0ALICE', channel: 'C0DEPLOYS', command: '/scale', text: 'api staging 5' });
    const msg = await h.slack.waitFor(() => requestIn(h.slack, 'Scale api in staging'));
    const done = await settled(h, msg);
    expect(done.text).toContain(':white_check_mark:');
    expect(textOf(done)).toContain('3 → 5');
    expect(world.clusters.staging.getDeployment('api', 'api')?.spec.replicas).toBe(5);
  });

  it('warns when an autoscaler manages the deployment', async () => {
    const reply = await h.run('U0ALICE', '/scale', 'web staging 3 --dry-run');
    expect(textOf(reply)).toContain('HorizontalPodAutoscaler');
  });

  it('rolls back to the previous pod template', async () => {
    expect(imageOf('staging')).toBe('ghcr.io/acme/api:v1.1.0');
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/rollback',
      text: 'api staging',
    });
    const msg = await h.slack.waitFor(() => requestIn(h.slack, 'Roll back api in staging'));
    const done = await settled(h, msg);
    expect(done.text).toContain(':white_check_mark:');
    expect(imageOf('staging')).toBe('ghcr.io/acme/api:v1.0.0');
  });

  it('keeps a verifiable audit chain through changes, approvals and refusals', async () => {
    expect(
      (await settled(h, await newRequest(h, 'U0ALICE', '/deploy', 'api staging v1.2.0', 'Deploy api to staging'))).text,
    ).toContain(':white_check_mark:');
    const prod = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    await nextEphemeral(h, 'U0DAVE', () => click(h, 'U0DAVE', prod, 'approve'));
    await click(h, 'U0BOB', prod, 'approve');
    expect((await settled(h, prod)).text).toContain(':white_check_mark:');
    await h.run('U0CAROL', '/scale', 'api prod 4');
    const store = h.openStore();
    try {
      expect(await verifyChain(store.readAudit())).toMatchObject({ ok: true });
      expect((await store.queryAudit({ limit: 100 })).map((r) => r.action)).toEqual(
        expect.arrayContaining(['deploy.succeeded', 'approval.denied', 'approval.granted', 'command.denied']),
      );
    } finally {
      await store.close();
    }
  });
});
