export type CommandOutcome = 'ok' | 'denied' | 'invalid' | 'failed';

export interface Metrics {
  commandFinished(command: string, outcome: CommandOutcome): void;
}

/** Background work that failed and will be tried again: counted, so it never fails silently. */
export interface FailureMetrics {
  /** A running change or log tail could not record that its process is alive. */
  heartbeatFailed(kind: 'change' | 'tail'): void;
}

/** What the shared rate limits report, so an outage of Redis shows on a dashboard rather than as silence. */
export interface RateLimitMetrics {
  /** True while limits are shared through Redis, false while each replica keeps its own. */
  sharedLimits(up: boolean): void;
  /** One call admitted by this replica's own limiter alone because Redis could not be reached. */
  limitedLocally(limit: string): void;
}
