import type { Octokit } from '@octokit/rest';
import type { Progress } from '../../ports/backends.ts';
import type { Logger } from '../../ports/logger.ts';
import type { ManifestCommit, ManifestsRepo } from './manifests-repo.ts';
import type { EnvTarget, GitOpsServiceConfig } from './options.ts';
import { changeByPullRequest, type PullRequestTiming } from './pull-request.ts';
import { commitTag } from './tag-commit.ts';

export interface TagEdit {
  /** The tag this change replaces, when it was planned against one. */
  from: string | undefined;
  to: string;
  /** `Deploy billing to v1.5.0 in prod`: the pull request's title. */
  title: string;
  message: (from: string) => string;
  /** Names the pull request branch: `opsdeck/<service>-<env>-<suffix>`. */
  suffix: string;
}

export type Applied =
  /** On the branch: `commit` is what Argo CD or the controller will apply. */
  | {
      state: 'committed';
      from: string;
      commit: ManifestCommit;
      /** Edits by others that landed between a read and a write, each kept and written on top of. */
      concurrentEdits?: number;
      pullRequest?: { number: number; url: string };
    }
  /** The branch already had the tag. */
  | { state: 'unchanged'; from: string }
  /** A pull request waits for review (`merge: false`). */
  | { state: 'open'; from: string; pullRequest: { number: number; url: string } }
  | { state: 'failed'; from: string; reason: string; pullRequest: { number: number; url: string } };

/** Writes the tag the configured way: a commit on the branch, or a pull request merged (or left for review). */
export async function applyTag(
  ctx: { octokit: Octokit; repo: ManifestsRepo; config: GitOpsServiceConfig; timing: PullRequestTiming; log: Logger },
  target: EnvTarget,
  edit: TagEdit,
  progress: Progress,
): Promise<Applied> {
  const change = {
    path: target.file,
    branch: target.branch,
    location: ctx.config.image,
    from: edit.from,
    to: edit.to,
    message: edit.message,
  };
  if (ctx.config.mode === 'commit') {
    const done = await commitTag(ctx.repo, change, ctx.log);
    if (!done.written) return { state: 'unchanged', from: done.from };
    await progress(`Committed ${edit.to} to ${target.file} (${done.commit.sha.slice(0, 7)})`).catch(() => undefined);
    return { state: 'committed', from: done.from, commit: done.commit, concurrentEdits: done.attempts - 1 };
  }
  const headBranch = `opsdeck/${ctx.config.service}-${target.env}-${edit.suffix}`;
  const pr = await changeByPullRequest(
    ctx.octokit,
    ctx.repo,
    {
      ...change,
      service: ctx.config.service,
      headBranch,
      title: edit.title,
      merge: ctx.config.merge,
      mergeMethod: ctx.config.mergeMethod,
    },
    ctx.timing,
    progress,
    ctx.log,
  );
  if (pr.state === 'unchanged') return { state: 'unchanged', from: pr.from };
  const pullRequest = { number: pr.number, url: pr.url };
  if (pr.state === 'open') return { state: 'open', from: pr.from, pullRequest };
  if (pr.state === 'failed') return { state: 'failed', from: pr.from, reason: pr.reason, pullRequest };
  await progress(`Merged pull request #${pr.number} (${pr.commit.sha.slice(0, 7)})`).catch(() => undefined);
  return { state: 'committed', from: pr.from, commit: pr.commit, pullRequest };
}
