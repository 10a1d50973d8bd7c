import type { Octokit } from '@octokit/rest';
import type { Progress } from '../../ports/backends.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { GitHubCommitChecks } from '../github/commit-checks.ts';
import { attempt, httpStatus } from '../github/github-errors.ts';
import { formatWait } from '../kubernetes/wait-text.ts';
import type { ManifestCommit, ManifestsRepo } from './manifests-repo.ts';
import { fallbackText, mergeMethodsToTry, type Refused, refusal, refusedText } from './merge-methods.ts';
import type { MergeMethod } from './options.ts';
import { commitTag, type TagChange } from './tag-commit.ts';

export interface PullRequestTiming {
  clock: Clock;
  pollMs: number;
  timeoutMs: number;
}

export type PullRequestResult =
  /** Merged: `commit` is the merge commit on the base branch. */
  | { state: 'merged'; number: number; url: string; from: string; commit: ManifestCommit }
  /** Opened and left for review (`merge: false`). */
  | { state: 'open'; number: number; url: string; from: string }
  /** The base branch already had the tag: no pull request. */
  | { state: 'unchanged'; from: string }
  | { state: 'failed'; number: number; url: string; from: string; reason: string };

// GitHub's mergeable_state values in which a merge is allowed (unstable: only checks that are not required failed).
const MERGEABLE = new Set(['clean', 'unstable', 'has_hooks']);

/**
 * Opens a pull request that changes the tag (a branch from the base's head, one commit on it) and, when
 * asked, merges it through the REST API once GitHub says it is mergeable, i.e. required checks and
 * reviews passed. A failed check, a conflict or a closed pull request ends it; it is left open for people.
 */
export async function changeByPullRequest(
  octokit: Octokit,
  repo: ManifestsRepo,
  change: TagChange & {
    service: string;
    headBranch: string;
    title: string;
    merge: boolean;
    mergeMethod?: MergeMethod | undefined;
  },
  timing: PullRequestTiming,
  progress: Progress,
  log: Logger,
): Promise<PullRequestResult> {
  const { owner, repo: name, fullName } = repo.name;
  const { data: ref } = await attempt(`reading branch ${change.branch} of ${fullName}`, () =>
    octokit.rest.git.getRef({ owner, repo: name, ref: `heads/${change.branch}` }),
  );
  await attempt(`creating branch ${change.headBranch} in ${fullName}`, () =>
    octokit.rest.git.createRef({ owner, repo: name, ref: `refs/heads/${change.headBranch}`, sha: ref.object.sha }),
  );
  const written = await commitTag(repo, { ...change, branch: change.headBranch }, log);
  if (!written.written) {
    await deleteBranch(octokit, repo, change.headBranch, log);
    return { state: 'unchanged', from: written.from };
  }
  const { data: pr } = await attempt(`opening a pull request in ${fullName}`, () =>
    octokit.rest.pulls.create({
      owner,
      repo: name,
      base: change.branch,
      head: change.headBranch,
      title: change.title,
      body: change.message(written.from),
    }),
  );
  const opened = { number: pr.number, url: pr.html_url, from: written.from };
  await progress(`Opened pull request #${pr.number} in ${fullName}: ${change.title}`);
  if (!change.merge) return { state: 'open', ...opened };
  const methods = await mergeMethodsToTry(octokit, repo, change.mergeMethod);
  const outcome = await mergeWhenReady(
    octokit,
    repo,
    { ...opened, head: written.commit.sha },
    { ...change, methods },
    timing,
    progress,
  );
  if (outcome.state === 'merged') await deleteBranch(octokit, repo, change.headBranch, log);
  return outcome;
}

async function mergeWhenReady(
  octokit: Octokit,
  repo: ManifestsRepo,
  pr: { number: number; url: string; from: string; head: string },
  change: MergeChange & {
    service: string;
    branch: string;
    mergeMethod?: MergeMethod | undefined;
    methods: MergeMethod[];
  },
  timing: PullRequestTiming,
  progress: Progress,
): Promise<PullRequestResult> {
  const { owner, repo: name, fullName } = repo.name;
  const checks = new GitHubCommitChecks(octokit);
  const deadline = timing.clock.now().getTime() + timing.timeoutMs;
  const failed = (reason: string): PullRequestResult => ({ state: 'failed', ...pr, reason });
  const where = { repo: fullName, branch: change.branch, service: change.service };
  const refused: Refused[] = [];
  let lastLine = '';
  for (;;) {
    const { data } = await attempt(`reading pull request #${pr.number} of ${fullName}`, () =>
      octokit.rest.pulls.get({ owner, repo: name, pull_number: pr.number }),
    );
    if (data.merged && data.merge_commit_sha) {
      return {
        state: 'merged',
        ...pr,
        commit: { sha: data.merge_commit_sha, url: repo.commitUrl(data.merge_commit_sha) },
      };
    }
    if (data.state === 'closed') return failed('it was closed without being merged');
    if (data.mergeable_state === 'dirty') return failed('it conflicts with its base branch');
    const method = change.methods[refused.length];
    if (!method) return failed(refusedText(where, refused, change.mergeMethod !== undefined));
    if (MERGEABLE.has(data.mergeable_state)) {
      const merged = await merge(octokit, repo, pr, { ...change, method });
      if (merged && 'refused' in merged) {
        const said = { method, said: merged.refused };
        refused.push(said);
        const next = change.methods[refused.length];
        if (next) await progress(fallbackText(fullName, said, next)).catch(() => undefined);
        continue;
      }
      if (merged) return { state: 'merged', ...pr, commit: merged };
    }
    const read = await checks.read(fullName, pr.head);
    const bad = read.filter((c) => c.state === 'failed');
    if (bad.length) return failed(`check ${bad.map((c) => `${c.name} (${c.detail ?? 'failed'})`).join(', ')} failed`);
    const pending = read.filter((c) => c.state === 'pending').map((c) => c.name);
    const line = pending.length
      ? `Pull request #${pr.number}: waiting for ${pending.join(', ')}`
      : `Pull request #${pr.number}: waiting until GitHub allows the merge (${data.mergeable_state})`;
    if (line !== lastLine) {
      lastLine = line;
      await progress(line).catch(() => undefined);
    }
    const left = deadline - timing.clock.now().getTime();
    if (left <= 0) return failed(`it was not mergeable after ${formatWait(timing.timeoutMs)} (${line})`);
    await timing.clock.sleep(Math.min(timing.pollMs, left));
  }
}

type MergeChange = { title: string; message: (from: string) => string };

/**
 * Merges at the head we wrote; undefined when GitHub does not allow it yet (405) so the wait goes on, and
 * `refused` (what GitHub said) when it refuses this merge method for good, which no wait changes.
 */
async function merge(
  octokit: Octokit,
  repo: ManifestsRepo,
  pr: { number: number; from: string; head: string },
  change: MergeChange & { method: MergeMethod },
): Promise<ManifestCommit | { refused: string } | undefined> {
  const { owner, repo: name, fullName } = repo.name;
  return attempt(`merging pull request #${pr.number} of ${fullName}`, async () => {
    try {
      const { data } = await octokit.rest.pulls.merge({
        owner,
        repo: name,
        pull_number: pr.number,
        sha: pr.head,
        merge_method: change.method,
        commit_title: `${change.title} (#${pr.number})`,
        commit_message: change.message(pr.from),
      });
      return { sha: data.sha, url: repo.commitUrl(data.sha) };
    } catch (error) {
      const said = refusal(error);
      if (said !== undefined) return { refused: said };
      if (httpStatus(error) === 405) return undefined;
      throw error;
    }
  });
}

async function deleteBranch(octokit: Octokit, repo: ManifestsRepo, branch: string, log: Logger): Promise<void> {
  const { owner, repo: name } = repo.name;
  try {
    await octokit.rest.git.deleteRef({ owner, repo: name, ref: `heads/${branch}` });
  } catch (err) {
    log.warn({ err, branch }, 'could not delete the pull request branch');
  }
}
