import type { Body } from './body.ts';
import type { ContentStore } from './contents.ts';
import { HttpError, invalidField } from './errors.ts';
import { headSha, mergeability, mergedTree, pullCommits, type PullRecord } from './pulls.ts';
import type { CommitRecord, Repository } from './repository.ts';
import type { RouteState } from './route-state.ts';

const NOT_MERGEABLE = 'Pull Request is not mergeable';
type Method = keyof Repository['mergeMethods'];
const NOT_ALLOWED: Record<Method, string> = {
  merge: 'Merge commits',
  squash: 'Squash merges',
  rebase: 'Rebase merges',
};
const isMethod = (method: string): method is Method => Object.hasOwn(NOT_ALLOWED, method);

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
  if (!isMethod(method)) {
    throw invalidField('PullRequest', 'merge_method', `merge_method ${method} is not merge, squash or rebase`);
  }
  if (!repo.mergeMethods[method]) {
    throw new HttpError(405, `${NOT_ALLOWED[method]} are not allowed on this repository.`);
  }
  if (method === 'merge' && repo.linearHistory.has(pr.baseRef)) {
    throw new HttpError(405, 'This branch must not contain merge commits.');
  }
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
  const now = state.now();
  const commit =
    method === 'rebase'
      ? rebase(contents, repo, pr.baseRef, commits, now)
      : contents.commitTree(repo, pr.baseRef, tree, {
          message: mergeMessage(pr, repo, commits, body, method === 'squash'),
          author: state.login,
          mergeParent: method === 'squash' ? undefined : head,
          date: now,
        });
  if (!commit) throw new HttpError(405, "This branch can't be rebased");
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

/** The message of a merge or squash commit: the title and message asked for, or GitHub's defaults. */
function mergeMessage(
  pr: PullRecord,
  repo: Repository,
  commits: readonly CommitRecord[],
  body: Body,
  squash: boolean,
): string {
  const title =
    body.string('commit_title') ??
    (squash ? `${pr.title} (#${pr.number})` : `Merge pull request #${pr.number} from ${repo.owner}/${pr.headRef}`);
  const detail =
    body.string('commit_message') ??
    (squash ? (commits.length > 1 ? commits.map((c) => `* ${c.message}`).join('\n\n') : '') : pr.title);
  return detail === '' ? title : `${title}\n\n${detail}`;
}

/**
 * "Rebase and merge": each commit of the pull request again on top of the base branch, with its message and
 * author, as GitHub replays them (new shas; the title and message asked for are not used). A file a commit
 * changes that the base changed otherwise stops it: the last commit, or undefined.
 */
function rebase(
  contents: ContentStore,
  repo: Repository,
  branch: string,
  commits: readonly CommitRecord[],
  date: number,
): CommitRecord | undefined {
  const tip = repo.branches.get(branch) ?? '';
  let tree = new Map(contents.treeAt(repo, tip));
  const replayed: Array<{ commit: CommitRecord; tree: Map<string, string> }> = [];
  for (const commit of commits) {
    const before = commit.parent ? contents.treeAt(repo, commit.parent) : new Map<string, string>();
    const after = contents.treeAt(repo, commit.sha);
    const next = new Map(tree);
    for (const path of new Set([...before.keys(), ...after.keys()])) {
      const [was, now] = [before.get(path), after.get(path)];
      if (was === now) continue;
      const current = tree.get(path);
      if (current !== was && current !== now) return undefined;
      if (now === undefined) next.delete(path);
      else next.set(path, now);
    }
    replayed.push({ commit, tree: next });
    tree = next;
  }
  let last: CommitRecord | undefined;
  for (const { commit, tree: t } of replayed) {
    const spec = { message: commit.message, author: commit.author, gitAuthor: commit.gitAuthor, date };
    last = contents.commitTree(repo, branch, t, spec);
  }
  return last;
}
