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
