import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { pinnedClock, type PinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startHarness, teamConfigText, textOf, type Harness } from '../helpers/harness.ts';
import { auditActions, click, newRequest, nextEphemeral, requestIdOf, settled } from '../helpers/requests.ts';

let clock: PinnedClock;
let world: Backends;
let h: Harness;
beforeEach(async () => {
  clock = pinnedClock(WEEKDAY);
  world = await startBackends(clock);
});
afterEach(async () => {
  await h?.stop();
  await world?.close();
});

const PROMOTION = '    promotion: { from: staging, bake: 30m }\n    checks:';

describe('the CI gate', () => {
  beforeEach(async () => {
    h = await startHarness({ backends: world, configText: await teamConfigText() });
  });

  it('refuses a prod deploy with a red check and its link; --force by breakglass passes, flagged', async () => {
    const sha = world.github.shaOf('acme/api', 'v1.2.0');
    world.github.addCheckRun('acme/api', 'v1.2.0', { name: 'build', conclusion: 'success' });
    const run = world.github.addCheckRun('acme/api', 'v1.2.0', { name: 'test', conclusion: 'failure' });
    const runUrl = `${world.github.webUrl}/acme/api/runs/${run}`;

    const refused = await h.run('U0ALICE', '/deploy', 'api prod v1.2.0');
    expect(refused.text).toContain(`CI on \`${sha.slice(0, 7)}\``);
    expect(refused.text).toContain(`<${runUrl}|\`test\`> failed`);
    expect(refused.text).toContain('Add `--force` for an emergency');
    expect(h.slack.messages({ channel: 'C0DEPLOYS' }).some((m) => m.text.includes('Deploy api to prod'))).toBe(false);

    const noGlass = await h.run('U0ALICE', '/deploy', 'api prod v1.2.0 --force');
    expect(noGlass.text).toContain('`--force` needs the `breakglass` permission for `api/prod`');

    const forced = await newRequest(h, 'U0ERIN', '/deploy', 'api prod v1.2.0 --force', 'Deploy api to prod');
    const shown = textOf(forced);
    expect(shown).toContain('BREAK-GLASS');
    expect(shown).toContain('failed');
    expect(shown).toContain('CI checks');
    expect(shown).toContain(runUrl);
    expect(await auditActions(h, requestIdOf(forced))).toEqual(['deploy.requested', 'breakglass.used']);
  });

  it('refuses a pending required check with its link, and staging takes the same commit', async () => {
    world.github.setCommitStatus('acme/api', 'v1.2.0', 'ci/build', 'pending', {
      targetUrl: 'https://ci.example/builds/42',
      description: 'Build started',
    });
    const refused = await h.run('U0ALICE', '/deploy', 'api prod v1.2.0');
    expect(refused.text).toContain('<https://ci.example/builds/42|`ci/build`> is still running (Build started)');

    const staging = await newRequest(h, 'U0ALICE', '/deploy', 'api staging v1.2.0', 'Deploy api to staging');
    expect(textOf(staging)).toContain('CI checks');
    expect((await settled(h, staging)).text).toContain(':white_check_mark:');
  });

  it('lets green commits through, showing their checks', async () => {
    world.github.addCheckRun('acme/api', 'v1.2.0', { name: 'test', conclusion: 'success' });
    const request = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    expect(textOf(request)).toContain('CI checks');
    expect(textOf(request)).not.toContain('BREAK-GLASS');
  });
});

describe('the gates at the last approval', () => {
  beforeEach(async () => {
    h = await startHarness({ backends: world, configText: await teamConfigText() });
  });
  const replicaSets = () => world.clusters.prod.getReplicaSets('api', 'api').length;
  const imageOf = () => world.clusters.prod.getDeployment('api', 'api')?.spec.template.spec.containers[0]?.image;
  const thread = (ts: string) => h.slack.messages({ channel: 'C0DEPLOYS', threadTs: ts });

  it('runs nothing when a required check turned red while the request waited, naming the check', async () => {
    world.github.addCheckRun('acme/api', 'v1.2.0', { name: 'test', conclusion: 'success' });
    const request = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    const rerun = world.github.addCheckRun('acme/api', 'v1.2.0', { name: 'test', conclusion: 'failure' });
    const runUrl = `${world.github.webUrl}/acme/api/runs/${rerun}`;
    const before = replicaSets();

    const answer = await nextEphemeral(h, 'U0BOB', () => click(h, 'U0BOB', request, 'approve'));
    expect(answer.text).toContain('Approved, but not run');
    expect(answer.text).toContain(`<${runUrl}|\`test\`> failed`);
    const done = await settled(h, request);
    expect(done.text).toContain(`<${runUrl}|\`test\`> failed`);
    expect(thread(request.ts).some((m) => m.text.includes('Not run') && m.text.includes(runUrl))).toBe(true);
    expect(replicaSets()).toBe(before);
    expect(imageOf()).toBe('ghcr.io/acme/api:v1.1.0');
    expect(await auditActions(h, requestIdOf(done))).toEqual(['deploy.requested', 'approval.granted', 'gates.refused']);
    const late = await nextEphemeral(h, 'U0ERIN', () => click(h, 'U0ERIN', request, 'approve'));
    expect(late.text).toContain('already failed');
  });

  it('deploys when the checks stay green', async () => {
    world.github.addCheckRun('acme/api', 'v1.2.0', { name: 'test', conclusion: 'success' });
    const request = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    expect(await click(h, 'U0BOB', request, 'approve')).toBe(200);
    expect((await settled(h, request)).text).toContain(':white_check_mark:');
    expect(imageOf()).toBe('ghcr.io/acme/api:v1.2.0');
    expect(await auditActions(h, requestIdOf(request))).not.toContain('gates.refused');
  });

  it('takes the approval back when the checks cannot be read, and the request waits for another', async () => {
    world.github.addCheckRun('acme/api', 'v1.2.0', { name: 'test', conclusion: 'success' });
    const request = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    const disarm = world.github.injectFailure({ pathPattern: /\/(check-runs|status)$/, times: Infinity, kind: '502' });
    const answer = await nextEphemeral(h, 'U0BOB', () => click(h, 'U0BOB', request, 'approve'));
    expect(answer.text).toContain('Not approved: the CI checks could not be read');
    expect(imageOf()).toBe('ghcr.io/acme/api:v1.1.0');
    disarm();
    expect(await click(h, 'U0BOB', request, 'approve')).toBe(200);
    expect((await settled(h, request)).text).toContain(':white_check_mark:');
    expect(imageOf()).toBe('ghcr.io/acme/api:v1.2.0');
    expect((await auditActions(h, requestIdOf(request))).slice(0, 4)).toEqual([
      'deploy.requested',
      'approval.granted',
      'approval.withdrawn',
      'approval.granted',
    ]);
  });

  it('runs no emergency self-approval whose check turned red after the command read it', async () => {
    world.github.addCheckRun('acme/api', 'v1.2.0', { name: 'test', conclusion: 'success' });
    await newRequest(h, 'U0BOB', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    clock.jump(11 * 60_000);
    // The command compares the commit with what runs after reading its checks: the check turns red meanwhile.
    world.github.injectFailure({ pathPattern: /\/compare\//, kind: 'delayMs', delayMs: 1500 });
    const reads = () => world.github.requests.filter((r) => /\/check-runs|\/status(\?|$)/.test(r.path)).length;
    const before = reads();
    const seen = new Set(h.slack.messages({ channel: 'C0DEPLOYS' }).map((m) => m.ts));
    await h.slack.sendSlashCommand({
      user: 'U0BOB',
      channel: 'C0DEPLOYS',
      command: '/deploy',
      text: 'api prod v1.2.0 --emergency "checkout is down"',
    });
    await h.slack.waitFor(() => reads() >= before + 2 || undefined);
    const rerun = world.github.addCheckRun('acme/api', 'v1.2.0', { name: 'test', conclusion: 'failure' });
    const request = await h.slack.waitFor(() =>
      h.slack
        .messages({ channel: 'C0DEPLOYS' })
        .find((m) => !seen.has(m.ts) && !m.threadTs && m.text.includes('Deploy api to prod')),
    );
    const done = await settled(h, request);
    expect(done.text).toContain(`${world.github.webUrl}/acme/api/runs/${rerun}`);
    expect(imageOf()).toBe('ghcr.io/acme/api:v1.1.0');
    const actions = await auditActions(h, requestIdOf(done));
    expect(actions).toContain('gates.refused');
    expect(actions).not.toContain('emergency.self_approved');
  });

  it('lets a request forced by break-glass through, as when it was made', async () => {
    world.github.addCheckRun('acme/api', 'v1.2.0', { name: 'test', conclusion: 'failure' });
    const forced = await newRequest(h, 'U0ERIN', '/deploy', 'api prod v1.2.0 --force', 'Deploy api to prod');
    expect(await click(h, 'U0BOB', forced, 'approve')).toBe(200);
    expect((await settled(h, forced)).text).toContain(':white_check_mark:');
    expect(imageOf()).toBe('ghcr.io/acme/api:v1.2.0');
  });
});

describe('promotion from staging', () => {
  beforeEach(async () => {
    const config = (await teamConfigText()).replace('    checks:', PROMOTION);
    h = await startHarness({ backends: world, configText: config });
  });

  it('refuses a commit staging never ran, then an unbaked one saying when it is ready, then accepts it', async () => {
    const sha = world.github.shaOf('acme/api', 'v1.2.0').slice(0, 7);
    const absent = await h.run('U0ALICE', '/deploy', 'api prod v1.2.0');
    expect(absent.text).toContain(`\`${sha}\` has not been deployed to *staging* successfully`);

    const staging = await newRequest(h, 'U0ALICE', '/deploy', 'api staging v1.2.0', 'Deploy api to staging');
    expect((await settled(h, staging)).text).toContain(':white_check_mark:');

    const baking = await h.run('U0ALICE', '/deploy', 'api prod v1.2.0');
    expect(baking.text).toContain(`\`${sha}\` finished deploying to *staging* at 2026-11-25 10:`);
    expect(baking.text).toMatch(
      /it can go to \*prod\* after its 30m bake, at 2026-11-25 10:[34]\d UTC \(in (29|30)m\)/,
    );

    clock.jump(31 * 60_000);
    const baked = await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.2.0', 'Deploy api to prod');
    expect(textOf(baked)).toContain('Promotion');
    expect(textOf(baked)).toContain('bake 30m');
  });

  it('does not hold back rollbacks', async () => {
    const rollback = await newRequest(h, 'U0BOB', '/rollback', 'api prod', 'Roll back api in prod');
    expect(textOf(rollback)).not.toContain('Promotion');
    expect(textOf(rollback)).not.toContain('has not been deployed');
  });
});
