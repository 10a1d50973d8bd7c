import { describe, expect, it } from 'vitest';
import { GitHubSourceControl, createOctokit } from '../../src/adapters/github/index.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { seedApi, startGitHub } from '../sandbox/github-harness.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

async function setUp(webUrl?: string) {
  const gh = await startGitHub({ token: 'test-token', stepMs: 20 });
  const { shas } = seedApi(gh);
  const octokit = createOctokit({ baseUrl: gh.url, token: 'test-token', log: silent, retryAfterBaseValue: 1 });
  return { gh, shas, scm: new GitHubSourceControl(octokit, { webUrl }) };
}

const commitUrl = (gh: GitHubEmulator, sha: string) => `${gh.webUrl}/acme/api/commit/${sha}`;

describe('GitHubSourceControl.resolveRef', () => {
  it('resolves a tag, a branch, a short sha and a full sha to the commit and its page', async () => {
    const { gh, shas, scm } = await setUp();
    const feature = gh.shaOf('acme/api', 'feature');
    const cases = [
      { ref: 'v1.0.0', sha: shas[2] },
      { ref: 'feature', sha: feature },
      { ref: 'main', sha: shas[4] },
      { ref: shas[1]?.slice(0, 7) ?? '', sha: shas[1] },
      { ref: shas[3] ?? '', sha: shas[3] },
    ];
    for (const { ref, sha } of cases) {
      expect(await scm.resolveRef('acme/api', ref)).toEqual({ sha, url: commitUrl(gh, sha ?? '') });
    }
  });

  it.each(['v9.9', ''])('says which ref is unknown (%j) as a UserError', async (ref) => {
    const { scm } = await setUp();
    const error = await scm.resolveRef('acme/api', ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `Unknown ref \`${ref}\` in acme/api: no branch, tag or commit has that name.`,
    );
  });

  it('builds links on webUrl when one is configured', async () => {
    const { shas, scm } = await setUp('https://github.example/');
    expect(await scm.resolveRef('acme/api', 'v1.1.0')).toEqual({
      sha: shas[4],
      url: `https://github.example/acme/api/commit/${shas[4]}`,
    });
  });
});

describe('GitHubSourceControl.compare', () => {
  it('counts commits ahead and behind, links the comparison and lists the new commits oldest first', async () => {
    const { gh, shas, scm } = await setUp();
    expect(await scm.compare('acme/api', 'v1.0.0', 'v1.1.0')).toEqual({
      aheadBy: 2,
      behindBy: 0,
      url: `${gh.webUrl}/acme/api/compare/v1.0.0...v1.1.0`,
      commits: [
        { sha: shas[3], message: 'Fix timeout', author: 'carol' },
        { sha: shas[4], message: 'Release 1.1', author: 'alice' },
      ],
    });
  });

  it('sees a diverged branch as both ahead and behind', async () => {
    const { scm } = await setUp();
    const result = await scm.compare('acme/api', 'main', 'feature');
    expect([result.aheadBy, result.behindBy]).toEqual([2, 2]);
    expect(result.commits.map((c) => c.message)).toEqual(['Try new cache', 'Tune cache']);
  });

  it('keeps only the first line of a commit message', async () => {
    const { gh, scm } = await setUp();
    const sha = gh.addCommit('acme/api', 'main', 'Bump deps\n\nLong explanation of why.', 'dave');
    expect((await scm.compare('acme/api', 'v1.1.0', 'main')).commits).toEqual([
      { sha, message: 'Bump deps', author: 'dave' },
    ]);
  });

  it('refuses unknown refs with a UserError', async () => {
    const { scm } = await setUp();
    await expect(scm.compare('acme/api', 'v1.0.0', 'v9.9')).rejects.toThrow(UserError);
  });
});
