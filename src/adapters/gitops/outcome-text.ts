import type { DeployOutcome, Target } from '../../ports/backends.ts';
import type { Applied } from './apply-change.ts';

type Committed = Extract<Applied, { state: 'committed' }>;

/** `commit 1a2b3c4`, `pull request #7, merged as 1a2b3c4`, and whether it had to be written again. */
export function describeCommit(applied: Committed): string {
  const sha = applied.commit.sha.slice(0, 7);
  if (applied.pullRequest) return `pull request #${applied.pullRequest.number}, merged as ${sha}`;
  const n = applied.concurrentEdits ?? 0;
  const again = n ? `, written again on top of ${n} concurrent edit${n === 1 ? '' : 's'} of the file` : '';
  return `commit ${sha}${again}`;
}

/** Where a person sees the change: its pull request, else its commit. */
export const changeUrl = (applied: Applied): string | undefined =>
  applied.state === 'committed' ? (applied.pullRequest?.url ?? applied.commit.url) : undefined;

/** A change whose pull request was left for review, or could not be merged: nothing to follow. */
export function notApplied(
  target: Target,
  tag: string,
  applied: Extract<Applied, { state: 'open' | 'failed' }>,
): DeployOutcome {
  const { number, url } = applied.pullRequest;
  const where = `${target.service} in ${target.env}`;
  if (applied.state === 'open') {
    return {
      ok: true,
      url,
      summary: `Opened pull request #${number} setting ${where} to ${tag}; it applies once merged by a reviewer.`,
    };
  }
  return {
    ok: false,
    url,
    summary: `Pull request #${number} setting ${where} to ${tag} was not merged: ${applied.reason}. It is left open.`,
  };
}
