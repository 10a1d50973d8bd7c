import { describe, expect, it } from 'vitest';
import { failureOf, octokitFor, seedApi, startGitHub } from './github-harness.ts';

const repo = { owner: 'acme', repo: 'api' };

describe('GitHub emulator: repositories and refs', () => {
  it('serves the repository with its default branch and web links', async () => {
    const gh = await startGitHub({ webUrl: 'https://github.example' });
    seedApi(gh);
    const { data } = await octokitFor(gh).rest.repos.get(repo);
    expect(data).toMatchObject({
      full_name: 'acme/api',
      name: 'api',
      default_branch: 'main',
      html_url: 'https://github.example/acme/api',
      owner: { login: 'acme' },
    });
  });

  it('derives 40-hex shas from repository and position only', async () => {
    const [a, b] = await Promise.all([startGitHub(), startGitHub()]);
    const seededA = seedApi(a);
    const seededB = seedApi(b);
    expect(seededA.shas).toHaveLength(5);
    expect(seededA.shas).toEqual(seededB.shas);
    expect(new Set(seededA.shas).size).toBe(5);
    for (const sha of seededA.shas) expect(sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it.each([
    { ref: 'main', index: 4 },
    { ref: 'v1.0.0', index: 2 },
    { ref: 'refs/heads/main', index: 4 },
    { ref: 'tags/v1.1.0', index: 4 },
  ])('resolves commit ref $ref', async ({ ref, index }) => {
    const gh = await startGitHub();
    const { shas } = seedApi(gh);
    const { data } = await octokitFor(gh).rest.repos.getCommit({ ...repo, ref });
    expect(data.sha).toBe(shas[index]);
    expect(data.parents.map((p) => p.sha)).toEqual([shas[index - 1]]);
  });

  it('resolves full and short shas, branches and commit details', async () => {
    const gh = await startGitHub();
    const { shas } = seedApi(gh);
    const octokit = octokitFor(gh);
    const sha = shas[1] ?? '';
    for (const ref of [sha, sha.slice(0, 7), sha.slice(0, 12)]) {
      const { data } = await octokit.rest.repos.getCommit({ ...repo, ref });
      expect(data.sha).toBe(sha);
      expect(data.commit.message).toBe('Add health endpoint');
      expect(data.commit.author?.name).toBe('bob');
      expect(data.author?.login).toBe('bob');
      expect(data.html_url).toBe(`${gh.webUrl}/acme/api/commit/${sha}`);
    }
    const feature = await octokit.rest.repos.getCommit({ ...repo, ref: 'feature' });
    expect(feature.data.commit.message).toBe('Tune cache');
    expect(feature.data.sha).toBe(gh.shaOf('acme/api', 'feature'));
  });

  it.each(['nope', 'deadbee', '1234567890abcdef1234567890abcdef12345678', 'abc'])(
    'answers 422 for unknown commit ref %s',
    async (ref) => {
      const gh = await startGitHub();
      seedApi(gh);
      const error = await failureOf(octokitFor(gh).rest.repos.getCommit({ ...repo, ref }));
      expect(error.status).toBe(422);
      expect(error.response.data).toMatchObject({ message: `No commit found for SHA: ${ref}`, errors: [] });
      expect(error.response.data.documentation_url).toEqual(expect.stringContaining('docs.github.com'));
    },
  );

  it('answers 404 for an unknown repository', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    const error = await failureOf(octokitFor(gh).rest.repos.get({ owner: 'acme', repo: 'web' }));
    expect(error.status).toBe(404);
    expect(error.response.data.message).toBe('Not Found');
  });

  it('reads git refs for branches and tags', async () => {
    const gh = await startGitHub();
    const { shas } = seedApi(gh);
    const octokit = octokitFor(gh);
    const head = await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' });
    expect(head.data).toMatchObject({ ref: 'refs/heads/main', object: { sha: shas[4], type: 'commit' } });
    const tag = await octokit.rest.git.getRef({ ...repo, ref: 'tags/v1.0.0' });
    expect(tag.data).toMatchObject({ ref: 'refs/tags/v1.0.0', object: { sha: shas[2] } });
    for (const ref of ['heads/nope', 'tags/v9', 'main']) {
      expect((await failureOf(octokit.rest.git.getRef({ ...repo, ref }))).status).toBe(404);
    }
  });

  it('reads branches, including names with slashes', async () => {
    const gh = await startGitHub();
    gh.seedRepo({ owner: 'acme', name: 'api', commits: 2, branches: { 'release/1.x': { from: 0, commits: 1 } } });
    const octokit = octokitFor(gh);
    const release = await octokit.rest.repos.getBranch({ ...repo, branch: 'release/1.x' });
    expect(release.data.name).toBe('release/1.x');
    expect(release.data.commit.sha).toBe(gh.shaOf('acme/api', 'release/1.x'));
    expect(release.data.commit.commit.message).toBe('release/1.x: Change 1');
    const main = await octokit.rest.repos.getBranch({ ...repo, branch: 'main' });
    expect(main.data.commit.commit.message).toBe('Change 2');
    const missing = await failureOf(octokit.rest.repos.getBranch({ ...repo, branch: 'nope' }));
    expect(missing.status).toBe(404);
    expect(missing.response.data.message).toBe('Branch not found');
  });

  it('lists tags, paginated with Link headers', async () => {
    const gh = await startGitHub();
    const { shas } = seedApi(gh);
    gh.addTag('acme/api', 'v1.10.0', 'feature');
    const octokit = octokitFor(gh);
    const first = await octokit.rest.repos.listTags({ ...repo, per_page: 2 });
    expect(first.data.map((t) => t.name)).toEqual(['v1.10.0', 'v1.1.0']);
    expect(first.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.repos.listTags, { ...repo, per_page: 2 });
    expect(all.map((t) => [t.name, t.commit.sha])).toEqual([
      ['v1.10.0', gh.shaOf('acme/api', 'feature')],
      ['v1.1.0', shas[4]],
      ['v1.0.0', shas[2]],
    ]);
  });

  it.each([
    { base: 'v1.0.0', head: 'main', status: 'ahead', ahead: 2, behind: 0, messages: ['Fix timeout', 'Release 1.1'] },
    { base: 'main', head: 'v1.0.0', status: 'behind', ahead: 0, behind: 2, messages: [] },
    { base: 'v1.1.0', head: 'main', status: 'identical', ahead: 0, behind: 0, messages: [] },
    {
      base: 'main',
      head: 'feature',
      status: 'diverged',
      ahead: 2,
      behind: 2,
      messages: ['Try new cache', 'Tune cache'],
    },
  ])('compares $base...$head as $status', async ({ base, head, status, ahead, behind, messages }) => {
    const gh = await startGitHub();
    seedApi(gh);
    const { data } = await octokitFor(gh).rest.repos.compareCommits({ ...repo, base, head });
    expect(data).toMatchObject({ status, ahead_by: ahead, behind_by: behind, total_commits: ahead });
    expect(data.commits.map((c) => c.commit.message)).toEqual(messages);
    expect(data.html_url).toBe(`${gh.webUrl}/acme/api/compare/${base}...${head}`);
    expect(data.base_commit.sha).toBe(gh.shaOf('acme/api', base));
  });

  it('compares by basehead and short sha, and sees pushed commits', async () => {
    const gh = await startGitHub();
    const { shas } = seedApi(gh);
    const pushed = gh.addCommit('acme/api', 'main', 'Hotfix', 'dave');
    expect(gh.shaOf('acme/api', 'main')).toBe(pushed);
    const octokit = octokitFor(gh);
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${(shas[3] ?? '').slice(0, 7)}...main`,
    });
    expect(data.status).toBe('ahead');
    expect(data.commits.map((c) => [c.sha, c.author?.login])).toEqual([
      [shas[4], 'alice'],
      [pushed, 'dave'],
    ]);
    const missing = await failureOf(octokit.rest.repos.compareCommits({ ...repo, base: 'main', head: 'nope' }));
    expect(missing.status).toBe(404);
  });

  it.each([
    { options: { commits: 0 }, error: /at least one commit/ },
    { options: { commits: 2, tags: { v1: 5 } }, error: /tag v1 points at unknown commit 5/ },
    { options: { commits: 2, branches: { hotfix: { from: 'nope' } } }, error: /branch hotfix points at unknown/ },
  ])('refuses seeds pointing nowhere: $error', async ({ options, error }) => {
    const gh = await startGitHub();
    expect(() => gh.seedRepo({ owner: 'acme', name: 'api', ...options })).toThrow(error);
  });

  it('seeds a custom default branch, tags at any ref and branches from branches', async () => {
    const gh = await startGitHub();
    gh.seedRepo({
      owner: 'acme',
      name: 'api',
      defaultBranch: 'trunk',
      commits: 3,
      branches: { next: { commits: 1 }, 'next-2': { from: 'next', commits: [{ message: 'On top', author: 'erin' }] } },
      tags: { 'v2.0.0-rc.1': 'next' },
    });
    const { data } = await octokitFor(gh).rest.repos.compareCommits({ ...repo, base: 'trunk', head: 'next-2' });
    expect(data.commits.map((c) => c.commit.message)).toEqual(['next: Change 1', 'On top']);
    expect(gh.shaOf('acme/api', 'v2.0.0-rc.1')).toBe(gh.shaOf('acme/api', 'next'));
    expect((await octokitFor(gh).rest.repos.get(repo)).data.default_branch).toBe('trunk');
  });

  it('refuses unknown branches and refs in helpers', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    expect(() => gh.addCommit('acme/api', 'nope', 'x')).toThrow(/no branch nope/);
    expect(() => gh.shaOf('acme/api', 'nope')).toThrow(/no ref nope/);
    expect(() => gh.shaOf('acme/web', 'main')).toThrow(/no repository/);
    expect(() => seedApi(gh)).toThrow(/already exists/);
  });

  it('forgets everything on reset', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    await octokitFor(gh).rest.repos.get(repo);
    gh.reset();
    expect(gh.requests).toEqual([]);
    expect((await failureOf(octokitFor(gh).rest.repos.get(repo))).status).toBe(404);
    expect(seedApi(gh).shas).toHaveLength(5);
  });
});

describe('GitHub emulator: authentication and headers', () => {
  it.each([
    { auth: 'token s3cret', ok: true },
    { auth: 'Bearer s3cret', ok: true },
    { auth: 'token wrong', ok: false },
    { auth: undefined, ok: false },
  ])('with a configured token, Authorization $auth is accepted: $ok', async ({ auth, ok }) => {
    const gh = await startGitHub({ token: 's3cret' });
    seedApi(gh);
    const headers = auth === undefined ? {} : { authorization: auth };
    const call = octokitFor(gh).request('GET /repos/{owner}/{repo}', { ...repo, headers });
    if (ok) {
      expect((await call).data.full_name).toBe('acme/api');
    } else {
      const error = await failureOf(call);
      expect(error.status).toBe(401);
      expect(error.response.data.message).toBe('Bad credentials');
    }
  });

  it('accepts the token Octokit sends from its auth option', async () => {
    const gh = await startGitHub({ token: 's3cret' });
    seedApi(gh);
    expect((await octokitFor(gh, 's3cret').rest.repos.get(repo)).status).toBe(200);
  });

  it('reports rate-limit headers and a request id on every response, and logs requests', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    const octokit = octokitFor(gh);
    const first = await octokit.rest.repos.get(repo);
    const second = await failureOf(octokit.rest.repos.getBranch({ ...repo, branch: 'nope' }));
    expect(first.headers['x-ratelimit-limit']).toBe('5000');
    expect(first.headers['x-ratelimit-remaining']).toBe('4999');
    expect(first.headers['x-ratelimit-used']).toBe('1');
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect(first.headers['x-github-request-id']).toMatch(/^[0-9A-F]{4}:[0-9A-F]{4}:/);
    expect(second.response.headers['x-ratelimit-remaining']).toBe('4998');
    expect(second.response.headers['x-github-request-id']).not.toBe(first.headers['x-github-request-id']);
    expect(gh.requests).toEqual([
      { method: 'GET', path: '/repos/acme/api', status: 200 },
      { method: 'GET', path: '/repos/acme/api/branches/nope', status: 404 },
    ]);
  });

  it('answers 403 with remaining 0 once the primary limit is spent', async () => {
    const gh = await startGitHub({ rateLimit: 2 });
    seedApi(gh);
    const octokit = octokitFor(gh);
    await octokit.rest.repos.get(repo);
    await octokit.rest.repos.get(repo);
    const error = await failureOf(octokit.rest.repos.get(repo));
    expect(error.status).toBe(403);
    expect(error.response.headers['x-ratelimit-remaining']).toBe('0');
    expect(error.response.data.message).toMatch(/^API rate limit exceeded/);
  });

  it('answers unknown routes with 404 and bad JSON with 400', async () => {
    const gh = await startGitHub();
    seedApi(gh);
    const unknown = await fetch(`${gh.url}/repos/acme/api/issues`);
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${gh.url}/repos/acme/api/deployments`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ message: 'Problems parsing JSON' });
  });
});
