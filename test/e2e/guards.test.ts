import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

// Every test gets its own world (api runs v1.1.0 with 3 replicas in both clusters) and its own bot.
let world: Backends;
beforeEach(async () => {
  world = await startBackends();
});
afterEach(async () => {
  await world?.close();
});

const imageOf = (env: 'staging' | 'prod') =>
  world.clusters[env].getDeployment('api', 'api')?.spec.template.spec.containers[0]?.image;

describe('locks', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ backends: world, configText: await teamConfigText() });
  });
  afterEach(async () => {
    await h?.stop();
  });

  it('blocks others, lets the owner through, and --force passes with break-glass', async () => {
    const locked = await h.run('U0BOB', '/ops', 'lock api staging investigating INC-42');
    expect(locked.text).toContain('locked `api/staging`');
    expect(locked.ephemeralTo).toBeUndefined();

    const blocked = await h.run('U0ALICE', '/deploy', 'api staging v1.0.0');
    expect(blocked.text).toContain('locked by <@U0BOB>');
    expect(blocked.text).toContain('investigating INC-42');
    expect(blocked.text).toContain('/ops unlock api staging');
    const noGlass = await h.run('U0ALICE', '/deploy', 'api staging v1.0.0 --force');
    expect(noGlass.text).toContain('`--force` needs the `breakglass` permission');
    expect(imageOf('staging')).toBe('ghcr.io/acme/api:v1.1.0');

    await h.slack.sendSlashCommand({
      user: 'U0ERIN',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'api staging v1.0.0 --force --reason "hotfix"',
    });
    const forced = await settled(h, await h.slack.waitFor(() => requestIn(h.slack, 'Deploy api to staging')));
    expect(forced.text).toContain(':white_check_mark:');
    expect(textOf(forced)).toContain('BREAK-GLASS');
    expect(imageOf('staging')).toBe('ghcr.io/acme/api:v1.0.0');
    await h.slack.waitFor(() =>
      h.slack
        .messages({ channel: 'C0DEPLOYS', threadTs: forced.ts })
        .find((m) => m.text.includes('Break-glass request') && m.text.includes('<@U0BOB>')),
    );
    expect(await auditActions(h, requestIdOf(forced))).toEqual([
      'deploy.requested',
      'breakglass.used',
      'deploy.started',
      'deploy.succeeded',
    ]);

    const own = await settled(h, await newRequest(h, 'U0BOB', '/scale', 'api staging 5', 'Scale api in staging'));
    expect(own.text).toContain(':white_check_mark:');
    expect(textOf(own)).not.toContain('BREAK-GLASS');

    const owner = await h.run('U0BOB', '/ops', 'locks');
    expect(textOf(owner)).toContain('`api/staging` by <@U0BOB>');
  });

  it('unlocks with the lock permission only', async () => {
    expect((await h.run('U0BOB', '/ops', 'lock api staging investigating INC-42')).text).toContain(
      'locked `api/staging`',
    );
    expect((await h.run('U0ALICE', '/ops', 'unlock api staging')).text).toContain("can't run");
    expect((await h.run('U0BOB', '/ops', 'unlock api staging')).text).toContain('unlocked `api/staging`');
    expect((await h.run('U0BOB', '/ops', 'unlock api staging')).text).toContain('is not locked');
  });

  it('/ops status shows version, replicas, last change and locks', async () => {
    expect(
      (await settled(h, await newRequest(h, 'U0ERIN', '/deploy', 'api staging v1.0.0', 'Deploy api to staging'))).text,
    ).toContain(':white_check_mark:');
    await h.run('U0BOB', '/ops', 'lock api prod release train');
    const text = textOf(await h.run('U0CAROL', '/ops', 'status api'));
    expect(text).toContain('ghcr.io/acme/api:v1.0.0');
    expect(text).toMatch(/3\/3 ready/);
    expect(text).toContain('by <@U0ERIN>');
    expect(text).toContain('*Locked* by <@U0BOB>: release train');
  });
});

describe('freezes and expiry', () => {
  let h: Harness;
  beforeEach(async () => {
    const config = (await teamConfigText())
      .replace('expiresIn: 30m', 'expiresIn: 1s')
      .replace(
        /^ {4}kubernetes: \{ context: staging \}/m,
        '    freezes: [{ name: always-frozen, cron: "* * * * *", duration: 2m }]\n$&',
      );
    h = await startHarness({ backends: world, configText: config });
  });
  afterEach(async () => {
    await h?.stop();
  });

  it('blocks changes during a freeze and names it; --force passes for break-glass holders', async () => {
    const blocked = await h.run('U0ALICE', '/scale', 'api staging 4');
    expect(blocked.text).toContain('`always-frozen` change freeze until');
    await h.slack.sendSlashCommand({
      user: 'U0ERIN',
      channel: 'C0DEPLOYS',
      command: '/scale',
      text: 'api staging 4 --force',
    });
    const forced = await settled(h, await h.slack.waitFor(() => requestIn(h.slack, 'Scale api in staging')));
    expect(textOf(forced)).toContain('BREAK-GLASS');
    expect(world.clusters.staging.getDeployment('api', 'api')?.spec.replicas).toBe(4);
  });

  it('expires an unapproved request, removes its buttons, and changes nothing', async () => {
    const before = imageOf('prod');
    await h.slack.sendSlashCommand({
      user: 'U0ALICE',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'api prod v1.2.0',
    });
    const msg = await h.slack.waitFor(() => requestIn(h.slack, 'Deploy api to prod'));
    const done = await settled(h, msg);
    expect(done.text).toContain(':hourglass: Expired');
    expect(hasButtons(done)).toBe(false);
    const late = await nextEphemeral(h, 'U0BOB', () => click(h, 'U0BOB', msg, 'approve'));
    expect(late.text).toMatch(/expired/);
    expect(imageOf('prod')).toBe(before);
    // Halfway to its expiry the approvers were reminded, when a sweep fell in that half second.
    const actions = (await auditActions(h, requestIdOf(done))).filter((a) => a !== 'approval.reminded');
    expect(actions).toEqual(['deploy.requested', 'request.expired', 'click.refused']);
  });
});
