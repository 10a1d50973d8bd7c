import type { Body } from './body.ts';
import type { ContentStore } from './contents.ts';
import { HttpError, invalidField } from './errors.ts';
import { headSha, mergeability, mergedTree, pullCommits, type PullRecord } from './pulls.ts';
import type { Repository } from './repository.ts';
import type { RouteState } from './route-state.ts';

const NOT_MERGEABLE = 'Pull Request is not mergeable';

/**
 * `PUT /pulls/{n}/merge`: checks what GitHub checks (open, head unchanged when `sha` is given, no conflicts,
 * the base branch's required checks passing on the head), then commits onto the base branch; returns its sha.
 */
export function pullRequestMerge(
  state: RouteState,
  contents: ContentStore,
  repo: Repository,
  pr: PullRecord,
  body: Body,
): string {
  const method = body.string('merge_method') ?? 'merge';
  if (!['merge', 'squash', 'rebase'].includes(method)) {
    throw invalidField('PullRequest', 'merge_method', `merge_method ${method} is not merge, squash or rebase`);
  }
  if (method === 'rebase') throw new HttpError(405, 'Rebase merges are not allowed on this repository.');
  if (pr.state !== 'open') throw new HttpError(405, NOT_MERGEABLE);
  const head = headSha(repo, pr) ?? '';
  const sha = body.string('sha');
  if (sha !== undefined && sha !== head) {
    throw new HttpError(409, 'Head branch was modified. Review and try the merge again.');
  }
  const merge = mergeability(contents, repo, pr);
  if (merge.blockedBy) {
    const { context, verdict } = merge.blockedBy;
    throw new HttpError(
      405,
      `Required status check "${context}" is ${verdict === 'failing' ? 'failing' : 'expected'}.`,
    );
  }
  const base = repo.branches.get(pr.baseRef) ?? '';
  const tree = mergedTree(contents, repo, base, head);
  if (!tree || merge.mergeable !== true) throw new HttpError(405, NOT_MERGEABLE);
  const commits = pullCommits(repo, base, head);
  const squash = method === 'squash';
  const title =
    body.string('commit_title') ??
    (squash ? `${pr.title} (#${pr.number})` : `Merge pull request #${pr.number} from ${repo.owner}/${pr.headRef}`);
  const detail =
    body.string('commit_message') ??
    (squash ? (commits.length > 1 ? commits.map((c) => `* ${c.message}`).join('\n\n') : '') : pr.title);
  const now = state.now();
  const commit = contents.commitTree(repo, pr.baseRef, tree, {
    message: detail === '' ? title : `${title}\n\n${detail}`,
    author: state.login,
    mergeParent: squash ? undefined : head,
    date: now,
  });
  Object.assign(pr, {
    state: 'closed',
    closedAt: now,
    mergedAt: now,
    updatedAt: now,
    mergeCommitSha: commit.sha,
    mergedBy: state.login,
    closedHead: head,
    closedBase: base,
  });
  return commit.sha;
}
