import { describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/adapters/github/index.ts';
import { applyTag } from '../../src/adapters/gitops/apply-change.ts';
import { commitMessage } from '../../src/adapters/gitops/commit-message.ts';
import { ManifestsRepo } from '../../src/adapters/gitops/manifests-repo.ts';
import { envTarget, type GitOpsServiceConfig } from '../../src/adapters/gitops/options.ts';
import { chooseRollback } from '../../src/adapters/gitops/rollback-choice.ts';
import { commitTag } from '../../src/adapters/gitops/tag-commit.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { epochMs, type PinnedClock, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startGitHub } from '../sandbox/github-harness.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const REPO = 'acme/manifests';
const FILE = 'billing/prod/kustomization.yaml';
const KUSTOMIZATION = `# billing in prod
resources:
  - ../base # shared
images:
  - name: ghcr.io/acme/billing
    newTag: v1.4.2 # released
  - name: ghcr.io/acme/sidecar
    newTag: "2.0.1"
`;
const location = { kustomize: 'ghcr.io/acme/billing' };

const config = (over: Partial<GitOpsServiceConfig> = {}): GitOpsServiceConfig => ({
  service: 'billing',
  repo: REPO,
  branch: 'main',
  file: 'billing/{env}/kustomization.yaml',
  image: location,
  tag: 'ref',
  mode: 'commit',
  merge: true,
  watch: { via: 'argocd', app: 'billing-{env}', sync: false },
  environments: {},
  ...over,
});

async function setUp() {
  const clock = pinnedClock(WEEKDAY);
  const gh = await startGitHub({ token: 't', now: epochMs(clock) });
  gh.seedRepo({ owner: 'acme', name: 'manifests', commits: 1 });
  gh.writeFiles(REPO, { [FILE]: KUSTOMIZATION });
  const octokit = createOctokit({ baseUrl: gh.url, token: 't', log: silent, retryAfterBaseValue: 1 });
  return { gh, clock, octokit, repo: new ManifestsRepo(octokit, REPO) };
}

/** Makes `edit` happen to the file just before each of the next `times` writes through the contents API. */
function editBeforeWrites(
  gh: GitHubEmulator,
  octokit: ReturnType<typeof createOctokit>,
  times: number,
  edit: (text: string) => string,
) {
  let left = times;
  octokit.hook.before('request', (options) => {
    if (options.method !== 'PUT' || !String(options.url).includes('/contents/') || left === 0) return;
    left -= 1;
    const now = gh.readFile(REPO, FILE)?.text ?? '';
    gh.writeFiles(REPO, { [FILE]: edit(now) }, { message: 'someone else' });
  });
}

const message = (from: string) => `Deploy billing to v1.5.0 in prod\n\nImage tag: ${from} -> v1.5.0\n`;

describe('GitOps manifests: writing the tag', () => {
  it('commits only the tag, with the message, as one new commit on the branch', async () => {
    const { gh, repo } = await setUp();
    const before = gh.shaOf(REPO, 'main');
    const done = await commitTag(
      repo,
      { path: FILE, branch: 'main', location, from: undefined, to: 'v1.5.0', message },
      silent,
    );
    expect(done).toMatchObject({ written: true, from: 'v1.4.2', attempts: 1 });
    expect(gh.readFile(REPO, FILE)?.text).toBe(KUSTOMIZATION.replace('newTag: v1.4.2', 'newTag: v1.5.0'));
    const head = gh.shaOf(REPO, 'main');
    expect(head).not.toBe(before);
    expect(done.written && done.commit.sha).toBe(head);
  });

  it('re-applies on the new content when someone else edited another part of the file meanwhile', async () => {
    const { gh, octokit, repo } = await setUp();
    editBeforeWrites(gh, octokit, 1, (text) => text.replace('"2.0.1"', '"2.0.2"'));
    const done = await commitTag(
      repo,
      { path: FILE, branch: 'main', location, from: undefined, to: 'v1.5.0', message },
      silent,
    );
    expect(done).toMatchObject({ written: true, attempts: 2 });
    // Both edits are there: theirs was kept, ours made again on top of it.
    expect(gh.readFile(REPO, FILE)?.text).toBe(
      KUSTOMIZATION.replace('newTag: v1.4.2', 'newTag: v1.5.0').replace('"2.0.1"', '"2.0.2"'),
    );
  });

  it('refuses, writing nothing, when someone else changed the same tag meanwhile', async () => {
    const { gh, octokit, repo } = await setUp();
    editBeforeWrites(gh, octokit, 1, (text) => text.replace('v1.4.2', 'v1.4.3'));
    const change = { path: FILE, branch: 'main', location, from: undefined, to: 'v1.5.0', message };
    await expect(commitTag(repo, change, silent)).rejects.toThrow(
      /is now v1.4.3, not v1.4.2: someone changed it since this change was planned. Nothing was written/,
    );
    expect(gh.readFile(REPO, FILE)?.text).toBe(KUSTOMIZATION.replace('v1.4.2', 'v1.4.3'));
  });

  it('gives up after three writes lost to concurrent edits, overwriting none', async () => {
    const { gh, octokit, repo } = await setUp();
    let n = 0;
    editBeforeWrites(gh, octokit, 3, (text) => `${text}# edit ${++n}\n`);
    const change = { path: FILE, branch: 'main', location, from: undefined, to: 'v1.5.0', message };
    await expect(commitTag(repo, change, silent)).rejects.toThrow(/changed 3 times while opsdeck tried to write it/);
    expect(gh.readFile(REPO, FILE)?.text).toBe(`${KUSTOMIZATION}# edit 1\n# edit 2\n# edit 3\n`);
  });

  it('refuses a change planned against a tag that is no longer there', async () => {
    const { repo } = await setUp();
    const change = { path: FILE, branch: 'main', location, from: 'v1.3.0', to: 'v1.5.0', message };
    await expect(commitTag(repo, change, silent)).rejects.toThrow(/is now v1.4.2, not v1.3.0/);
  });

  it('names a missing file with the fix', async () => {
    const { repo } = await setUp();
    await expect(repo.read('billing/qa/kustomization.yaml', 'main')).rejects.toThrow(
      'acme/manifests has no billing/qa/kustomization.yaml on main; fix the deploy',
    );
  });
});

describe('GitOps manifests: pull requests', () => {
  it('opens a pull request, waits for the required check, then merges it', async () => {
    const { gh, clock, octokit, repo } = await setUp();
    gh.requireChecks(REPO, 'main', ['ci/validate']);
    const lines: string[] = [];
    const applying = applyTag(
      {
        octokit,
        repo,
        config: config({ mode: 'pull-request' }),
        timing: { clock, pollMs: 10, timeoutMs: 10_000 },
        log: silent,
      },
      envTarget(config(), 'prod'),
      { from: undefined, to: 'v1.5.0', title: 'Deploy billing to v1.5.0 in prod', message, suffix: 'req_1' },
      async (line) => {
        lines.push(line);
        const head = 'opsdeck/billing-prod-req_1';
        if (line.startsWith('Opened')) gh.setCommitStatus(REPO, head, 'ci/validate', 'pending');
        if (line.includes('waiting for')) gh.setCommitStatus(REPO, head, 'ci/validate', 'success');
      },
    );
    const applied = await applying;
    expect(applied).toMatchObject({ state: 'committed', from: 'v1.4.2', pullRequest: { number: 1 } });
    expect(lines[0]).toMatch(/^Opened pull request #1 in acme\/manifests/);
    expect(lines).toContain('Pull request #1: waiting for ci/validate');
    expect(gh.readFile(REPO, FILE)?.text).toBe(KUSTOMIZATION.replace('newTag: v1.4.2', 'newTag: v1.5.0'));
    expect(applied.state === 'committed' && applied.commit.sha).toBe(gh.shaOf(REPO, 'main'));
    const { data: pr } = await octokit.rest.pulls.get({ owner: 'acme', repo: 'manifests', pull_number: 1 });
    expect(pr.merged).toBe(true);
    expect(pr.body).toBe(message('v1.4.2'));
  });

  it('ends, leaving the pull request open, when a required check fails', async () => {
    const { gh, clock, octokit, repo } = await setUp();
    gh.requireChecks(REPO, 'main', ['ci/validate']);
    const applied = await applyTag(
      {
        octokit,
        repo,
        config: config({ mode: 'pull-request' }),
        timing: { clock, pollMs: 10, timeoutMs: 10_000 },
        log: silent,
      },
      envTarget(config(), 'prod'),
      { from: undefined, to: 'v1.5.0', title: 'Deploy', message, suffix: 'req_2' },
      async (line) => {
        if (line.startsWith('Opened')) gh.setCommitStatus(REPO, 'opsdeck/billing-prod-req_2', 'ci/validate', 'failure');
      },
    );
    expect(applied).toMatchObject({ state: 'failed', reason: 'check ci/validate (failure) failed' });
    expect(gh.readFile(REPO, FILE)?.text).toBe(KUSTOMIZATION);
  });

  /** A pull-request deploy of v1.5.0 to prod; the lines it posts, and every merge request it sent. */
  async function deployByPullRequest(
    set: { gh: GitHubEmulator; clock: PinnedClock; octokit: ReturnType<typeof createOctokit>; repo: ManifestsRepo },
    over: Partial<GitOpsServiceConfig> = {},
  ) {
    const lines: string[] = [];
    const merges: string[] = [];
    set.octokit.hook.before('request', (options) => {
      if (options.method === 'PUT' && String(options.url).endsWith('/merge')) merges.push(String(options.merge_method));
    });
    const applied = await applyTag(
      {
        octokit: set.octokit,
        repo: set.repo,
        config: config({ mode: 'pull-request', ...over }),
        // Long: waiting out a refusal would fail the test on its own timeout.
        timing: { clock: set.clock, pollMs: 10, timeoutMs: 60_000 },
        log: silent,
      },
      envTarget(config(), 'prod'),
      { from: undefined, to: 'v1.5.0', title: 'Deploy billing to v1.5.0 in prod', message, suffix: 'req_4' },
      async (line) => {
        lines.push(line);
      },
    );
    return { applied, lines, merges };
  }

  it.each([
    ['squash only: one commit titled after the pull request', { merge: false, rebase: false }, 'squash'],
    ['rebase only: the branch commit replayed on the moved base', { merge: false, squash: false }, 'rebase'],
    ['all three: a merge commit, which keeps the branch commit as it is', {}, 'merge'],
  ])('merges the way the repository allows, %s', async (_, allowed, method) => {
    const set = await setUp();
    const { gh, octokit } = set;
    gh.allowMerges(REPO, allowed);
    // The base moves after the branch is made, so a rebase has to replay the commit onto it.
    set.octokit.hook.after('request', (_response, options) => {
      if (options.method === 'POST' && String(options.url).endsWith('/pulls')) {
        gh.writeFiles(REPO, { 'README.md': 'moved on' }, { message: 'meanwhile' });
      }
    });
    const { applied, merges } = await deployByPullRequest(set);
    expect(merges).toEqual([method]);
    expect(applied).toMatchObject({ state: 'committed', pullRequest: { number: 1 } });
    expect(gh.readFile(REPO, FILE)?.text).toBe(KUSTOMIZATION.replace('newTag: v1.4.2', 'newTag: v1.5.0'));
    expect(gh.readFile(REPO, 'README.md')?.text).toBe('moved on');
    const { data: head } = await octokit.rest.repos.getCommit({ owner: 'acme', repo: 'manifests', ref: 'main' });
    const { data: pr } = await octokit.rest.pulls.get({ owner: 'acme', repo: 'manifests', pull_number: 1 });
    expect(applied.state === 'committed' && applied.commit.sha).toBe(head.sha);
    expect(head.sha).not.toBe(pr.head.sha);
    const parents = head.parents.map((p) => p.sha);
    expect(parents).toHaveLength(method === 'merge' ? 2 : 1);
    if (method === 'merge') expect(parents[1]).toBe(pr.head.sha);
    expect(head.commit.message.split('\n')[0]).toBe(
      method === 'rebase' ? 'Deploy billing to v1.5.0 in prod' : 'Deploy billing to v1.5.0 in prod (#1)',
    );
  });

  it('falls back to the next method when the branch requires a linear history, and says so', async () => {
    const set = await setUp();
    set.gh.requireLinearHistory(REPO, 'main');
    const { applied, lines, merges } = await deployByPullRequest(set);
    expect(merges).toEqual(['merge', 'squash']);
    expect(applied).toMatchObject({ state: 'committed' });
    expect(lines).toContain(
      'acme/manifests refused a merge commit ("This branch must not contain merge commits."): ' +
        'merging by squash instead',
    );
  });

  it('ends at once, with what GitHub said, when no method it allows is accepted', async () => {
    const set = await setUp();
    set.gh.allowMerges(REPO, { squash: false, rebase: false });
    set.gh.requireLinearHistory(REPO, 'main');
    const { applied, merges } = await deployByPullRequest(set);
    expect(merges).toEqual(['merge']);
    // Sent once: GitHub's 405 is an answer, which a retry cannot change.
    const answered = set.gh.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/merge'));
    expect(answered.map((r) => r.status)).toEqual([405]);
    expect(applied).toMatchObject({
      state: 'failed',
      pullRequest: { number: 1 },
      reason:
        'acme/manifests refused every merge method its settings allow (merge commit: "This branch must not contain ' +
        'merge commits."): allow one for main in the repository\'s settings, branch protection or rulesets, or set ' +
        'services.billing.deploy.mergeMethod',
    });
    expect(set.gh.readFile(REPO, FILE)?.text).toBe(KUSTOMIZATION);
  });

  it('ends at once, naming the setting, when the repository refuses the merge method configured', async () => {
    const set = await setUp();
    set.gh.allowMerges(REPO, { merge: false });
    const { applied, merges } = await deployByPullRequest(set, { mergeMethod: 'merge' });
    expect(merges).toEqual(['merge']);
    expect(applied).toMatchObject({
      state: 'failed',
      reason:
        'acme/manifests refused the merge method services.billing.deploy.mergeMethod sets (merge commit: "Merge ' +
        'commits are not allowed on this repository."): set one the repository allows for main, or leave it out ' +
        'to try those its settings allow',
    });
  });

  it('with merge: false, opens the pull request and leaves it for review', async () => {
    const { gh, clock, octokit, repo } = await setUp();
    const applied = await applyTag(
      {
        octokit,
        repo,
        config: config({ mode: 'pull-request', merge: false }),
        timing: { clock, pollMs: 10, timeoutMs: 1000 },
        log: silent,
      },
      envTarget(config(), 'prod'),
      { from: undefined, to: 'v1.5.0', title: 'Deploy', message, suffix: 'req_3' },
      async () => {},
    );
    expect(applied).toMatchObject({ state: 'open', pullRequest: { number: 1 } });
    expect(applied.state === 'open' && applied.pullRequest.url).toMatch(/\/acme\/manifests\/pull\/1$/);
    expect(gh.readFile(REPO, FILE)?.text).toBe(KUSTOMIZATION);
  });
});

describe('GitOps manifests: rollback planning', () => {
  it('finds the tag before the current one in the file history, skipping commits that kept it', async () => {
    const { gh, repo } = await setUp();
    gh.writeFiles(REPO, { [FILE]: KUSTOMIZATION.replace('v1.4.2', 'v1.5.0') });
    gh.writeFiles(REPO, { [FILE]: KUSTOMIZATION.replace('v1.4.2', 'v1.5.0').replace('2.0.1', '2.0.2') });
    const plan = await chooseRollback(
      repo,
      envTarget(config(), 'prod'),
      location,
      { service: 'billing', env: 'prod' },
      undefined,
    );
    expect(plan.params).toMatchObject({ tag: 'v1.4.2', from: 'v1.5.0' });
    expect(plan.from).toBe('v1.5.0 (acme/manifests/billing/prod/kustomization.yaml)');
    expect(plan.to).toMatch(/^v1.4.2 \(as of [0-9a-f]{7}\)$/);
  });

  it('says when the history has no other tag, and refuses rolling back to what runs', async () => {
    const { repo } = await setUp();
    const target = { service: 'billing', env: 'prod' };
    const env = envTarget(config(), 'prod');
    await expect(chooseRollback(repo, env, location, target, undefined)).rejects.toThrow(/nothing to roll back to/);
    await expect(chooseRollback(repo, env, location, target, 'v1.4.2')).rejects.toThrow(/is on v1.4.2 now/);
    expect((await chooseRollback(repo, env, location, target, 'v1.3.0')).params).toEqual({
      tag: 'v1.3.0',
      from: 'v1.4.2',
    });
  });
});

describe('GitOps commit message', () => {
  it('names service, environment, ref, sha, requester, approvers and request id', () => {
    const text = commitMessage({
      action: 'Deploy',
      service: 'billing',
      env: 'prod',
      ref: 'v1.5.0',
      sha: 'abcdef1234567890abcdef1234567890abcdef12',
      from: 'v1.4.2',
      to: 'v1.5.0',
      file: FILE,
      meta: { requester: 'U0ALICE', approvers: ['U0BOB', 'U0CAROL'], requestId: 'req_9' },
    });
    expect(text).toBe(
      [
        'Deploy billing to v1.5.0 (abcdef1) in prod',
        '',
        'Service: billing',
        'Environment: prod',
        'Ref: v1.5.0',
        'Commit: abcdef1234567890abcdef1234567890abcdef12',
        `Image tag: v1.4.2 -> v1.5.0 in ${FILE}`,
        'Requested-by: U0ALICE',
        'Approved-by: U0BOB, U0CAROL',
        'Opsdeck-Request: req_9',
        '',
      ].join('\n'),
    );
  });

  it('resolves per-environment branch, file and application', () => {
    const c = config({ environments: { prod: { branch: 'release', app: 'billing-production' } } });
    expect(envTarget(c, 'prod')).toEqual({
      env: 'prod',
      repo: REPO,
      branch: 'release',
      file: 'billing/prod/kustomization.yaml',
      app: 'billing-production',
    });
    expect(envTarget(c, 'staging')).toMatchObject({ branch: 'main', app: 'billing-staging' });
  });
});
