import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBackends, type Backends } from '../helpers/backends.ts';
import { startHarness, teamConfigText, textOf, type Harness } from '../helpers/harness.ts';
import { click, hasButtons, newRequest, requestIn, settled } from '../helpers/requests.ts';

// Each test gets its own world (api runs v1.1.0 in both clusters, four commits behind main) and its own bot.
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

const HOUR = 3_600_000;
const status = async (target: string) => textOf(await h.run('U0CAROL', '/ops', `status ${target}`));

describe('/ops status tells how the last change of each kind ended', () => {
  it('shows a failed deploy that rolled itself back, with the pod problem, next to a scale', async () => {
    world.clusters.prod.failNextRollout('api', 'api', 'crash-loop');
    await newRequest(h, 'U0ALICE', '/deploy', 'api prod v1.0.0', 'Deploy api to prod');
    const request = await h.slack.waitFor(() => {
      const m = requestIn(h.slack, 'Deploy api to prod');
      return m && hasButtons(m) ? m : undefined;
    });
    await click(h, 'U0BOB', request, 'approve');
    expect((await settled(h, request)).text).toContain(':x:');
    // The thread's one progress message named the pod problem while the rollout ran, against its deadline.
    const edits = h.slack.calls('chat.update').map((call) => String(call.args.text));
    expect(edits).toContainEqual(
      expect.stringMatching(
        /Rolling out ghcr\.io\/acme\/api:v1\.0\.0: .*CrashLoopBackOff \(api, \d+ restarts?\) \(\d+s of 10m\)/,
      ),
    );

    const scale = await newRequest(h, 'U0ALICE', '/scale', 'api staging 4', 'Scale api in staging');
    expect((await settled(h, scale)).text).toContain(':white_check_mark:');

    const prod = await status('api prod');
    expect(prod).toMatch(/\*Version:\* ghcr\.io\/acme\/api:v1\.1\.0 .*4 commits behind main \(<[^|>]+\|compare>\)/);
    expect(prod).toContain('*Last deploy:* `v1.0.0` (');
    expect(prod).toMatch(/by <@U0ALICE> at \d{4}-\d\d-\d\d \d\d:\d\d UTC: :x: failed, rolled back automatically: /);
    expect(prod).toMatch(/Rollout of ghcr\.io\/acme\/api:v1\.0\.0 to api in prod failed: progress deadline exceeded;/);
    expect(prod).toMatch(/CrashLoopBackOff \(api, \d+ restarts?\)/);
    expect(prod).not.toContain('Last scale');

    const staging = await status('api staging');
    expect(staging).toMatch(
      /\*Last scale:\* to 4 replicas by <@U0ALICE> at [^:]+:\d\d UTC: :white_check_mark: succeeded/,
    );
    expect(staging).not.toContain('Last deploy');
  });
});

describe('services deployed through GitHub show what runs and roll back to the version before', () => {
  it('github-deployment: the last successful deployment, a compare link, a rollback to the one before', async () => {
    const { github } = world;
    const v090 = github.shaOf('acme/worker', 'v0.9.0');
    github.seedDeployment({ repo: 'acme/worker', ref: 'v0.9.0', environment: 'staging', ageMs: 3 * HOUR });
    const v100 = github.addTag('acme/worker', 'v1.0.0', github.addCommit('acme/worker', 'main', 'Retry jobs'));
    github.seedDeployment({ repo: 'acme/worker', ref: 'v1.0.0', environment: 'staging', ageMs: 2 * HOUR });
    github.seedDeployment({ repo: 'acme/worker', ref: 'main', environment: 'staging', state: 'failure', ageMs: HOUR });
    github.addCommit('acme/worker', 'main', 'Drain queues on shutdown');

    const before = await status('worker staging');
    expect(before).toMatch(
      new RegExp(`\\*Version:\\* v1\\.0\\.0 \\(${v100.slice(0, 7)}\\), deployed [^,]+ by GitHub deployment #2`),
    );
    expect(before).toContain(`1 commit behind main (<${github.webUrl}/acme/worker/compare/${v100}...main|compare>)`);

    const rollback = await newRequest(h, 'U0ALICE', '/rollback', 'worker staging', 'Roll back worker in staging');
    expect(textOf(rollback)).toContain(`v0.9.0 (${v090.slice(0, 7)})`);
    // What the rollback takes out, linked: the running commit compared with the one it goes back to.
    expect(textOf(rollback)).toContain(
      `1 commit *behind* (<${github.webUrl}/acme/worker/compare/${v100}...${v090}|compare>)`,
    );
    expect((await settled(h, rollback)).text).toContain(':white_check_mark:');
    expect(github.deployments('acme/worker')[0]).toMatchObject({ sha: v090, environment: 'staging' });

    const after = await status('worker staging');
    expect(after).toMatch(new RegExp(`\\*Version:\\* v0\\.9\\.0 \\(${v090.slice(0, 7)}\\), deployed`));
    expect(after).toMatch(/\d+ commits behind main/);
    expect(after).toMatch(
      /\*Last rollback:\* to v0\.9\.0 \([0-9a-f]{7}\) by <@U0ALICE> at .*: :white_check_mark: succeeded/,
    );
  });

  it('github-workflow: the last successful run to the environment, a rollback dispatching the one before', async () => {
    const { github } = world;
    const v200 = github.shaOf('acme/web', 'v2.0.0');
    const run = (ref: string, ageMs: number, conclusion: 'success' | 'failure' = 'success') =>
      github.seedRun({
        repo: 'acme/web',
        workflow: 'deploy.yml',
        ref,
        inputs: { ref, environment: 'staging' },
        conclusion,
        ageMs,
      });
    run('v2.0.0', 3 * HOUR);
    const v210 = github.addTag('acme/web', 'v2.1.0', github.addCommit('acme/web', 'main', 'New checkout page'));
    run('v2.1.0', 2 * HOUR);
    run('main', HOUR, 'failure');

    const before = await status('web staging');
    expect(before).toMatch(
      new RegExp(`\\*Version:\\* v2\\.1\\.0 \\(${v210.slice(0, 7)}\\), deployed [^,]+ by deploy\\.yml run #2`),
    );
    expect(before).toContain('the head of main (<');

    const rollback = await newRequest(h, 'U0ALICE', '/rollback', 'web staging', 'Roll back web in staging');
    expect(textOf(rollback)).toContain(`v2.0.0 (${v200.slice(0, 7)})`);
    expect((await settled(h, rollback)).text).toContain(':white_check_mark:');
    expect(github.runs('acme/web')[0]).toMatchObject({ inputs: { ref: v200, environment: 'staging' } });

    // The run names the commit it deployed; opsdeck's own record names it by the ref people know.
    const after = await status('web staging');
    expect(after).toMatch(
      new RegExp(`\\*Version:\\* v2\\.0\\.0 \\(${v200.slice(0, 7)}\\), deployed [^,]+ by deploy\\.yml run #4`),
    );
    expect(after).toMatch(/1 commit behind main|\d+ commits behind main/);
  });
});
