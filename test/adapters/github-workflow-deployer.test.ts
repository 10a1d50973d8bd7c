import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { GitHubWorkflowDeployer, createOctokit } from '../../src/adapters/github/index.ts';
import { UserError } from '../../src/core/errors.ts';
import type { DeployHistory, DeployInput, Target } from '../../src/ports/backends.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { epochMs, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { seedApi, startGitHub } from '../sandbox/github-harness.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const prod: Target = { service: 'api', env: 'prod' };
const sha7 = (sha: string | undefined) => (sha ?? '').slice(0, 7);

type HistoryEntry = { ref: string; sha: string | undefined };

/** Deploys opsdeck saw succeed, newest first, per service and environment. */
function fakeHistory(byTarget: Record<string, HistoryEntry[]> = {}): DeployHistory {
  return {
    async succeededDeploys(target, limit) {
      const entries = byTarget[`${target.service}/${target.env}`] ?? [];
      return entries
        .slice(0, limit)
        .map((e, i) => ({ ...e, at: new Date(WEEKDAY.getTime() - (i + 1) * 60_000), requestId: `req_${i}` }));
    },
  };
}

/** An older GitHub Enterprise Server: refuses `return_run_details` like GHES does, forwards the rest. */
async function olderServer(gh: GitHubEmulator) {
  const refused: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    if (req.url?.endsWith('/dispatches') && body.includes('return_run_details')) {
      refused.push(req.url);
      const message = 'Invalid request.\n\n"return_run_details" is not a permitted key.';
      res.writeHead(422, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          message,
          documentation_url: 'https://docs.github.com/enterprise-server@3.14/rest',
          status: '422',
        }),
      );
      return;
    }
    const upstream = await fetch(new URL(req.url ?? '/', gh.url), {
      method: req.method,
      headers: { authorization: req.headers.authorization ?? '', 'content-type': 'application/json' },
      body: body === '' ? undefined : body,
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, refused };
}

async function setUp(
  options: {
    inputs?: string[];
    history?: (shas: readonly string[]) => DeployHistory;
    olderServer?: boolean;
    runName?: string;
  } = {},
) {
  const clock = pinnedClock(WEEKDAY);
  const gh = await startGitHub({ token: 't', stepMs: 20, now: epochMs(clock) });
  const { shas } = seedApi(gh);
  gh.seedWorkflow({
    repo: 'acme/api',
    file: 'deploy.yml',
    name: 'Deploy',
    inputs: options.inputs ?? ['ref', 'environment'],
    ...(options.runName ? { runName: options.runName } : {}),
  });
  const proxy = options.olderServer ? await olderServer(gh) : undefined;
  const octokit = createOctokit({ baseUrl: proxy?.url ?? gh.url, token: 't', log: silent, retryAfterBaseValue: 1 });
  const deployer = new GitHubWorkflowDeployer(octokit, {
    repo: 'acme/api',
    workflow: 'deploy.yml',
    defaultRef: 'main',
    history: options.history?.(shas) ?? fakeHistory(),
    clock,
    pollMs: 20,
  });
  return { gh, shas, deployer, refused: proxy?.refused ?? [] };
}

const input = (ref: string, sha: string | undefined, target = prod): DeployInput => ({
  target,
  ref,
  sha,
  requester: 'U0ALICE',
  reason: undefined,
  requestId: 'req_1',
  autoRollback: false,
});

const dispatches = (gh: GitHubEmulator) => gh.requests.filter((r) => r.path.endsWith('/dispatches'));

describe('GitHubWorkflowDeployer: deploy', () => {
  it('dispatches on the tag with ref and environment inputs and follows the returned run', async () => {
    const { gh, shas, deployer } = await setUp();
    const progress = vi.fn(async (_text: string) => {});
    const outcome = await deployer.deploy(input('v1.1.0', shas[4]), progress);

    const [run] = gh.runs('acme/api');
    expect(run).toMatchObject({
      headBranch: 'v1.1.0',
      inputs: { ref: shas[4], environment: 'prod' },
      status: 'completed',
    });
    expect(outcome).toEqual({
      ok: true,
      summary: `v1.1.0 (${sha7(shas[4])}) is live in prod (deploy.yml run #1).`,
      url: `${gh.webUrl}/acme/api/actions/runs/${run?.id}`,
    });
    // GitHub said which run it started: no searching the run list.
    expect(dispatches(gh).map((r) => r.status)).toEqual([200]);
    expect(gh.requests.some((r) => r.path.includes('/runs?'))).toBe(false);
    const lines = progress.mock.calls.map(([text]) => text);
    expect(lines[0]).toBe(`Dispatched deploy.yml on v1.1.0 in acme/api to deploy v1.1.0 (${sha7(shas[4])}) to prod`);
    expect(lines.at(-1)).toBe('deploy.yml run #1 completed');
  });

  it('dispatches a commit on the default branch, passing the sha as the ref input', async () => {
    const { gh, shas, deployer } = await setUp();
    const outcome = await deployer.deploy(
      input(sha7(shas[3]), shas[3], { service: 'api', env: 'staging' }),
      async () => {},
    );
    expect(outcome.ok).toBe(true);
    expect(gh.runs('acme/api')[0]).toMatchObject({
      headBranch: 'main',
      inputs: { ref: shas[3], environment: 'staging' },
    });
  });

  it('reports a run that concludes with failure', async () => {
    const { gh, deployer } = await setUp();
    gh.failNextRun('acme/api', 'deploy.yml');
    const outcome = await deployer.deploy(input('feature', gh.shaOf('acme/api', 'feature')), async () => {});
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toBe(
      `deploy.yml run #1 for feature (${sha7(gh.shaOf('acme/api', 'feature'))}) to prod concluded failure.`,
    );
    expect(outcome.url).toBe(`${gh.webUrl}/acme/api/actions/runs/1`);
  });

  it('turns a refused dispatch (undeclared input) into a UserError naming the workflow', async () => {
    const { gh, shas, deployer } = await setUp({ inputs: ['version'] });
    const error = await deployer.deploy(input('v1.1.0', shas[4]), async () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      'Workflow deploy.yml in acme/api refused the dispatch: Unexpected inputs provided: ["ref","environment"]',
    );
    expect(gh.runs('acme/api')).toEqual([]);
  });

  it('falls back to a plain dispatch and finds the run on a server without return_run_details', async () => {
    const { gh, shas, deployer, refused } = await setUp({ olderServer: true });
    const first = await deployer.deploy(input('v1.0.0', shas[2]), async () => {});
    expect(first).toMatchObject({ ok: true, url: `${gh.webUrl}/acme/api/actions/runs/1` });
    expect(gh.runs('acme/api')).toHaveLength(1);
    expect(dispatches(gh).map((r) => r.status)).toEqual([204]);
    const searches = gh.requests.filter((r) => r.path.startsWith('/repos/acme/api/actions/workflows/deploy.yml/runs?'));
    expect(searches.at(-1)?.path).toMatch(/event=workflow_dispatch.*created=%3E%3D\d{4}-/);

    // The refusal is remembered: the next deploy does not ask again.
    const second = await deployer.deploy(input('v1.1.0', shas[4]), async () => {});
    expect(second).toMatchObject({ ok: true, url: `${gh.webUrl}/acme/api/actions/runs/2` });
    expect(gh.runs('acme/api')[0]?.inputs).toEqual({ ref: shas[4], environment: 'prod' });
    expect(refused).toHaveLength(1);
  });
});

describe('GitHubWorkflowDeployer: current and rollback from opsdeck history', () => {
  it('reads what runs from the newest successful deploy', async () => {
    const history = (shas: readonly string[]) =>
      fakeHistory({
        'api/prod': [{ ref: 'v1.1.0', sha: shas[4] }],
        'api/staging': [{ ref: 'feature', sha: undefined }],
      });
    const { shas, deployer } = await setUp({ history });
    expect(await deployer.current(prod)).toEqual({
      ref: 'v1.1.0',
      sha: shas[4],
      description: `v1.1.0 (${sha7(shas[4])}) via deploy.yml`,
    });
    expect(await deployer.current({ service: 'api', env: 'staging' })).toEqual({
      ref: 'feature',
      sha: undefined,
      description: 'feature via deploy.yml',
    });
    expect(await deployer.current({ service: 'web', env: 'prod' })).toBeUndefined();
  });

  it('plans the newest earlier deploy of another commit, or a given ref', async () => {
    const history = (shas: readonly string[]) =>
      fakeHistory({
        'api/prod': [
          { ref: 'main', sha: shas[4] },
          { ref: 'v1.1.0', sha: shas[4] },
          { ref: 'v1.0.0', sha: shas[2] },
        ],
      });
    const { shas, deployer } = await setUp({ history });
    expect(await deployer.planRollback(prod, undefined)).toEqual({
      from: `main (${sha7(shas[4])})`,
      to: `v1.0.0 (${sha7(shas[2])})`,
      params: { ref: 'v1.0.0', sha: shas[2] },
    });
    expect(await deployer.planRollback(prod, 'feature')).toMatchObject({ to: expect.stringMatching(/^feature \(/) });
    await expect(deployer.planRollback(prod, 'v9.9')).rejects.toThrow(UserError);
  });

  it('has nothing to roll back to with one version on record', async () => {
    const history = (shas: readonly string[]) =>
      fakeHistory({
        'api/prod': [
          { ref: 'v1.1.0', sha: shas[4] },
          { ref: 'main', sha: shas[4] },
        ],
      });
    const { deployer } = await setUp({ history });
    const nothing = 'nothing to roll back to: no earlier successful deployment of api to prod';
    await expect(deployer.planRollback(prod, undefined)).rejects.toThrow(new UserError(nothing));
    await expect(deployer.planRollback({ service: 'api', env: 'staging' }, undefined)).rejects.toThrow(
      'nothing to roll back to: no earlier successful deployment of api to staging',
    );
  });

  it('rolls back by dispatching the planned version again', async () => {
    const history = (shas: readonly string[]) =>
      fakeHistory({
        'api/prod': [
          { ref: 'v1.1.0', sha: shas[4] },
          { ref: 'v1.0.0', sha: shas[2] },
        ],
      });
    const { gh, shas, deployer } = await setUp({ history });
    const plan = await deployer.planRollback(prod, undefined);
    const outcome = await deployer.rollback(prod, plan, { requester: 'U0BOB', requestId: 'req_9' }, async () => {});
    expect(outcome.ok).toBe(true);
    expect(gh.runs('acme/api')[0]).toMatchObject({
      headBranch: 'v1.0.0',
      inputs: { ref: shas[2], environment: 'prod' },
    });
  });
});

describe("GitHubWorkflowDeployer: current and rollback from the workflow's runs", () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, which the emulator expands.
  const runName = 'Deploy ${{ inputs.ref }} to ${{ inputs.environment }}';
  const HOUR = 3_600_000;

  async function withRuns(history?: (shas: readonly string[]) => DeployHistory) {
    const world = await setUp({ runName, ...(history ? { history } : {}) });
    const seed = (ref: string, env: string, ageMs: number, conclusion: 'success' | 'failure' = 'success') =>
      world.gh.seedRun({
        repo: 'acme/api',
        workflow: 'deploy.yml',
        ref,
        inputs: { ref, environment: env },
        conclusion,
        ageMs,
      });
    seed('v1.0.0', 'prod', 5 * HOUR);
    seed('v1.0.0', 'staging', 4 * HOUR);
    seed('v1.1.0', 'prod', 3 * HOUR);
    seed('feature', 'prod', 2 * HOUR, 'failure');
    seed('feature', 'staging', HOUR);
    return world;
  }

  it('reads what runs from the last successful run to the environment, not a later failed one', async () => {
    const { shas, deployer } = await withRuns();
    const moment = new Date(WEEKDAY.getTime() - 3 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
    expect(await deployer.current(prod)).toEqual({
      ref: 'v1.1.0',
      sha: shas[4],
      description: `v1.1.0 (${sha7(shas[4])}), deployed ${moment} UTC by deploy.yml run #3`,
    });
    expect(await deployer.current({ service: 'api', env: 'staging' })).toMatchObject({ ref: 'feature' });
    expect(await deployer.current({ service: 'api', env: 'qa' })).toBeUndefined();
  });

  it("falls back to opsdeck's record for an environment no named run went to", async () => {
    const history = (shas: readonly string[]) => fakeHistory({ 'api/qa': [{ ref: 'v1.0.0', sha: shas[2] }] });
    const { shas, deployer } = await withRuns(history);
    expect(await deployer.current({ service: 'api', env: 'qa' })).toEqual({
      ref: 'v1.0.0',
      sha: shas[2],
      description: `v1.0.0 (${sha7(shas[2])}) via deploy.yml`,
    });
  });

  it('rolls back to the successful run before the current one', async () => {
    const { shas, deployer } = await withRuns();
    expect(await deployer.planRollback(prod, undefined)).toEqual({
      from: `v1.1.0 (${sha7(shas[4])})`,
      to: `v1.0.0 (${sha7(shas[2])})`,
      params: { ref: 'v1.0.0', sha: shas[2] },
    });
  });

  it('names a run opsdeck dispatched with a sha by the ref it was asked for', async () => {
    const history = (shas: readonly string[]) => fakeHistory({ 'api/prod': [{ ref: 'v1.0.0', sha: shas[2] }] });
    const { shas, deployer } = await withRuns(history);
    expect((await deployer.deploy(input('v1.0.0', shas[2]), async () => {})).ok).toBe(true);
    expect(await deployer.current(prod)).toMatchObject({ ref: 'v1.0.0', sha: shas[2] });
    expect(await deployer.planRollback(prod, undefined)).toMatchObject({ to: `v1.1.0 (${sha7(shas[4])})` });
  });
});
