import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { failureOf, octokitFor, seedApi, startGitHub } from './github-harness.ts';

const repo = { owner: 'acme', repo: 'api' };

async function withFiles() {
  const gh = await startGitHub({ webUrl: 'https://github.example' });
  seedApi(gh);
  const first = gh.writeFiles('acme/api', {
    'README.md': '# api\n',
    'runbooks/high-5xx.md': '---\ntitle: High 5xx\n---\nBody with < & >\n',
    'runbooks/db/connections.md': 'x'.repeat(100),
  });
  return { gh, first, octokit: octokitFor(gh) };
}

describe('GitHub emulator: contents', () => {
  it('lists a directory with files and subdirectories, sorted by name', async () => {
    const { octokit } = await withFiles();
    const { data } = await octokit.rest.repos.getContent({ ...repo, path: 'runbooks', ref: 'main' });
    expect(Array.isArray(data)).toBe(true);
    const entries = data as Array<Record<string, unknown>>;
    expect(entries.map((e) => [e.type, e.name, e.path])).toEqual([
      ['dir', 'db', 'runbooks/db'],
      ['file', 'high-5xx.md', 'runbooks/high-5xx.md'],
    ]);
    expect(entries[1]).toMatchObject({
      html_url: 'https://github.example/acme/api/blob/main/runbooks/high-5xx.md',
      size: 40,
    });
    expect(entries[0]).toMatchObject({
      html_url: 'https://github.example/acme/api/tree/main/runbooks/db',
      size: 0,
      download_url: null,
    });
  });

  it('lists the repository root without a path', async () => {
    const { octokit } = await withFiles();
    const { data } = await octokit.rest.repos.getContent({ ...repo, path: '' });
    expect((data as Array<{ name: string }>).map((e) => e.name)).toEqual(['README.md', 'runbooks']);
  });

  it('serves a file as base64 wrapped at 60 characters, with git blob sha', async () => {
    const { octokit } = await withFiles();
    const { data } = await octokit.rest.repos.getContent({ ...repo, path: 'runbooks/db/connections.md' });
    const file = data as { type: string; encoding: string; content: string; sha: string };
    expect(file.type).toBe('file');
    expect(file.encoding).toBe('base64');
    expect(file.content.split('\n').every((line) => line.length <= 60)).toBe(true);
    expect(Buffer.from(file.content, 'base64').toString('utf8')).toBe('x'.repeat(100));
    // `git hash-object` of 100 x's.
    expect(file.sha).toBe(
      createHash('sha1')
        .update(`blob 100\0${'x'.repeat(100)}`)
        .digest('hex'),
    );
  });

  it('keeps older refs on the files they had and applies deletions to new commits', async () => {
    const { gh, first, octokit } = await withFiles();
    gh.addTag('acme/api', 'v-runbooks-1', first);
    gh.writeFiles('acme/api', { 'runbooks/high-5xx.md': null, 'runbooks/latency.md': 'slow' });
    const names = async (ref: string) => {
      const { data } = await octokit.rest.repos.getContent({ ...repo, path: 'runbooks', ref });
      return (data as Array<{ name: string }>).map((e) => e.name);
    };
    expect(await names('main')).toEqual(['db', 'latency.md']);
    expect(await names('v-runbooks-1')).toEqual(['db', 'high-5xx.md']);
    expect(await names(first)).toEqual(['db', 'high-5xx.md']);
  });

  it.each([
    { path: 'nope', ref: 'main', message: 'Not Found' },
    { path: 'runbooks', ref: 'no-such-branch', message: 'No commit found for the ref no-such-branch' },
  ])('answers 404 for $path at $ref', async ({ path, ref, message }) => {
    const { octokit } = await withFiles();
    const failure = await failureOf(octokit.rest.repos.getContent({ ...repo, path, ref }));
    expect(failure.status).toBe(404);
    expect(failure.response.data.message).toBe(message);
  });

  it('writes onto another branch without touching the default branch', async () => {
    const { gh, octokit } = await withFiles();
    gh.writeFiles('acme/api', { 'runbooks/new.md': 'new' }, { branch: 'feature' });
    const names = async (ref: string) =>
      ((await octokit.rest.repos.getContent({ ...repo, path: 'runbooks', ref })).data as Array<{ name: string }>).map(
        (e) => e.name,
      );
    expect(await names('feature')).toEqual(['new.md']);
    expect(await names('main')).toEqual(['db', 'high-5xx.md']);
  });
});
