import { describe, expect, it } from 'vitest';
import type { CommitState } from '../../src/sandbox/github/index.ts';
import { failureOf, octokitFor, seedApi, startGitHub } from './github-harness.ts';

const repo = { owner: 'acme', repo: 'api' };

describe('GitHub emulator: commit statuses and check runs', () => {
  it.each<{ states: CommitState[]; combined: string }>([
    { states: [], combined: 'pending' },
    { states: ['success', 'success'], combined: 'success' },
    { states: ['success', 'pending'], combined: 'pending' },
    { states: ['pending', 'failure'], combined: 'failure' },
    { states: ['success', 'error'], combined: 'failure' },
  ])('combines statuses $states into $combined', async ({ states, combined }) => {
    const gh = await startGitHub();
    seedApi(gh);
    for (const [i, state] of states.entries()) gh.setCommitStatus('acme/api', 'main', `ci/${i}`, state);
    const { data } = await octokitFor(gh).rest.repos.getCombinedStatusForRef({ ...repo, ref: 'main' });
    expect(data.state).toBe(combined);
    expect(data.total_count).toBe(states.length);
    expect(data.sha).toBe(gh.shaOf('acme/api', 'main'));
  });

  it('lists the newest status of each context with its link, and takes statuses posted by clients', async () => {
    const gh = await startGitHub();
    const { shas } = seedApi(gh);
    const sha = shas[4] ?? '';
    gh.setCommitStatus('acme/api', sha, 'ci/build', 'pending');
    gh.setCommitStatus('acme/api', sha, 'ci/build', 'failure', {
      targetUrl: 'https://ci.example/build/7',
      description: 'Tests failed',
    });
    const octokit = octokitFor(gh);
    const posted = await octokit.rest.repos.createCommitStatus({ ...repo, sha, state: 'success', context: 'lint' });
    expect(posted.status).toBe(201);
    const { data } = await octokit.rest.repos.getCombinedStatusForRef({ ...repo, ref: 'main' });
    expect(data.state).toBe('failure');
    expect(data.statuses.map((s) => [s.context, s.state, s.target_url])).toEqual([
      ['lint', 'success', null],
      ['ci/build', 'failure', 'https://ci.example/build/7'],
    ]);
    expect(data.statuses[1]?.description).toBe('Tests failed');
  });

  it('lists check runs, latest per name by default, filtered by name and status', async () => {
    const gh = await startGitHub({ webUrl: 'https://github.example' });
    seedApi(gh);
    gh.addCheckRun('acme/api', 'main', { name: 'test', conclusion: 'failure' });
    const rerun = gh.addCheckRun('acme/api', 'main', { name: 'test', conclusion: 'success' });
    gh.addCheckRun('acme/api', 'main', { name: 'e2e', status: 'in_progress', detailsUrl: 'https://ci.example/e2e' });
    const octokit = octokitFor(gh);
    const latest = await octokit.rest.checks.listForRef({ ...repo, ref: 'main' });
    expect(latest.data.total_count).toBe(2);
    expect(latest.data.check_runs.map((r) => [r.name, r.status, r.conclusion, r.details_url])).toEqual([
      ['e2e', 'in_progress', null, 'https://ci.example/e2e'],
      ['test', 'completed', 'success', `https://github.example/acme/api/runs/${rerun}`],
    ]);
    const all = await octokit.rest.checks.listForRef({ ...repo, ref: 'main', filter: 'all', check_name: 'test' });
    expect(all.data.check_runs.map((r) => r.conclusion)).toEqual(['success', 'failure']);
    const done = await octokit.rest.checks.listForRef({ ...repo, ref: 'main', status: 'completed' });
    expect(done.data.check_runs.map((r) => r.name)).toEqual(['test']);
    const other = await octokit.rest.checks.listForRef({ ...repo, ref: 'v1.0.0' });
    expect(other.data).toMatchObject({ total_count: 0, check_runs: [] });
  });

  it('pages check runs and answers 422 for a ref that names no commit', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    for (let i = 0; i < 5; i++) gh.addCheckRun('acme/api', 'feature', { name: `job-${i}`, conclusion: 'success' });
    const octokit = octokitFor(gh);
    const runs = await octokit.paginate(octokit.rest.checks.listForRef, { ...repo, ref: 'feature', per_page: 2 });
    expect(runs.map((r) => r.name).sort()).toEqual(['job-0', 'job-1', 'job-2', 'job-3', 'job-4']);
    const missing = await failureOf(octokit.rest.checks.listForRef({ ...repo, ref: 'nope' }));
    expect(missing.status).toBe(422);
  });

  it('still serves commits on refs with slashes next to the status routes', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    gh.addCheckRun('acme/api', 'feature', { name: 'build', conclusion: 'success' });
    const octokit = octokitFor(gh);
    const commit = await octokit.rest.repos.getCommit({ ...repo, ref: 'refs/heads/feature' });
    expect(commit.data.sha).toBe(gh.shaOf('acme/api', 'feature'));
    const runs = await octokit.rest.checks.listForRef({ ...repo, ref: 'refs/heads/feature' });
    expect(runs.data.check_runs.map((r) => r.name)).toEqual(['build']);
  });
});
