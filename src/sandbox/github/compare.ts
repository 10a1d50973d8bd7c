import type { CommitRecord, Repository } from './repository.ts';

export type CompareStatus = 'ahead' | 'behind' | 'identical' | 'diverged';

export interface Comparison {
  readonly status: CompareStatus;
  readonly mergeBase: CommitRecord;
  /** Commits reachable from head but not from base, oldest first (GitHub's order). */
  readonly ahead: readonly CommitRecord[];
  readonly behindBy: number;
}

export function compareCommits(repo: Repository, base: CommitRecord, head: CommitRecord): Comparison {
  const baseLine = repo.history(base.sha);
  const headLine = repo.history(head.sha);
  const onBase = new Set(baseLine.map((c) => c.sha));
  // Every history starts at the repository's first commit, so a merge base always exists.
  const aheadBy = headLine.findIndex((c) => onBase.has(c.sha));
  const mergeBase = headLine[aheadBy] ?? base;
  const behindBy = baseLine.findIndex((c) => c.sha === mergeBase.sha);
  const status: CompareStatus =
    aheadBy === 0 && behindBy === 0 ? 'identical' : behindBy === 0 ? 'ahead' : aheadBy === 0 ? 'behind' : 'diverged';
  return { status, mergeBase, ahead: headLine.slice(0, aheadBy).reverse(), behindBy };
}
