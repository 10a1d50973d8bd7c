import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { failureOf, octokitFor, startGitHub } from './github-harness.ts';

const repo = { owner: 'acme', repo: 'deploy-manifests' };
const PATH = 'billing/overlays/prod/kustomization.yaml';
const V1 = '# prod overlay\nimages:\n  - name: ghcr.io/acme/billing\n    newTag: v1.0.0 # pinned\n';
const V2 = V1.replace('v1.0.0', 'v1.1.0');

const gitBlob = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');
const b64 = (text: string) => Buffer.from(text).toString('base64');

async function manifests() {
  const gh = await startGitHub({ webUrl: 'https://github.example', login: 'opsdeck-bot' });
  gh.seedRepo({ owner: 'acme', name: 'deploy-manifests', commits: 1 });
  const first = gh.writeFiles('acme/deploy-manifests', { [PATH]: V1 });
  return { gh, first, octokit: octokitFor(gh) };
}

async function read(octokit: ReturnType<typeof octokitFor>, ref?: string) {
  const { data } = await octokit.rest.repos.getContent({ ...repo, path: PATH, ...(ref ? { ref } : {}) });
  const file = data as { sha: string; content: string };
  return { sha: file.sha, text: Buffer.from(file.content, 'base64').toString('utf8') };
}

describe('GitHub emulator: writing contents', () => {
  it('updates a file with its blob sha: a commit on the branch that later reads see', async () => {
    const { first, octokit } = await manifests();
    const before = await read(octokit);
    expect(before.sha).toBe(gitBlob(V1));
    const { status, data } = await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: PATH,
      message: 'deploy billing v1.1.0 to prod',
      content: b64(V2),
      sha: before.sha,
      branch: 'main',
      committer: { name: 'opsdeck', email: 'opsdeck@acme.example' },
      author: { name: 'Alice', email: 'alice@acme.example' },
    });
    expect(status).toBe(200);
    expect(data.content?.sha).toBe(gitBlob(V2));
    expect(data.content?.path).toBe(PATH);
    expect(data.commit).toMatchObject({
      message: 'deploy billing v1.1.0 to prod',
      author: { name: 'Alice', email: 'alice@acme.example' },
      committer: { name: 'opsdeck', email: 'opsdeck@acme.example' },
      parents: [{ sha: first }],
    });
    const after = await read(octokit);
    expect(after).toEqual({ sha: gitBlob(V2), text: V2 });
    expect(await read(octokit, first)).toEqual({ sha: gitBlob(V1), text: V1 });
    const branch = await octokit.rest.repos.getBranch({ ...repo, branch: 'main' });
    expect(branch.data.commit.sha).toBe(data.commit.sha);
    const full = await octokit.rest.repos.getCommit({ ...repo, ref: data.commit.sha ?? '' });
    expect(full.data.files?.map((f) => [f.filename, f.status, f.additions, f.deletions])).toEqual([
      [PATH, 'modified', 1, 1],
    ]);
    expect(full.data.files?.[0]?.patch).toContain('-    newTag: v1.0.0 # pinned\n+    newTag: v1.1.0 # pinned');
    const git = await octokit.rest.git.getCommit({ ...repo, commit_sha: data.commit.sha ?? '' });
    expect(git.data.parents.map((p) => p.sha)).toEqual([first]);
  });

  it('refuses a stale sha with 409 and a missing sha with 422, changing nothing', async () => {
    const { gh, first, octokit } = await manifests();
    const stale = await read(octokit);
    gh.writeFiles('acme/deploy-manifests', { [PATH]: `${V1}# edited by hand\n` }, { message: 'hand edit' });
    const head = gh.shaOf('acme/deploy-manifests', 'main');
    const conflict = await failureOf(
      octokit.rest.repos.createOrUpdateFileContents({
        ...repo,
        path: PATH,
        message: 'm',
        content: b64(V2),
        sha: stale.sha,
      }),
    );
    expect(conflict.status).toBe(409);
    expect(conflict.response.data.message).toBe(`${PATH} does not match ${stale.sha}`);
    const missing = await failureOf(
      octokit.rest.repos.createOrUpdateFileContents({ ...repo, path: PATH, message: 'm', content: b64(V2) }),
    );
    expect(missing.status).toBe(422);
    expect(missing.response.data.message).toBe('Invalid request.\n\n"sha" wasn\'t supplied.');
    expect(gh.shaOf('acme/deploy-manifests', 'main')).toBe(head);
    expect(head).not.toBe(first);
  });

  it('creates a new file without a sha (201) on another branch', async () => {
    const { gh, octokit } = await manifests();
    gh.createBranch('acme/deploy-manifests', 'bump', 'main');
    const { status } = await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: 'billing/NOTES.md',
      message: 'notes',
      content: b64('hello\n'),
      branch: 'bump',
    });
    expect(status).toBe(201);
    const failure = await failureOf(octokit.rest.repos.getContent({ ...repo, path: 'billing/NOTES.md' }));
    expect(failure.status).toBe(404);
    const { data } = await octokit.rest.repos.getContent({ ...repo, path: 'billing/NOTES.md', ref: 'bump' });
    expect((data as { sha: string }).sha).toBe(gitBlob('hello\n'));
  });
});
