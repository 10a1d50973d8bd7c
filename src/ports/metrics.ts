export type CommandOutcome = 'ok' | 'denied' | 'invalid' | 'failed';

export interface Metrics {
  commandFinished(command: string, outcome: CommandOutcome): void;
}

/** What a lease is held for: a running change, a log follow, the expiry sweep. */
export type LeaseKind = 'change' | 'tail' | 'sweep';

/** Background work that failed or was cut short: counted, so it never fails silently. */
export interface FailureMetrics {
  /** A lease this process held was taken over, or could not be renewed for a whole term. */
  leaseLost(kind: LeaseKind): void;
}

/** What the shared rate limits report, so an outage of Redis shows on a dashboard rather than as silence. */
export interface RateLimitMetrics {
  /** True while limits are shared through Redis, false while each replica keeps its own. */
  sharedLimits(up: boolean): void;
  /** One call admitted by this replica's own limiter alone because Redis could not be reached. */
  limitedLocally(limit: string): void;
}

/** What became of alert notifications: every one is counted, refused ones by why. */
export interface AlertMetrics {
  /** A notification handled: `posted`, `updated`, `resolved`, `summarised`, `unknown` (resolved, never seen). */
  alertHandled(source: string, outcome: string): void;
  /** A request to an alert endpoint refused before any work (unauthenticated, bad signature, stale, invalid). */
  alertRefused(source: string, reason: string): void;
}

/** How a change ended, as the outcome metrics count it. */
export type ChangeOutcome = 'succeeded' | 'failed' | 'rolled_back' | 'expired' | 'rejected';

/** How a request was decided: approved by others, approved alone in an emergency, or rejected. */
export type ApprovalDecision = 'approved' | 'emergency' | 'rejected';

/** What became of changes: counted by the replica that saw each end, so a sum over replicas is the total. */
export interface ChangeMetrics {
  changeEnded(kind: string, env: string, outcome: ChangeOutcome): void;
  /** A request decided, `seconds` after it was made. */
  approvalDecided(env: string, decision: ApprovalDecision, seconds: number): void;
  /**
   * The service was restored: by an automatic rollback (`seconds` from the failed run's start to the end
   * of its rollback) or by a `/rollback` (from the request to its success).
   */
  restored(env: string, how: 'automatic' | 'rollback', seconds: number): void;
}

/** What is open right now, read from the store on each scrape: every replica reports the same numbers. */
export interface LiveCounts {
  /** Requests waiting for approval, by environment. */
  pendingApprovals: Record<string, number>;
  /** Changes running, by environment. */
  runningChanges: Record<string, number>;
  /** Log follows running (or stopping). */
  follows: number;
  /** Emergency self-approvals nobody has acknowledged yet, and how many of them are past due. */
  openReviews: number;
  overdueReviews: number;
}
