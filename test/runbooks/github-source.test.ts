import { describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/adapters/github/index.ts';
import { GitHubRunbookSource, parseRepoPathSpec } from '../../src/adapters/runbooks-github/index.ts';
import type { GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { startGitHub } from '../sandbox/github-harness.ts';
import { ManualClock } from '../helpers/clock.ts';
import { recordingLogger } from './fixtures.ts';

const RUNBOOKS = {
  'README.md': '# the repo',
  'runbooks/README.md': 'how to write runbooks',
  'runbooks/high-5xx.md': '---\ntitle: High 5xx\n---\n`/ops status api prod`\n',
  'runbooks/db/connections.md': '---\ntitle: DB connections\n---\n',
  'runbooks/db/deeper/ignored.md': 'two levels down',
  'runbooks/notes.txt': 'not markdown',
  'runbooks/.drafts/wip.md': 'hidden',
};

async function setUp(options: { spec?: string; ttlMs?: number } = {}) {
  const gh = await startGitHub({ token: 'test-token', webUrl: 'https://github.example' });
  gh.seedRepo({ owner: 'acme', name: 'ops', commits: 1 });
  gh.writeFiles('acme/ops', RUNBOOKS);
  const log = recordingLogger();
  const octokit = createOctokit({ baseUrl: gh.url, token: 'test-token', log, retryAfterBaseValue: 1 });
  const clock = new ManualClock('2026-11-24T10:00:00Z');
  const source = new GitHubRunbookSource(octokit, options.spec ?? 'acme/ops/runbooks@main', {
    ttlMs: options.ttlMs ?? 60_000,
    log,
    clock,
  });
  return { gh, log, clock, source };
}

const contentRequests = (gh: GitHubEmulator) => gh.requests.filter((r) => r.path.includes('/contents')).length;

describe('GitHubRunbookSource', () => {
  it('lists markdown runbooks in the folder and its direct subfolders, with their GitHub pages', async () => {
    const { source } = await setUp();
    expect(await source.list()).toEqual([
      {
        path: 'db/connections.md',
        text: '---\ntitle: DB connections\n---\n',
        url: 'https://github.example/acme/ops/blob/main/runbooks/db/connections.md',
      },
      {
        path: 'high-5xx.md',
        text: '---\ntitle: High 5xx\n---\n`/ops status api prod`\n',
        url: 'https://github.example/acme/ops/blob/main/runbooks/high-5xx.md',
      },
    ]);
    expect(source.describe()).toBe('github:acme/ops/runbooks@main');
  });

  it('reads the repository root and the default branch when the spec names neither, one folder deep', async () => {
    const { source } = await setUp({ spec: 'acme/ops' });
    expect((await source.list()).map((f) => f.path)).toEqual(['runbooks/high-5xx.md']);
  });

  it('serves from the cache for ttlMs, then fetches again', async () => {
    const { gh, source, clock } = await setUp({ ttlMs: 60_000 });
    await source.list();
    const first = contentRequests(gh);
    expect(first).toBe(4); // runbooks/, runbooks/db/ and the two runbooks
    gh.writeFiles('acme/ops', { 'runbooks/latency.md': '---\ntitle: Latency\n---\n' });
    await clock.advance(59_999);
    expect((await source.list()).map((f) => f.path)).toEqual(['db/connections.md', 'high-5xx.md']);
    expect(contentRequests(gh)).toBe(first);
    await clock.advance(1);
    expect((await source.list()).map((f) => f.path)).toEqual(['db/connections.md', 'high-5xx.md', 'latency.md']);
  });

  it('shares one fetch between concurrent callers', async () => {
    const { gh, source } = await setUp();
    const [a, b] = await Promise.all([source.list(), source.list()]);
    expect(a).toBe(b);
    expect(contentRequests(gh)).toBe(4);
  });

  it('serves the stale copy with a warning when GitHub fails, and retries later', async () => {
    const { gh, source, clock, log } = await setUp({ ttlMs: 60_000 });
    const before = await source.list();
    await clock.advance(60_000);
    const disarm = gh.injectFailure({ pathPattern: /\/contents/, kind: '502', times: Infinity });
    expect(await source.list()).toEqual(before);
    expect(
      log.entries.filter((e) => e.level === 'warn' && e.msg?.includes('serving the copy fetched earlier')),
    ).toHaveLength(1);
    const failed = contentRequests(gh);
    await clock.advance(29_999);
    await source.list();
    expect(contentRequests(gh)).toBe(failed);
    disarm();
    gh.writeFiles('acme/ops', { 'runbooks/high-5xx.md': null });
    await clock.advance(1);
    expect((await source.list()).map((f) => f.path)).toEqual(['db/connections.md']);
  });

  it('fails with the source and GitHub’s answer when nothing was fetched before', async () => {
    const { gh, source } = await setUp();
    gh.injectFailure({ pathPattern: /\/contents/, kind: 'notFound' });
    await expect(source.list()).rejects.toThrow(
      'Reading runbooks from github:acme/ops/runbooks@main failed: GitHub answered 404 Not Found',
    );
  });

  it.each([
    { spec: 'acme/ops/missing@main', message: 'GitHub answered 404 Not Found' },
    {
      spec: 'acme/ops/runbooks@no-such-branch',
      message: 'GitHub answered 404 No commit found for the ref no-such-branch',
    },
    { spec: 'acme/ops/runbooks/high-5xx.md@main', message: 'runbooks/high-5xx.md is a file, not a folder' },
  ])('explains a source that cannot be read: $spec', async ({ spec, message }) => {
    const { source } = await setUp({ spec });
    await expect(source.list()).rejects.toThrow(message);
  });

  it('drops the cache on reload', async () => {
    const { gh, source } = await setUp({ ttlMs: 3_600_000 });
    await source.list();
    gh.writeFiles('acme/ops', { 'runbooks/high-5xx.md': '---\ntitle: Changed\n---\n' });
    expect((await source.list()).find((f) => f.path === 'high-5xx.md')?.text).not.toContain('Changed');
    source.reload();
    expect((await source.list()).find((f) => f.path === 'high-5xx.md')?.text).toContain('Changed');
  });

  it('does not let a fetch started before reload fill the cache', async () => {
    const { gh, source } = await setUp({ ttlMs: 3_600_000 });
    const early = source.list();
    source.reload();
    await early;
    const before = contentRequests(gh);
    await source.list();
    expect(contentRequests(gh)).toBe(before + 4);
  });
});

describe('parseRepoPathSpec', () => {
  it.each([
    { spec: 'acme/ops/runbooks@main', want: { owner: 'acme', repo: 'ops', path: 'runbooks', ref: 'main' } },
    {
      spec: 'acme/ops/docs/runbooks/@release/1.2',
      want: { owner: 'acme', repo: 'ops', path: 'docs/runbooks', ref: 'release/1.2' },
    },
    { spec: 'acme/ops', want: { owner: 'acme', repo: 'ops', path: '', ref: undefined } },
    { spec: 'acme/ops@v1.0.0', want: { owner: 'acme', repo: 'ops', path: '', ref: 'v1.0.0' } },
  ])('$spec', ({ spec, want }) => {
    expect(parseRepoPathSpec(spec)).toEqual(want);
  });

  it.each([
    { spec: '', why: 'needs an owner and a repository' },
    { spec: 'acme', why: 'needs an owner and a repository' },
    { spec: 'acme/ops/runbooks@', why: 'has an empty ref after @' },
    { spec: 'acme/ops@bad ref', why: 'has an invalid ref "bad ref"' },
    { spec: 'acme/o ps/runbooks', why: 'needs an owner and a repository' },
    { spec: 'acme/ops/../secrets', why: 'may not use . or .. in its path' },
  ])('refuses $spec', ({ spec, why }) => {
    expect(() => parseRepoPathSpec(spec)).toThrow(
      `GitHub runbook source \`${spec}\` ${why}: write owner/repo/path@ref, e.g. acme/ops/runbooks@main`,
    );
  });
});
