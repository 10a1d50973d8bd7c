import type { CommitRecord, Repository } from './repository.ts';

export type CompareStatus = 'ahead' | 'behind' | 'identical' | 'diverged';

export interface Comparison {
  readonly status: CompareStatus;
  readonly mergeBase: CommitRecord;
  /** Commits reachable from head but not from base, oldest first (GitHub's order). */
  readonly ahead: readonly CommitRecord[];
  readonly behindBy: number;
}

/** Like `git rev-list base..head` and `head..base` over every parent, so merge commits count as git counts them. */
export function compareCommits(repo: Repository, base: CommitRecord, head: CommitRecord): Comparison {
  const onBase = repo.reachable(base.sha);
  const onHead = repo.reachable(head.sha);
  const ahead = repo.ordered(new Set([...onHead].filter((sha) => !onBase.has(sha))));
  const behindBy = [...onBase].filter((sha) => !onHead.has(sha)).length;
  // Every history starts at the repository's first commit, so a merge base always exists; the newest one wins.
  const mergeBase = repo.ordered(new Set([...onHead].filter((sha) => onBase.has(sha)))).at(-1) ?? base;
  const aheadBy = ahead.length;
  const status: CompareStatus =
    aheadBy === 0 && behindBy === 0 ? 'identical' : behindBy === 0 ? 'ahead' : aheadBy === 0 ? 'behind' : 'diverged';
  return { status, mergeBase, ahead, behindBy };
}
