/**
 * What CI says about a commit, for the deploy gate: commit statuses and check runs alike, each reduced to
 * whether it passed. A check that is queued, running or waiting for something is pending.
 */
export type CheckState = 'passed' | 'failed' | 'pending';

export interface CommitCheck {
  /** The status context or check run name, as branch protection names it (`ci/build`, `test`). */
  name: string;
  state: CheckState;
  /** Where a person sees its log or result. */
  url?: string | undefined;
  /** What the CI system said (`failure`, `timed_out`, "3 tests failed"), for the message. */
  detail?: string | undefined;
}

export interface CommitChecks {
  /** The newest status of each context and the newest run of each check, on the commit; throws when unreadable. */
  read(repo: string, sha: string): Promise<CommitCheck[]>;
}
