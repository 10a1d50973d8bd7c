import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { describe, expect, it, vi } from 'vitest';
import type { FailureKind, GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { failureOf, octokitFor, seedApi, startGitHub } from './github-harness.ts';

const repo = { owner: 'acme', repo: 'api' };
const repoPath = /^\/repos\/acme\/api$/;
const statusesOf = (gh: GitHubEmulator, path: string) =>
  gh.requests.filter((r) => r.path === path).map((r) => r.status);
type LimitHandler = (retryAfter: number) => boolean;

/** The production composition, with both plugins' waits scaled from seconds down to 10 ms. */
function resilientOctokit(
  gh: GitHubEmulator,
  handlers: { onSecondaryRateLimit?: LimitHandler; onRateLimit?: LimitHandler } = {},
) {
  const Resilient = Octokit.plugin(throttling, retry);
  return new Resilient({
    baseUrl: gh.url,
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    retry: { retryAfterBaseValue: 10 },
    throttle: {
      retryAfterBaseValue: 10,
      onSecondaryRateLimit: handlers.onSecondaryRateLimit ?? (() => true),
      onRateLimit: handlers.onRateLimit ?? (() => true),
    },
  });
}

describe('GitHub emulator: failure injection', () => {
  it.each([
    { kind: '500', status: 500, message: 'Server Error' },
    { kind: '502', status: 502, message: 'Bad Gateway' },
    { kind: 'notFound', status: 404, message: 'Not Found' },
    { kind: 'secondaryRateLimit', status: 403, message: 'You have exceeded a secondary rate limit' },
    { kind: 'primaryRateLimit', status: 403, message: 'API rate limit exceeded' },
  ] as const)('injects $kind once, in GitHub error shape', async ({ kind, status, message }) => {
    const gh = await startGitHub({ retryAfterSec: 2 });
    seedApi(gh);
    gh.injectFailure({ kind: kind satisfies FailureKind });
    const octokit = octokitFor(gh);
    const error = await failureOf(octokit.rest.repos.get(repo));
    expect(error.status).toBe(status);
    expect(String(error.response.data.message)).toContain(message);
    expect(error.response.data.documentation_url).toEqual(expect.stringContaining('https://docs.github.com/'));
    expect(error.response.headers['x-github-request-id']).toBeTruthy();
    expect(error.response.headers['x-ratelimit-limit']).toBe('5000');
    if (kind === 'secondaryRateLimit') expect(error.response.headers['retry-after']).toBe('2');
    if (kind === 'primaryRateLimit') {
      expect(error.response.headers['x-ratelimit-remaining']).toBe('0');
      expect(Number(error.response.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    }
    expect((await octokit.rest.repos.get(repo)).status).toBe(200);
  });

  it('matches by method and path pattern, for the given number of times', async () => {
    const gh = await startGitHub({ autoProgress: false });
    seedApi(gh);
    gh.injectFailure({ method: 'post', pathPattern: /\/deployments$/, times: 2, kind: '500' });
    const octokit = octokitFor(gh);
    expect((await octokit.rest.repos.listDeployments(repo)).status).toBe(200);
    expect((await octokit.rest.repos.get(repo)).status).toBe(200);
    const create = () => octokit.rest.repos.createDeployment({ ...repo, ref: 'main' });
    expect((await failureOf(create())).status).toBe(500);
    expect((await failureOf(create())).status).toBe(500);
    expect((await create()).status).toBe(201);
    expect(gh.deployments('acme/api')).toHaveLength(1);
  });

  it('keeps failing until disarmed', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    const disarm = gh.injectFailure({ pathPattern: repoPath, times: Infinity, kind: '502' });
    const octokit = octokitFor(gh);
    for (let i = 0; i < 3; i++) expect((await failureOf(octokit.rest.repos.get(repo))).status).toBe(502);
    disarm();
    expect((await octokit.rest.repos.get(repo)).status).toBe(200);
  });

  it('delays a request and then answers it normally', async () => {
    const gh = await startGitHub();
    const { shas } = seedApi(gh);
    gh.injectFailure({ kind: 'delayMs', delayMs: 20 });
    const { status, data } = await octokitFor(gh).rest.repos.getCommit({ ...repo, ref: 'main' });
    expect(status).toBe(200);
    expect(data.sha).toBe(shas[4]);
  });

  it('holds a delayed request while others are answered, and close() does not wait for it', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    gh.injectFailure({ pathPattern: repoPath, kind: 'delayMs', delayMs: 60_000 });
    const octokit = octokitFor(gh);
    const held = octokit.rest.repos.get(repo).then(
      () => 'answered',
      () => 'dropped',
    );
    expect((await octokit.rest.repos.getBranch({ ...repo, branch: 'main' })).status).toBe(200);
    expect(gh.requests.map((r) => r.path)).toEqual(['/repos/acme/api/branches/main']);
    await gh.close();
    expect(await held).toBe('dropped');
  });
});

describe('GitHub emulator: with the throttling and retry plugins', () => {
  it('lets the retry plugin retry an injected 502 transparently', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    gh.injectFailure({ pathPattern: repoPath, kind: '502' });
    const { data } = await resilientOctokit(gh).rest.repos.get(repo);
    expect(data.full_name).toBe('acme/api');
    expect(statusesOf(gh, '/repos/acme/api')).toEqual([502, 200]);
  });

  it('gives up after the retry plugin spends its retries', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    gh.injectFailure({ pathPattern: repoPath, kind: '500', times: 10 });
    const error = await failureOf(resilientOctokit(gh).rest.repos.get(repo));
    expect(error.status).toBe(500);
    expect(statusesOf(gh, '/repos/acme/api')).toEqual([500, 500, 500, 500]);
  });

  it('calls onSecondaryRateLimit with retry-after, and succeeds when the handler asks for a retry', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    gh.injectFailure({ pathPattern: repoPath, kind: 'secondaryRateLimit' });
    const onSecondaryRateLimit = vi.fn((_retryAfter: number) => true);
    const { data } = await resilientOctokit(gh, { onSecondaryRateLimit }).rest.repos.get(repo);
    expect(data.full_name).toBe('acme/api');
    expect(onSecondaryRateLimit).toHaveBeenCalledTimes(1);
    expect(onSecondaryRateLimit.mock.calls[0]?.[0]).toBe(1);
    expect(statusesOf(gh, '/repos/acme/api')).toEqual([403, 200]);
  });

  it('calls onRateLimit for a primary limit, and succeeds when the handler asks for a retry', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    gh.injectFailure({ pathPattern: repoPath, kind: 'primaryRateLimit' });
    const onRateLimit = vi.fn(() => true);
    const { data } = await resilientOctokit(gh, { onRateLimit }).rest.repos.get(repo);
    expect(data.full_name).toBe('acme/api');
    expect(onRateLimit).toHaveBeenCalledTimes(1);
    expect(statusesOf(gh, '/repos/acme/api')).toEqual([403, 200]);
  });

  it('surfaces the 403 when the secondary-limit handler declines to retry', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    gh.injectFailure({ pathPattern: repoPath, kind: 'secondaryRateLimit' });
    const onSecondaryRateLimit = vi.fn(() => false);
    const error = await failureOf(resilientOctokit(gh, { onSecondaryRateLimit }).rest.repos.get(repo));
    expect(error.status).toBe(403);
    expect(onSecondaryRateLimit).toHaveBeenCalledTimes(1);
    expect(statusesOf(gh, '/repos/acme/api')).toEqual([403]);
  });
});
