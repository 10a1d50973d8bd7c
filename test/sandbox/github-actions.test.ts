import { describe, expect, it, vi } from 'vitest';
import type { GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { failureOf, octokitFor, seedApi, startGitHub } from './github-harness.ts';

const repo = { owner: 'acme', repo: 'api' };
const patient = { timeout: 5000, interval: 5 };

function seedWorkflows(gh: GitHubEmulator) {
  seedApi(gh);
  const deploy = gh.seedWorkflow({
    repo: 'acme/api',
    file: 'deploy.yml',
    name: 'Deploy',
    inputs: ['environment', 'version', 'request_id'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, which the emulator expands.
    runName: 'Deploy ${{ inputs.version }} (${{ inputs.request_id }})',
  });
  const migrate = gh.seedWorkflow({ repo: 'acme/api', id: 900, file: 'migrate.yml', name: 'Migrate' });
  return { deploy, migrate };
}

describe('GitHub emulator: workflows', () => {
  it('lists workflows and gets one by id or file name', async () => {
    const gh = await startGitHub();
    const { deploy, migrate } = seedWorkflows(gh);
    const octokit = octokitFor(gh);
    const { data } = await octokit.rest.actions.listRepoWorkflows(repo);
    expect(data.total_count).toBe(2);
    expect(data.workflows.map((w) => [w.id, w.name, w.path, w.state])).toEqual([
      [deploy, 'Deploy', '.github/workflows/deploy.yml', 'active'],
      [900, 'Migrate', '.github/workflows/migrate.yml', 'active'],
    ]);
    for (const workflow_id of [deploy, 'deploy.yml'] as const) {
      expect((await octokit.rest.actions.getWorkflow({ ...repo, workflow_id })).data.id).toBe(deploy);
    }
    expect((await octokit.rest.actions.getWorkflow({ ...repo, workflow_id: 'migrate.yml' })).data.id).toBe(migrate);
    for (const workflow_id of [12345, 'nope.yml'] as const) {
      expect((await failureOf(octokit.rest.actions.getWorkflow({ ...repo, workflow_id }))).status).toBe(404);
    }
  });

  it('refuses workflows GitHub would refuse', async () => {
    const gh = await startGitHub();
    seedWorkflows(gh);
    const inputs = Array.from({ length: 26 }, (_, i) => `input_${i}`);
    expect(() => gh.seedWorkflow({ repo: 'acme/api', file: 'big.yml', name: 'Big', inputs })).toThrow(/at most 25/);
    expect(() => gh.seedWorkflow({ repo: 'acme/api', file: 'deploy.yml', name: 'Again' })).toThrow(/already exists/);
    expect(() => gh.seedWorkflow({ repo: 'acme/web', file: 'deploy.yml', name: 'Deploy' })).toThrow(/no repository/);
  });

  it('dispatches without run details (204), and the run is found by polling and followed to success', async () => {
    const gh = await startGitHub({ login: 'opsdeck-bot' });
    const { deploy } = seedWorkflows(gh);
    const octokit = octokitFor(gh);
    const since = new Date(Date.now() - 1000).toISOString();
    const dispatched = await octokit.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'deploy.yml',
      ref: 'main',
      inputs: { environment: 'prod', version: 'v1.1.0', request_id: 'req_42' },
    });
    expect(dispatched.status).toBe(204);
    const { data } = await octokit.rest.actions.listWorkflowRuns({
      ...repo,
      workflow_id: deploy,
      event: 'workflow_dispatch',
      actor: 'opsdeck-bot',
      branch: 'main',
      created: `>=${since}`,
    });
    expect(data.total_count).toBe(1);
    const [found] = data.workflow_runs;
    expect(found).toMatchObject({
      name: 'Deploy',
      display_title: 'Deploy v1.1.0 (req_42)',
      head_branch: 'main',
      head_sha: gh.shaOf('acme/api', 'main'),
      event: 'workflow_dispatch',
      workflow_id: deploy,
      run_number: 1,
      actor: { login: 'opsdeck-bot' },
      html_url: `${gh.webUrl}/acme/api/actions/runs/${found?.id}`,
    });
    const run_id = found?.id ?? 0;
    await vi.waitFor(async () => {
      const run = (await octokit.rest.actions.getWorkflowRun({ ...repo, run_id })).data;
      expect([run.status, run.conclusion]).toEqual(['completed', 'success']);
    }, patient);
    expect(gh.runs('acme/api')[0]?.inputs).toEqual({ environment: 'prod', version: 'v1.1.0', request_id: 'req_42' });
  });

  it('dispatches with return_run_details (200) and follows the returned run', async () => {
    const gh = await startGitHub();
    seedWorkflows(gh);
    const octokit = octokitFor(gh);
    const { status, data } = await octokit.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'deploy.yml',
      ref: 'v1.0.0',
      inputs: { version: 'v1.0.0' },
      return_run_details: true,
    });
    expect(status).toBe(200);
    const details = data as unknown as { workflow_run_id: number; run_url: string; html_url: string };
    expect(details.run_url).toBe(`${gh.url}/repos/acme/api/actions/runs/${details.workflow_run_id}`);
    expect(details.html_url).toBe(`${gh.webUrl}/acme/api/actions/runs/${details.workflow_run_id}`);
    const seen = new Set<string>();
    await vi.waitFor(async () => {
      const run = (await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: details.workflow_run_id })).data;
      seen.add(run.status ?? '');
      expect(run).toMatchObject({ status: 'completed', conclusion: 'success', head_branch: 'v1.0.0' });
      expect(run.head_sha).toBe(gh.shaOf('acme/api', 'v1.0.0'));
    }, patient);
    expect(seen.has('completed')).toBe(true);
  });

  it.each([
    { body: { ref: 'nope' }, message: 'No ref found for: nope' },
    { body: { ref: 'feature', inputs: { colour: 'blue' } }, message: /Unexpected inputs provided: \["colour"\]/ },
    { body: { inputs: {} }, message: /ref/ },
    { body: { ref: 'main', inputs: 'environment=prod' }, message: /inputs/ },
  ])('refuses dispatch $body with 422 and starts no run', async ({ body, message }) => {
    const gh = await startGitHub();
    seedWorkflows(gh);
    const error = await failureOf(
      octokitFor(gh).request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        ...repo,
        workflow_id: 'deploy.yml',
        ...body,
      } as never),
    );
    expect(error.status).toBe(422);
    expect(error.message).toMatch(message);
    expect(gh.runs('acme/api')).toEqual([]);
  });

  it('refuses a dispatch at a commit sha, like GitHub (branches and tags only)', async () => {
    const gh = await startGitHub();
    seedWorkflows(gh);
    const error = await failureOf(
      octokitFor(gh).rest.actions.createWorkflowDispatch({
        ...repo,
        workflow_id: 'migrate.yml',
        ref: gh.shaOf('acme/api', 'main'),
      }),
    );
    expect(error.status).toBe(422);
  });

  it('fails the next run of a workflow on demand', async () => {
    const gh = await startGitHub();
    seedWorkflows(gh);
    gh.failNextRun('acme/api', 'deploy.yml');
    const octokit = octokitFor(gh);
    const dispatch = (workflow_id: string) =>
      octokit.rest.actions.createWorkflowDispatch({ ...repo, workflow_id, ref: 'main', return_run_details: true });
    const failing = (await dispatch('deploy.yml')).data as unknown as { workflow_run_id: number };
    const passing = (await dispatch('deploy.yml')).data as unknown as { workflow_run_id: number };
    await vi.waitFor(async () => {
      const { data } = await octokit.rest.actions.listWorkflowRunsForRepo({ ...repo, status: 'completed' });
      expect(Object.fromEntries(data.workflow_runs.map((r) => [r.id, r.conclusion]))).toEqual({
        [failing.workflow_run_id]: 'failure',
        [passing.workflow_run_id]: 'success',
      });
    }, patient);
    expect(() => gh.failNextRun('acme/api', 'nope.yml')).toThrow(/no workflow/);
  });

  it('moves runs queued → in_progress → completed one step at a time', async () => {
    const gh = await startGitHub({ autoProgress: false });
    seedWorkflows(gh);
    const octokit = octokitFor(gh);
    await octokit.rest.actions.createWorkflowDispatch({ ...repo, workflow_id: 'migrate.yml', ref: 'main' });
    const observe = async () => {
      const { data } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: 1 });
      return [data.status, data.conclusion];
    };
    expect(await observe()).toEqual(['queued', null]);
    gh.step();
    expect(await observe()).toEqual(['in_progress', null]);
    gh.step();
    expect(await observe()).toEqual(['completed', 'success']);
    gh.step();
    expect(await observe()).toEqual(['completed', 'success']);
    const { data } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: 1 });
    for (const field of [data.created_at, data.updated_at, data.run_started_at]) {
      expect(field).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    expect((await failureOf(octokit.rest.actions.getWorkflowRun({ ...repo, run_id: 99 }))).status).toBe(404);
  });

  it('filters runs by workflow, status, conclusion, branch and created, newest first', async () => {
    const gh = await startGitHub({ autoProgress: false });
    seedWorkflows(gh);
    const octokit = octokitFor(gh);
    const dispatch = (workflow_id: string, ref: string) =>
      octokit.rest.actions.createWorkflowDispatch({ ...repo, workflow_id, ref });
    await dispatch('deploy.yml', 'main');
    gh.step();
    gh.step();
    await dispatch('migrate.yml', 'feature');
    await dispatch('deploy.yml', 'v1.1.0');
    const ids = async (query: Record<string, string>) =>
      (await octokit.rest.actions.listWorkflowRunsForRepo({ ...repo, ...query })).data.workflow_runs.map((r) => r.id);
    expect(await ids({})).toEqual([3, 2, 1]);
    expect(await ids({ status: 'queued' })).toEqual([3, 2]);
    expect(await ids({ status: 'completed' })).toEqual([1]);
    expect(await ids({ status: 'success' })).toEqual([1]);
    expect(await ids({ branch: 'feature' })).toEqual([2]);
    expect(await ids({ event: 'push' })).toEqual([]);
    expect(await ids({ actor: 'someone-else' })).toEqual([]);
    expect(await ids({ created: '>=2000-01-01' })).toEqual([3, 2, 1]);
    expect(await ids({ created: '<2000-01-01' })).toEqual([]);
    const perWorkflow = await octokit.rest.actions.listWorkflowRuns({ ...repo, workflow_id: 'deploy.yml' });
    expect(perWorkflow.data.workflow_runs.map((r) => [r.id, r.run_number])).toEqual([
      [3, 2],
      [1, 1],
    ]);
    const bad = await failureOf(octokit.rest.actions.listWorkflowRunsForRepo({ ...repo, created: 'yesterday' }));
    expect(bad.status).toBe(422);
  });
});
