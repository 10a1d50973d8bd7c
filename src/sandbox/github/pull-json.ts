import type { ContentStore } from './contents.ts';
import { changedFiles, patchOf } from './file-diff.ts';
import { iso, minimalRepoJson, nodeId, repoApi, repoWeb, userJson, type Links } from './links.ts';
import { baseSha, headSha, mergeability, pullCommits, type PullRecord } from './pulls.ts';
import type { Repository } from './repository.ts';

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

function branchEnd(links: Links, repo: Repository, ref: string, sha: string | undefined) {
  return {
    label: `${repo.owner}:${ref}`,
    ref,
    sha: sha ?? null,
    user: userJson(links, repo.owner),
    repo: minimalRepoJson(links, repo),
  };
}

/** A pull request as the list endpoint shows it. */
export function pullJson(links: Links, repo: Repository, pr: PullRecord): Record<string, unknown> {
  const api = `${repoApi(links, repo)}/pulls/${pr.number}`;
  const html = `${repoWeb(links, repo)}/pull/${pr.number}`;
  const issue = `${repoApi(links, repo)}/issues/${pr.number}`;
  const head = headSha(repo, pr);
  const id = repo.id * 100_000 + pr.number;
  return {
    url: api,
    id,
    node_id: nodeId('PullRequest', id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(links, pr.user),
    body: pr.body,
    labels: [],
    milestone: null,
    draft: pr.draft,
    created_at: iso(pr.createdAt),
    updated_at: iso(pr.updatedAt),
    closed_at: isoOrNull(pr.closedAt),
    merged_at: isoOrNull(pr.mergedAt),
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    comments_url: `${issue}/comments`,
    statuses_url: `${repoApi(links, repo)}/statuses/${head ?? ''}`,
    head: branchEnd(links, repo, pr.headRef, head),
    base: branchEnd(links, repo, pr.baseRef, baseSha(repo, pr)),
    _links: { self: { href: api }, html: { href: html }, issue: { href: issue } },
    author_association: 'MEMBER',
    auto_merge: null,
    active_lock_reason: null,
  };
}

/** A single pull request: the list fields plus merge state and diff counts. */
export function fullPullJson(
  links: Links,
  repo: Repository,
  pr: PullRecord,
  contents: ContentStore,
): Record<string, unknown> {
  const head = headSha(repo, pr);
  const base = baseSha(repo, pr);
  const merge = mergeability(contents, repo, pr);
  const commits = head && base ? pullCommits(repo, base, head) : [];
  const first = commits[0];
  const before = first?.parent === undefined ? new Map<string, string>() : contents.treeAt(repo, first.parent);
  const files = head ? changedFiles(before, contents.treeAt(repo, head)).map(patchOf) : [];
  return {
    ...pullJson(links, repo, pr),
    merged: pr.mergedAt !== null,
    mergeable: merge.mergeable,
    rebaseable: merge.mergeable,
    mergeable_state: merge.state,
    merged_by: pr.mergedBy === null ? null : userJson(links, pr.mergedBy),
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: commits.length,
    additions: files.reduce((n, f) => n + f.additions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
    changed_files: files.length,
  };
}
