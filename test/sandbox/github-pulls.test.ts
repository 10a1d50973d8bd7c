import { describe, expect, it } from 'vitest';
import { failureOf, octokitFor, startGitHub } from './github-harness.ts';

const repo = { owner: 'acme', repo: 'deploy-manifests' };
const FULL = 'acme/deploy-manifests';
const PATH = 'billing/values-prod.yaml';
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A manifests repo whose `bump` branch changes the image tag in one commit made through the API. */
async function withBranch(options: { required?: string[]; ci?: string[] } = {}) {
  const gh = await startGitHub({ login: 'opsdeck-bot', autoProgress: false });
  gh.seedRepo({ owner: 'acme', name: 'deploy-manifests', commits: 1 });
  gh.writeFiles(FULL, { [PATH]: 'image:\n  tag: v1 # current\n', 'README.md': 'manifests\n' });
  if (options.required) gh.requireChecks(FULL, 'main', options.required);
  if (options.ci) gh.runChecksOnPullRequests(FULL, options.ci);
  const octokit = octokitFor(gh);
  const main = gh.shaOf(FULL, 'main');
  await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/bump', sha: main });
  const file = gh.readFile(FULL, PATH, 'bump');
  const { data } = await octokit.rest.repos.createOrUpdateFileContents({
    ...repo,
    path: PATH,
    branch: 'bump',
    message: 'billing: v2',
    content: b64('image:\n  tag: v2 # current\n'),
    sha: file?.sha ?? '',
  });
  return { gh, octokit, main, head: data.commit.sha ?? '' };
}

describe('GitHub emulator: pull requests', () => {
  it('opens, reads, lists and merges a pull request onto the base branch', async () => {
    const { gh, octokit, main, head } = await withBranch();
    const created = await octokit.rest.pulls.create({
      ...repo,
      title: 'Deploy billing v2',
      head: 'bump',
      base: 'main',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      number: 1,
      state: 'open',
      merged: false,
      mergeable: true,
      mergeable_state: 'clean',
      head: { ref: 'bump', sha: head, label: 'acme:bump' },
      base: { ref: 'main', sha: main },
      commits: 1,
      changed_files: 1,
      additions: 1,
      deletions: 1,
    });
    const listed = await octokit.rest.pulls.list({ ...repo, head: 'acme:bump', state: 'open' });
    expect(listed.data.map((p) => p.number)).toEqual([1]);
    const merged = await octokit.rest.pulls.merge({ ...repo, pull_number: 1, merge_method: 'squash', sha: head });
    expect(merged.data).toMatchObject({ merged: true, message: 'Pull Request successfully merged' });
    expect(gh.shaOf(FULL, 'main')).toBe(merged.data.sha);
    expect(gh.readFile(FULL, PATH)?.text).toBe('image:\n  tag: v2 # current\n');
    const commit = await octokit.rest.git.getCommit({ ...repo, commit_sha: merged.data.sha });
    expect(commit.data.message).toBe('Deploy billing v2 (#1)');
    expect(commit.data.parents.map((p) => p.sha)).toEqual([main]);
    const after = await octokit.rest.pulls.get({ ...repo, pull_number: 1 });
    expect(after.data).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: merged.data.sha });
    expect(after.data.merged_by?.login).toBe('opsdeck-bot');
    expect((await octokit.rest.pulls.list({ ...repo, head: 'acme:bump' })).data).toEqual([]);
    expect((await octokit.rest.pulls.list({ ...repo, state: 'closed' })).data.map((p) => p.number)).toEqual([1]);
  });

  it('makes a two-parent merge commit with merge_method merge', async () => {
    const { gh, octokit, main, head } = await withBranch();
    await octokit.rest.pulls.create({ ...repo, title: 'Deploy', head: 'bump', base: 'main' });
    gh.writeFiles(FULL, { 'README.md': 'manifests, edited\n' });
    const moved = gh.shaOf(FULL, 'main');
    expect(moved).not.toBe(main);
    const { data } = await octokit.rest.pulls.merge({ ...repo, pull_number: 1 });
    const commit = await octokit.rest.repos.getCommit({ ...repo, ref: data.sha });
    expect(commit.data.parents.map((p) => p.sha)).toEqual([moved, head]);
    expect(commit.data.commit.message).toBe('Merge pull request #1 from acme/bump\n\nDeploy');
    expect(gh.readFile(FULL, 'README.md')?.text).toBe('manifests, edited\n');
    expect(gh.readFile(FULL, PATH)?.text).toContain('tag: v2');
    // The branch's commit is in main now through the merge's second parent, as git counts it.
    const compare = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${head}...main` });
    expect(compare.data).toMatchObject({ status: 'ahead', ahead_by: 2, behind_by: 0 });
    expect(compare.data.merge_base_commit.sha).toBe(head);
  });

  it('refuses to merge until the required checks pass on the head', async () => {
    const { gh, octokit, head } = await withBranch({ required: ['build', 'kubeconform'] });
    const { data: pr } = await octokit.rest.pulls.create({ ...repo, title: 'Deploy', head: 'bump', base: 'main' });
    expect(pr.mergeable_state).toBe('blocked');
    const pending = await failureOf(octokit.rest.pulls.merge({ ...repo, pull_number: 1 }));
    expect(pending.status).toBe(405);
    expect(pending.response.data.message).toBe('Required status check "build" is expected.');
    gh.addCheckRun(FULL, head, { name: 'build', conclusion: 'success' });
    gh.setCommitStatus(FULL, head, 'kubeconform', 'failure');
    const failing = await failureOf(octokit.rest.pulls.merge({ ...repo, pull_number: 1 }));
    expect(failing.response.data.message).toBe('Required status check "kubeconform" is failing.');
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: 1 })).data.state).toBe('open');
    gh.setCommitStatus(FULL, head, 'kubeconform', 'success');
    const branch = await octokit.rest.repos.getBranch({ ...repo, branch: 'main' });
    expect(branch.data.protected).toBe(true);
    const { data } = await octokit.rest.pulls.merge({ ...repo, pull_number: 1 });
    expect(data.merged).toBe(true);
  });

  it('answers 409 when the head moved since the given sha, and 405 on conflicts and closed pull requests', async () => {
    const { gh, octokit, head } = await withBranch();
    await octokit.rest.pulls.create({ ...repo, title: 'Deploy', head: 'bump', base: 'main' });
    gh.writeFiles(FULL, { 'README.md': 'more\n' }, { branch: 'bump' });
    const moved = await failureOf(octokit.rest.pulls.merge({ ...repo, pull_number: 1, sha: head }));
    expect(moved.status).toBe(409);
    expect(moved.response.data.message).toBe('Head branch was modified. Review and try the merge again.');
    gh.writeFiles(FULL, { [PATH]: 'image:\n  tag: v9\n' });
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: 1 });
    expect(data).toMatchObject({ mergeable: false, mergeable_state: 'dirty' });
    const conflict = await failureOf(octokit.rest.pulls.merge({ ...repo, pull_number: 1 }));
    expect(conflict.status).toBe(405);
    expect(conflict.response.data.message).toBe('Pull Request is not mergeable');
    await octokit.rest.pulls.update({ ...repo, pull_number: 1, state: 'closed' });
    const closed = await failureOf(octokit.rest.pulls.merge({ ...repo, pull_number: 1 }));
    expect(closed.status).toBe(405);
  });

  it('validates new pull requests like GitHub', async () => {
    const { octokit } = await withBranch();
    await octokit.rest.pulls.create({ ...repo, title: 'Deploy', head: 'bump', base: 'main' });
    const again = await failureOf(octokit.rest.pulls.create({ ...repo, title: 'Again', head: 'bump', base: 'main' }));
    expect(again.status).toBe(422);
    expect(again.response.data.errors).toEqual([
      { resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:bump.' },
    ]);
    const empty = await failureOf(octokit.rest.pulls.create({ ...repo, title: 'No', head: 'main', base: 'bump' }));
    expect(empty.response.data.errors).toEqual([
      { resource: 'PullRequest', code: 'custom', message: 'No commits between bump and main' },
    ]);
    const missing = await failureOf(octokit.rest.pulls.get({ ...repo, pull_number: 7 }));
    expect(missing.status).toBe(404);
  });

  it('plays CI on pull request heads: checks run in steps, a failing head is fixed by a new commit', async () => {
    const { gh, octokit, head } = await withBranch({ required: ['kubeconform'], ci: ['kubeconform'] });
    gh.failNextChecks(FULL);
    await octokit.rest.pulls.create({ ...repo, title: 'Deploy', head: 'bump', base: 'main' });
    const runs = async (ref: string) =>
      (await octokit.rest.checks.listForRef({ ...repo, ref })).data.check_runs.map((r) => [r.status, r.conclusion]);
    expect(await runs(head)).toEqual([['queued', null]]);
    gh.step();
    expect(await runs(head)).toEqual([['in_progress', null]]);
    gh.step();
    expect(await runs(head)).toEqual([['completed', 'failure']]);
    const failing = await failureOf(octokit.rest.pulls.merge({ ...repo, pull_number: 1 }));
    expect(failing.response.data.message).toBe('Required status check "kubeconform" is failing.');

    const fixed = gh.writeFiles(FULL, { [PATH]: 'image:\n  tag: v2 # fixed\n' }, { branch: 'bump' });
    gh.step();
    gh.step();
    expect(await runs(fixed)).toEqual([['completed', 'success']]);
    const { data } = await octokit.rest.pulls.merge({ ...repo, pull_number: 1, sha: fixed });
    expect(data.merged).toBe(true);
  });
});
