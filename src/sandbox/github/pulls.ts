import { checkRunsOf, latestStatuses } from './commit-checks.ts';
import type { ContentStore } from './contents.ts';
import type { CommitRecord, Repository } from './repository.ts';

export interface PullRecord {
  readonly number: number;
  title: string;
  body: string | null;
  readonly headRef: string;
  baseRef: string;
  readonly user: string;
  readonly draft: boolean;
  state: 'open' | 'closed';
  readonly createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  mergedAt: number | null;
  mergeCommitSha: string | null;
  mergedBy: string | null;
  /** Head and base as they were when the pull request closed; live branches are read while it is open. */
  closedHead: string | null;
  closedBase: string | null;
}

export type CheckVerdict = 'passing' | 'failing' | 'expected';

/** A required context passes on a success status, or a completed check run that did not fail. */
export function verdictOf(repo: Repository, sha: string, context: string): CheckVerdict {
  const status = latestStatuses(repo, sha).find((s) => s.context === context);
  const run = checkRunsOf(repo, sha, true).find((r) => r.name === context);
  if (status?.state === 'success') return 'passing';
  if (run?.status === 'completed') {
    return ['success', 'neutral', 'skipped'].includes(run.conclusion ?? '') ? 'passing' : 'failing';
  }
  if (status?.state === 'failure' || status?.state === 'error') return 'failing';
  return 'expected';
}

export function headSha(repo: Repository, pr: PullRecord): string | undefined {
  return pr.closedHead ?? repo.branches.get(pr.headRef);
}

export function baseSha(repo: Repository, pr: PullRecord): string | undefined {
  return pr.closedBase ?? repo.branches.get(pr.baseRef);
}

/** The newest commit both base and head reach. */
export function mergeBase(repo: Repository, base: string, head: string): CommitRecord | undefined {
  const onBase = repo.reachable(base);
  return repo.ordered(new Set([...repo.reachable(head)].filter((sha) => onBase.has(sha)))).at(-1);
}

/** Commits on head that base lacks, oldest first. */
export function pullCommits(repo: Repository, base: string, head: string): CommitRecord[] {
  const onBase = repo.reachable(base);
  return repo.ordered(new Set([...repo.reachable(head)].filter((sha) => !onBase.has(sha))));
}

/**
 * A file-level three-way merge of head into base: a file changed on one side only takes that side; changed on
 * both to different contents is a conflict (undefined).
 */
export function mergedTree(
  contents: ContentStore,
  repo: Repository,
  base: string,
  head: string,
): Map<string, string> | undefined {
  const ancestor = mergeBase(repo, base, head);
  const m = ancestor ? contents.treeAt(repo, ancestor.sha) : new Map<string, string>();
  const b = contents.treeAt(repo, base);
  const h = contents.treeAt(repo, head);
  const out = new Map<string, string>();
  for (const path of new Set([...m.keys(), ...b.keys(), ...h.keys()])) {
    const [mv, bv, hv] = [m.get(path), b.get(path), h.get(path)];
    const pick = hv === mv ? bv : bv === mv || bv === hv ? hv : null;
    if (pick === null) return undefined;
    if (pick !== undefined) out.set(path, pick);
  }
  return out;
}

export type MergeableState = 'clean' | 'blocked' | 'dirty' | 'unstable' | 'unknown';

export interface Mergeability {
  readonly mergeable: boolean | null;
  readonly state: MergeableState;
  /** The first required context that does not pass, with why. */
  readonly blockedBy: { context: string; verdict: CheckVerdict } | undefined;
}

export function mergeability(contents: ContentStore, repo: Repository, pr: PullRecord): Mergeability {
  const head = headSha(repo, pr);
  const base = baseSha(repo, pr);
  if (pr.state !== 'open' || head === undefined || base === undefined) {
    return { mergeable: null, state: 'unknown', blockedBy: undefined };
  }
  if (!mergedTree(contents, repo, base, head)) return { mergeable: false, state: 'dirty', blockedBy: undefined };
  const blockedBy = (repo.requiredChecks.get(pr.baseRef) ?? [])
    .map((context) => ({ context, verdict: verdictOf(repo, head, context) }))
    .find((c) => c.verdict !== 'passing');
  if (blockedBy) return { mergeable: true, state: 'blocked', blockedBy };
  const failing =
    latestStatuses(repo, head).some((s) => s.state === 'failure' || s.state === 'error') ||
    checkRunsOf(repo, head, true).some((r) => r.status === 'completed' && r.conclusion === 'failure');
  return { mergeable: true, state: failing ? 'unstable' : 'clean', blockedBy: undefined };
}
