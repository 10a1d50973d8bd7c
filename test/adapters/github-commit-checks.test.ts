import { describe, expect, it } from 'vitest';
import { createOctokit, GitHubCommitChecks } from '../../src/adapters/github/index.ts';
import { BackendError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { CheckConclusion, CheckStatus, CommitState } from '../../src/sandbox/github/index.ts';
import { seedApi, startGitHub } from '../sandbox/github-harness.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

async function setUp() {
  const gh = await startGitHub({ token: 'test-token', webUrl: 'https://github.example' });
  const { shas } = seedApi(gh);
  const octokit = createOctokit({ baseUrl: gh.url, token: 'test-token', log: silent, retryAfterBaseValue: 1 });
  return { gh, sha: shas[4] ?? '', checks: new GitHubCommitChecks(octokit) };
}

describe('GitHubCommitChecks', () => {
  it.each<{ state: CommitState; expected: string }>([
    { state: 'success', expected: 'passed' },
    { state: 'pending', expected: 'pending' },
    { state: 'failure', expected: 'failed' },
    { state: 'error', expected: 'failed' },
  ])('reads a $state commit status as $expected', async ({ state, expected }) => {
    const { gh, sha, checks } = await setUp();
    gh.setCommitStatus('acme/api', sha, 'ci/build', state, { targetUrl: 'https://ci.example/1' });
    expect(await checks.read('acme/api', sha)).toEqual([
      expect.objectContaining({ name: 'ci/build', state: expected, url: 'https://ci.example/1' }),
    ]);
  });

  it.each<{ status?: CheckStatus; conclusion?: CheckConclusion; expected: string; detail: string }>([
    { conclusion: 'success', expected: 'passed', detail: 'success' },
    { conclusion: 'neutral', expected: 'passed', detail: 'neutral' },
    { conclusion: 'skipped', expected: 'passed', detail: 'skipped' },
    { conclusion: 'failure', expected: 'failed', detail: 'failure' },
    { conclusion: 'timed_out', expected: 'failed', detail: 'timed_out' },
    { conclusion: 'cancelled', expected: 'failed', detail: 'cancelled' },
    { conclusion: 'action_required', expected: 'failed', detail: 'action_required' },
    { status: 'queued', expected: 'pending', detail: 'queued' },
    { status: 'in_progress', expected: 'pending', detail: 'in progress' },
  ])('reads a check run ($status $conclusion) as $expected', async ({ status, conclusion, expected, detail }) => {
    const { gh, sha, checks } = await setUp();
    const id = gh.addCheckRun('acme/api', sha, { name: 'test', status, conclusion });
    expect(await checks.read('acme/api', sha)).toEqual([
      { name: 'test', state: expected, detail, url: `https://github.example/acme/api/runs/${id}` },
    ]);
  });

  it('reads every page of statuses and only the newest run of each check', async () => {
    const { gh, sha, checks } = await setUp();
    for (let i = 0; i < 130; i++) gh.setCommitStatus('acme/api', sha, `ctx-${i}`, 'success');
    gh.addCheckRun('acme/api', sha, { name: 'test', conclusion: 'failure' });
    gh.addCheckRun('acme/api', sha, { name: 'test', conclusion: 'success' });
    const read = await checks.read('acme/api', sha);
    expect(read.filter((c) => c.name.startsWith('ctx-'))).toHaveLength(130);
    expect(read.filter((c) => c.name === 'test').map((c) => c.state)).toEqual(['passed']);
  });

  it('says what it was reading when GitHub fails', async () => {
    const { gh, sha, checks } = await setUp();
    gh.injectFailure({ pathPattern: /check-runs/, kind: 'notFound', times: 5 });
    const error = await checks.read('acme/api', sha).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toBe(
      `Reading the check runs of ${sha.slice(0, 7)} in acme/api failed: GitHub answered 404 Not Found`,
    );
  });
});
