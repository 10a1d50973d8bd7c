import { createHash } from 'node:crypto';
import type { CheckRunRecord, StatusRecord } from './commit-checks.ts';
import type { PullRecord } from './pulls.ts';

export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

export interface CommitSpec {
  readonly message: string;
  /** GitHub login of the author; also used for the git author name and a noreply email. */
  readonly author?: string | undefined;
  /** Git author and committer as a client sent them (contents API); default the login's noreply identity. */
  readonly gitAuthor?: GitIdentity | undefined;
  readonly gitCommitter?: GitIdentity | undefined;
  /** The second parent of a merge commit. */
  readonly mergeParent?: string | undefined;
}

export interface CommitRecord {
  readonly sha: string;
  readonly treeSha: string;
  readonly message: string;
  readonly author: string;
  readonly date: number;
  readonly parent: string | undefined;
  readonly mergeParent: string | undefined;
  readonly gitAuthor: GitIdentity | undefined;
  readonly gitCommitter: GitIdentity | undefined;
}

export type CommitState = 'error' | 'failure' | 'pending' | 'success';

export interface NamedRef {
  readonly kind: 'branch' | 'tag';
  readonly name: string;
  readonly sha: string;
}

const DEFAULT_AUTHOR = 'octocat';
const hex = (text: string): string => createHash('sha1').update(text).digest('hex');

/** One repository: commits form parent chains, branches and tags are names pointing at commits. */
export class Repository {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  readonly createdAt: number;
  readonly branches = new Map<string, string>();
  readonly tags = new Map<string, string>();
  /** Commit statuses per sha, oldest first: the newest of each context counts (and gates `required_contexts`). */
  readonly statuses = new Map<string, StatusRecord[]>();
  /** Check runs of every commit, oldest first. */
  readonly checkRuns: CheckRunRecord[] = [];
  /** Branch protection: the status contexts or check names a pull request's head must pass to merge. */
  readonly requiredChecks = new Map<string, readonly string[]>();
  /** Pull requests, numbered from 1 in creation order. */
  readonly pulls: PullRecord[] = [];
  /** The merge methods the repository's settings allow for pull requests (GitHub's default: all three). */
  readonly mergeMethods = { merge: true, squash: true, rebase: true };
  /** Branches whose protection requires a linear history: no merge commits. */
  readonly linearHistory = new Set<string>();
  readonly #commits = new Map<string, CommitRecord>();

  constructor(init: { id: number; owner: string; name: string; defaultBranch: string; createdAt: number }) {
    this.id = init.id;
    this.owner = init.owner;
    this.name = init.name;
    this.defaultBranch = init.defaultBranch;
    this.createdAt = init.createdAt;
  }

  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  get pushedAt(): number {
    return Math.max(this.createdAt, ...[...this.#commits.values()].map((c) => c.date));
  }

  /** Appends a commit on `branch` (created at `parent` when new). Shas depend only on repo name and sequence. */
  commit(branch: string, spec: CommitSpec, date: number, parent = this.branches.get(branch)): CommitRecord {
    const sha = hex(`${this.fullName}#${this.#commits.size}`);
    const record: CommitRecord = {
      sha,
      treeSha: hex(`tree:${sha}`),
      message: spec.message,
      author: spec.author ?? DEFAULT_AUTHOR,
      date,
      parent,
      mergeParent: spec.mergeParent,
      gitAuthor: spec.gitAuthor,
      gitCommitter: spec.gitCommitter ?? spec.gitAuthor,
    };
    this.#commits.set(sha, record);
    this.branches.set(branch, sha);
    return record;
  }

  get(sha: string): CommitRecord | undefined {
    return this.#commits.get(sha);
  }

  /** A branch or tag by short or full name (`main`, `heads/main`, `refs/tags/v1`); tags win like in git. */
  named(ref: string): NamedRef | undefined {
    const short = ref.replace(/^refs\//, '');
    const tag = short.startsWith('tags/') ? short.slice(5) : short;
    const tagSha = this.tags.get(tag);
    if (tagSha !== undefined && !short.startsWith('heads/')) return { kind: 'tag', name: tag, sha: tagSha };
    const branch = short.startsWith('heads/') ? short.slice(6) : short;
    const branchSha = this.branches.get(branch);
    if (branchSha !== undefined && !short.startsWith('tags/')) return { kind: 'branch', name: branch, sha: branchSha };
    return undefined;
  }

  /** Resolves `HEAD` (the default branch), a branch, tag, full sha or unique short sha (7+ hex characters). */
  resolve(ref: string): CommitRecord | undefined {
    const exact = this.#commits.get(ref);
    if (exact) return exact;
    if (ref === 'HEAD') return this.#commits.get(this.branches.get(this.defaultBranch) ?? '');
    const named = this.named(ref);
    if (named) return this.#commits.get(named.sha);
    if (!/^[0-9a-f]{7,39}$/i.test(ref)) return undefined;
    const prefix = ref.toLowerCase();
    const matches = [...this.#commits.values()].filter((c) => c.sha.startsWith(prefix));
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** The commit and its first-parent ancestors, newest first (`git log --first-parent`). */
  history(sha: string): CommitRecord[] {
    const line: CommitRecord[] = [];
    for (let c = this.#commits.get(sha); c; c = c.parent === undefined ? undefined : this.#commits.get(c.parent)) {
      line.push(c);
    }
    return line;
  }

  /** The shas of `sha` and everything reachable from it through any parent. */
  reachable(sha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [sha];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      const c = this.#commits.get(next);
      if (!c || seen.has(next)) continue;
      seen.add(next);
      for (const p of [c.parent, c.mergeParent]) if (p !== undefined) queue.push(p);
    }
    return seen;
  }

  /** Whether `ancestor` is `sha` or reachable from it through any parent. */
  reaches(sha: string, ancestor: string): boolean {
    return this.reachable(sha).has(ancestor);
  }

  /** Commits in the order they were made, oldest first (parents always come before their children). */
  ordered(shas: ReadonlySet<string>): CommitRecord[] {
    return [...this.#commits.values()].filter((c) => shas.has(c.sha));
  }
}
