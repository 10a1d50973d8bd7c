import { describe, expect, it, vi } from 'vitest';
import { GitHubDeploymentDeployer, createOctokit } from '../../src/adapters/github/index.ts';
import { UserError } from '../../src/core/errors.ts';
import type { DeployInput, Target } from '../../src/ports/backends.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { epochMs, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { octokitFor, seedApi, startGitHub } from '../sandbox/github-harness.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const prod: Target = { service: 'api', env: 'prod' };
const sha7 = (sha: string | undefined) => (sha ?? '').slice(0, 7);

async function setUp(options: { requiredContexts?: string[]; followTimeoutMs?: number; autoProgress?: boolean } = {}) {
  const clock = pinnedClock(WEEKDAY);
  const gh = await startGitHub({ token: 't', stepMs: 20, autoProgress: options.autoProgress, now: epochMs(clock) });
  const { shas } = seedApi(gh);
  const octokit = createOctokit({ baseUrl: gh.url, token: 't', log: silent, retryAfterBaseValue: 1 });
  const deployer = new GitHubDeploymentDeployer(octokit, {
    repo: 'acme/api',
    clock,
    requiredContexts: options.requiredContexts,
    pollMs: 20,
    followTimeoutMs: options.followTimeoutMs,
  });
  return { gh, shas, deployer };
}

const input = (ref: string, sha: string | undefined, target = prod): DeployInput => ({
  target,
  ref,
  sha,
  requester: 'U0ALICE',
  reason: 'ship the timeout fix',
  requestId: 'req_1',
  autoRollback: false,
});

/** A finished deployment made by someone else (a plain client, as the deploy system would see it). */
async function seedDeployment(
  gh: GitHubEmulator,
  ref: string,
  env: string,
  outcome: 'success' | 'failure' = 'success',
) {
  if (outcome === 'failure') gh.failNextDeployment('acme/api');
  const { data } = await octokitFor(gh, 't').rest.repos.createDeployment({
    owner: 'acme',
    repo: 'api',
    ref,
    environment: env,
    auto_merge: false,
    required_contexts: [],
    payload: { ref },
  });
  const id = 'id' in data ? data.id : -1;
  await vi.waitFor(() => {
    expect(
      gh
        .deployments('acme/api')
        .find((d) => d.id === id)
        ?.statuses.at(-1)?.state,
    ).toBe(outcome);
  });
}

describe('GitHubDeploymentDeployer: deploy and current', () => {
  it('knows nothing runs before the first deployment', async () => {
    const { deployer } = await setUp();
    expect(await deployer.current(prod)).toBeUndefined();
  });

  it('creates a deployment of the sha, follows its statuses and links the log', async () => {
    const { gh, shas, deployer } = await setUp();
    const progress = vi.fn(async (_text: string) => {});
    const outcome = await deployer.deploy(input('v1.1.0', shas[4]), progress);

    const [created] = gh.deployments('acme/api');
    expect(created).toMatchObject({
      ref: shas[4],
      sha: shas[4],
      environment: 'prod',
      production: true,
      payload: { requester: 'U0ALICE', requestId: 'req_1', ref: 'v1.1.0', reason: 'ship the timeout fix' },
      description: `Deploy v1.1.0 (${sha7(shas[4])}) to prod for U0ALICE: ship the timeout fix`,
    });
    expect(outcome).toEqual({
      ok: true,
      summary: `v1.1.0 (${sha7(shas[4])}) is live in prod (GitHub deployment #${created?.id}).`,
      url: `${gh.webUrl}/acme/api/deployments/${created?.id}/log`,
    });
    const lines = progress.mock.calls.map(([text]) => text);
    expect(lines[0]).toBe(`Created GitHub deployment #${created?.id} of v1.1.0 (${sha7(shas[4])}) to prod in acme/api`);
    expect(lines.at(-1)).toBe(`GitHub deployment #${created?.id} success: Deployment finished`);
    expect(lines.some((l) => l.includes('in progress: Deploying'))).toBe(true);

    const current = await deployer.current(prod);
    expect(current).toMatchObject({ ref: 'v1.1.0', sha: shas[4] });
    expect(current?.description).toMatch(
      new RegExp(
        `^v1\\.1\\.0 \\(${sha7(shas[4])}\\), deployed \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC ` +
          `by GitHub deployment #${created?.id}$`,
      ),
    );
    expect(await deployer.current({ service: 'api', env: 'staging' })).toBeUndefined();
  });

  it('deploys a ref without a sha as typed, and marks only prod/production as production', async () => {
    const { gh, deployer } = await setUp();
    await deployer.deploy(input('feature', undefined, { service: 'api', env: 'staging' }), async () => {});
    expect(gh.deployments('acme/api')[0]).toMatchObject({ ref: 'feature', environment: 'staging', production: false });
  });

  it('reports a deployment that ends in failure with its description', async () => {
    const { gh, shas, deployer } = await setUp();
    gh.failNextDeployment('acme/api');
    const outcome = await deployer.deploy(input('v1.1.0', shas[4]), async () => {});
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toBe(
      `GitHub deployment #1 of v1.1.0 (${sha7(shas[4])}) to prod ended in failure: ` +
        'Deployment failed: health checks did not pass.',
    );
    expect(outcome.url).toBe(`${gh.webUrl}/acme/api/deployments/1/log`);
    expect(await deployer.current(prod)).toBeUndefined();
  });

  it('names the required status checks that block the deployment (409)', async () => {
    const { gh, shas, deployer } = await setUp({ requiredContexts: ['ci/test', 'security/scan'] });
    gh.setCommitStatus('acme/api', 'v1.1.0', 'ci/test', 'failure');
    gh.setCommitStatus('acme/api', 'v1.1.0', 'security/scan', 'success');
    const outcome = await deployer.deploy(input('v1.1.0', shas[4]), async () => {});
    expect(outcome).toEqual({
      ok: false,
      summary:
        `GitHub refused to deploy v1.1.0 (${sha7(shas[4])}) to prod: ` +
        'required status checks are not passing: ci/test (failure).',
    });
    expect(gh.deployments('acme/api')).toEqual([]);
  });

  it('gives up following after followTimeoutMs and says where it stood', async () => {
    const { gh, shas, deployer } = await setUp({ autoProgress: false, followTimeoutMs: 100 });
    const following = deployer.deploy(input('v1.1.0', shas[4]), async () => {});
    await vi.waitFor(() => expect(gh.deployments('acme/api')).toHaveLength(1));
    gh.step();
    const outcome = await following;
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toMatch(
      /^Stopped following GitHub deployment #1 of v1\.1\.0 .* to prod after 100 ms; its last state was queued\.$/,
    );
  });
});

describe('GitHubDeploymentDeployer: rollback', () => {
  it('plans a rollback to the newest earlier success with another sha', async () => {
    const { gh, shas, deployer } = await setUp();
    await seedDeployment(gh, 'v1.0.0', 'prod');
    await seedDeployment(gh, 'feature', 'prod', 'failure');
    await seedDeployment(gh, 'v1.1.0', 'prod');
    await seedDeployment(gh, 'main', 'prod');
    await seedDeployment(gh, 'feature', 'staging');
    expect(await deployer.planRollback(prod, undefined)).toEqual({
      from: `main (${sha7(shas[4])})`,
      to: `v1.0.0 (${sha7(shas[2])})`,
      params: { ref: 'v1.0.0', sha: shas[2] },
    });
  });

  it('plans a rollback to a given ref, resolved to its commit', async () => {
    const { gh, shas, deployer } = await setUp();
    await seedDeployment(gh, 'v1.1.0', 'prod');
    expect(await deployer.planRollback(prod, shas[1]?.slice(0, 7))).toEqual({
      from: `v1.1.0 (${sha7(shas[4])})`,
      to: sha7(shas[1]),
      params: { ref: shas[1]?.slice(0, 7), sha: shas[1] },
    });
    await expect(deployer.planRollback(prod, 'v9.9')).rejects.toThrow(
      new UserError('Unknown ref `v9.9` in acme/api: no branch, tag or commit has that name.'),
    );
    await expect(deployer.planRollback(prod, 'main')).rejects.toThrow(/is what api runs in prod now/);
  });

  it('has nothing to roll back to without an earlier success', async () => {
    const { gh, deployer } = await setUp();
    const nothing = new UserError('nothing to roll back to: no earlier successful deployment of api to prod');
    await expect(deployer.planRollback(prod, undefined)).rejects.toThrow(nothing);
    await seedDeployment(gh, 'v1.0.0', 'prod', 'failure');
    await seedDeployment(gh, 'v1.1.0', 'prod');
    await expect(deployer.planRollback(prod, undefined)).rejects.toThrow(nothing);
  });

  it('rolls back by deploying the planned sha again', async () => {
    const { gh, shas, deployer } = await setUp();
    await seedDeployment(gh, 'v1.0.0', 'prod');
    await seedDeployment(gh, 'v1.1.0', 'prod');
    const plan = await deployer.planRollback(prod, undefined);
    const outcome = await deployer.rollback(prod, plan, { requester: 'U0BOB', requestId: 'req_9' }, async () => {});
    expect(outcome.ok).toBe(true);
    expect(gh.deployments('acme/api')[0]).toMatchObject({
      ref: shas[2],
      environment: 'prod',
      payload: { requester: 'U0BOB', requestId: 'req_9', rollback: true, ref: 'v1.0.0' },
    });
    expect(await deployer.current(prod)).toMatchObject({ ref: 'v1.0.0', sha: shas[2] });
  });
});
