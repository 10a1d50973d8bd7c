import { describe, expect, it } from 'vitest';
import { failureOf, octokitFor, startGitHub } from './github-harness.ts';

const repo = { owner: 'acme', repo: 'deploy-manifests' };
const FULL = 'acme/deploy-manifests';
const PATH = 'billing/kustomization.yaml';
const kustomization = (tag: string) => `images:\n  - name: ghcr.io/acme/billing\n    newTag: ${tag}\n`;

async function manifests() {
  const gh = await startGitHub();
  gh.seedRepo({ owner: 'acme', name: 'deploy-manifests', commits: 1 });
  const v1 = gh.writeFiles(FULL, { [PATH]: kustomization('v1') }, { message: 'billing v1' });
  gh.writeFiles(FULL, { 'README.md': 'docs\n' }, { message: 'docs' });
  const v2 = gh.writeFiles(FULL, { [PATH]: kustomization('v2') }, { message: 'billing v2' });
  return { gh, v1, v2, octokit: octokitFor(gh) };
}

describe('GitHub emulator: refs and history', () => {
  it('lists the commits that touched a path, newest first, so the previous version can be read', async () => {
    const { v1, v2, octokit } = await manifests();
    const { data } = await octokit.rest.repos.listCommits({ ...repo, sha: 'main', path: PATH });
    expect(data.map((c) => [c.sha, c.commit.message])).toEqual([
      [v2, 'billing v2'],
      [v1, 'billing v1'],
    ]);
    const all = await octokit.rest.repos.listCommits({ ...repo, per_page: 2 });
    expect(all.data.map((c) => c.commit.message)).toEqual(['billing v2', 'docs']);
    const previous = await octokit.rest.repos.getContent({ ...repo, path: PATH, ref: data[0]?.parents[0]?.sha ?? '' });
    expect(Buffer.from((previous.data as { content: string }).content, 'base64').toString()).toBe(kustomization('v1'));
  });

  it('creates a branch from a sha, fast-forwards it, refuses a non-fast-forward unless forced', async () => {
    const { gh, v1, v2, octokit } = await manifests();
    const created = await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/release', sha: v1 });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ ref: 'refs/heads/release', object: { sha: v1, type: 'commit' } });
    const exists = await failureOf(octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/release', sha: v1 }));
    expect([exists.status, exists.response.data.message]).toEqual([422, 'Reference already exists']);
    const unknown = await failureOf(octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/x', sha: 'f'.repeat(40) }));
    expect([unknown.status, unknown.response.data.message]).toEqual([422, 'Object does not exist']);

    const forward = await octokit.rest.git.updateRef({ ...repo, ref: 'heads/release', sha: v2 });
    expect(forward.data.object.sha).toBe(v2);
    expect((await octokit.rest.repos.getBranch({ ...repo, branch: 'release' })).data.commit.sha).toBe(v2);
    const back = await failureOf(octokit.rest.git.updateRef({ ...repo, ref: 'heads/release', sha: v1 }));
    expect([back.status, back.response.data.message]).toEqual([422, 'Update is not a fast forward']);
    await octokit.rest.git.updateRef({ ...repo, ref: 'heads/release', sha: v1, force: true });
    expect(gh.shaOf(FULL, 'release')).toBe(v1);
    const ref = await octokit.rest.git.getRef({ ...repo, ref: 'heads/release' });
    expect(ref.data.object.sha).toBe(v1);
    await octokit.rest.git.deleteRef({ ...repo, ref: 'heads/release' });
    expect((await failureOf(octokit.rest.repos.getBranch({ ...repo, branch: 'release' }))).status).toBe(404);
  });

  it('describes a commit with its files and parents through both commit endpoints', async () => {
    const { v2, octokit } = await manifests();
    const { data } = await octokit.rest.repos.getCommit({ ...repo, ref: v2 });
    expect(data.stats).toEqual({ total: 2, additions: 1, deletions: 1 });
    expect(data.files?.[0]).toMatchObject({ filename: PATH, status: 'modified', changes: 2 });
    const git = await octokit.rest.git.getCommit({ ...repo, commit_sha: v2 });
    expect(git.data).toMatchObject({ sha: v2, message: 'billing v2', parents: [{ sha: data.parents[0]?.sha }] });
    expect((await failureOf(octokit.rest.git.getCommit({ ...repo, commit_sha: 'a'.repeat(40) }))).status).toBe(404);
  });
});
