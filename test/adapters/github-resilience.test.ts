import { describe, expect, it } from 'vitest';
import { GitHubDeploymentDeployer, GitHubSourceControl, createOctokit } from '../../src/adapters/github/index.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { epochMs, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { seedApi, startGitHub } from '../sandbox/github-harness.ts';

function recordingLog() {
  const warnings: string[] = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn: (_obj, msg) => void warnings.push(msg ?? ''),
    error() {},
    child: () => log,
  };
  return { log, warnings };
}

async function setUp(options: { requestTimeoutMs?: number; autoProgress?: boolean } = {}) {
  const clock = pinnedClock(WEEKDAY);
  const gh = await startGitHub({ token: 't', stepMs: 20, autoProgress: options.autoProgress, now: epochMs(clock) });
  const { shas } = seedApi(gh);
  const { log, warnings } = recordingLog();
  // Back-off "seconds" become milliseconds, so three retries take a few ms instead of 14 s.
  const octokit = createOctokit({
    baseUrl: gh.url,
    token: 't',
    log,
    retryAfterBaseValue: 1,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const scm = new GitHubSourceControl(octokit);
  const deployer = new GitHubDeploymentDeployer(octokit, { repo: 'acme/api', clock, pollMs: 20 });
  return { gh, shas, warnings, scm, deployer };
}

const commitPath = /^\/repos\/acme\/api\/commits\//;
const answers = (gh: GitHubEmulator, pattern: RegExp) =>
  gh.requests.filter((r) => pattern.test(r.path)).map((r) => r.status);
const rejection = (call: Promise<unknown>): Promise<Error> =>
  call.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );

describe('GitHub drivers over a flaky GitHub', () => {
  it('retries 502s transparently', async () => {
    const { gh, shas, scm } = await setUp();
    gh.injectFailure({ pathPattern: commitPath, kind: '502', times: 2 });
    expect((await scm.resolveRef('acme/api', 'v1.1.0')).sha).toBe(shas[4]);
    expect(answers(gh, commitPath)).toEqual([502, 502, 200]);
  });

  it.each([
    { kind: 'secondaryRateLimit', warning: 'GitHub secondary rate limit hit' },
    { kind: 'primaryRateLimit', warning: 'GitHub primary rate limit hit' },
  ] as const)('waits out a $kind and retries, with a warning', async ({ kind, warning }) => {
    const { gh, shas, warnings, scm } = await setUp();
    gh.injectFailure({ pathPattern: commitPath, kind });
    expect((await scm.resolveRef('acme/api', 'v1.1.0')).sha).toBe(shas[4]);
    expect(answers(gh, commitPath)).toEqual([403, 200]);
    expect(warnings).toEqual([warning]);
  });

  it('stops after two rate-limit retries and names the operation', async () => {
    const { gh, warnings, scm } = await setUp();
    gh.injectFailure({ pathPattern: commitPath, kind: 'secondaryRateLimit', times: Infinity });
    const error = await rejection(scm.resolveRef('acme/api', 'v1.1.0'));
    expect(error).not.toBeInstanceOf(UserError);
    expect(error.message).toMatch(
      /^Resolving `v1\.1\.0` in acme\/api failed: GitHub answered 403 You have exceeded a secondary rate limit/,
    );
    expect(answers(gh, commitPath)).toEqual([403, 403, 403]);
    expect(warnings).toHaveLength(3);
  });

  it('does not retry answers a retry cannot change', async () => {
    const { gh, scm } = await setUp();
    await expect(scm.resolveRef('acme/api', 'v9.9')).rejects.toThrow(UserError);
    expect(answers(gh, commitPath)).toEqual([422]);
  });

  it('fails with a clear error when GitHub stays down, after the retry budget', async () => {
    const { gh, deployer } = await setUp();
    gh.injectFailure({ kind: '500', times: Infinity });
    const error = await rejection(deployer.current({ service: 'api', env: 'prod' }));
    expect(error.message).toBe('Listing deployments of acme/api to prod failed: GitHub answered 500 Server Error');
    expect(answers(gh, /\/deployments/)).toEqual([500, 500, 500, 500]);
  });

  it('ends a deploy as failed when GitHub goes down while it is followed', async () => {
    const { gh, shas, deployer } = await setUp({ autoProgress: false });
    gh.injectFailure({ pathPattern: /\/statuses$/, kind: '500', times: Infinity });
    const input = { target: { service: 'api', env: 'prod' }, ref: 'v1.1.0', sha: shas[4], requester: 'U0ALICE' };
    const deploying = deployer.deploy(
      { ...input, reason: undefined, requestId: 'req_1', autoRollback: false },
      async () => {},
    );
    const error = await rejection(deploying);
    expect(error.message).toBe(
      'Reading the statuses of deployment #1 in acme/api failed: GitHub answered 500 Server Error',
    );
    expect(gh.deployments('acme/api')).toHaveLength(1);
  });

  it('fails a request GitHub does not answer within requestTimeoutMs', async () => {
    const { gh, scm } = await setUp({ requestTimeoutMs: 50 });
    gh.injectFailure({ pathPattern: commitPath, kind: 'delayMs', delayMs: 10_000, times: Infinity });
    const error = await rejection(scm.resolveRef('acme/api', 'v1.1.0'));
    expect(error.message).toMatch(
      new RegExp(
        /^Resolving `v1\.1\.0` in acme\/api failed: GitHub did not answer /.source +
          /GET http:\/\/127\.0\.0\.1:\d+\/repos\/acme\/api\/commits\/v1\.1\.0\?per_page=1 within 50 ms$/.source,
      ),
    );
  });

  it('retries a request that timed out once, like a 5xx', async () => {
    const { gh, shas, scm } = await setUp({ requestTimeoutMs: 50 });
    gh.injectFailure({ pathPattern: commitPath, kind: 'delayMs', delayMs: 10_000 });
    expect((await scm.resolveRef('acme/api', 'v1.1.0')).sha).toBe(shas[4]);
  });
});
