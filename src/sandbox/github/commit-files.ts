import type { ContentStore } from './contents.ts';
import { changedFiles, fileJson, type FileChange } from './file-diff.ts';
import type { Links } from './links.ts';
import { commitJson } from './repo-json.ts';
import type { CommitRecord, Repository } from './repository.ts';

/** What a commit changed against its first parent (the root commit against an empty tree). */
export function commitChanges(contents: ContentStore, repo: Repository, c: CommitRecord): FileChange[] {
  const before = c.parent === undefined ? new Map<string, string>() : contents.treeAt(repo, c.parent);
  return changedFiles(before, contents.treeAt(repo, c.sha));
}

/** `GET /repos/{o}/{r}/commits/{ref}`: the commit with its changed files, patches and stats. */
export function fullCommitJson(
  links: Links,
  repo: Repository,
  c: CommitRecord,
  contents: ContentStore,
): Record<string, unknown> {
  const files = commitChanges(contents, repo, c).map((change) => fileJson(links, repo, c, change));
  const additions = files.reduce((n, f) => n + f.additions, 0);
  const deletions = files.reduce((n, f) => n + f.deletions, 0);
  return {
    ...commitJson(links, repo, c),
    stats: { total: additions + deletions, additions, deletions },
    files,
  };
}
