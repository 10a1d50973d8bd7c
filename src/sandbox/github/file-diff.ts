import { blobSha } from './contents.ts';
import { repoApi, repoWeb, type Links } from './links.ts';
import type { CommitRecord, Repository } from './repository.ts';

export interface FileChange {
  readonly path: string;
  readonly status: 'added' | 'modified' | 'removed';
  readonly before: string | undefined;
  readonly after: string | undefined;
}

/** Files that differ between two trees, sorted by path. */
export function changedFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): FileChange[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.flatMap((path): FileChange[] => {
    const was = before.get(path);
    const is = after.get(path);
    if (was === is) return [];
    const status = was === undefined ? 'added' : is === undefined ? 'removed' : 'modified';
    return [{ path, status, before: was, after: is }];
  });
}

const linesOf = (text: string | undefined): string[] =>
  text === undefined || text === '' ? [] : text.replace(/\n$/, '').split('\n');

/**
 * One hunk around the changed middle (common prefix and suffix kept as context), which is exact for the small
 * edits GitOps makes; git's own diff may split a scattered change into several hunks.
 */
export function patchOf(change: FileChange): { patch: string; additions: number; deletions: number } {
  const a = linesOf(change.before);
  const b = linesOf(change.after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end += 1;
  const removed = a.slice(start, a.length - end);
  const added = b.slice(start, b.length - end);
  const from = Math.max(start - 3, 0);
  const before = a.slice(from, start);
  const after = a.slice(a.length - end, Math.min(a.length - end + 3, a.length));
  const oldCount = before.length + removed.length + after.length;
  const newCount = before.length + added.length + after.length;
  const range = (count: number) => `${count === 0 ? from : from + 1},${count}`;
  const body = [
    ...before.map((l) => ` ${l}`),
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
    ...after.map((l) => ` ${l}`),
  ];
  const patch = `@@ -${range(oldCount)} +${range(newCount)} @@\n${body.join('\n')}`;
  return { patch, additions: added.length, deletions: removed.length };
}

export function fileJson(links: Links, repo: Repository, commit: CommitRecord, change: FileChange) {
  const { patch, additions, deletions } = patchOf(change);
  const web = repoWeb(links, repo);
  return {
    sha: blobSha(change.after ?? change.before ?? ''),
    filename: change.path,
    status: change.status,
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `${web}/blob/${commit.sha}/${change.path}`,
    raw_url: `${web}/raw/${commit.sha}/${change.path}`,
    contents_url: `${repoApi(links, repo)}/contents/${change.path}?ref=${commit.sha}`,
    patch,
  };
}
