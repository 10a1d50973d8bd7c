export type CommandOutcome = 'ok' | 'denied' | 'invalid' | 'failed';

export interface Metrics {
  commandFinished(command: string, outcome: CommandOutcome): void;
}

/** Background work that failed and will be tried again: counted, so it never fails silently. */
export interface FailureMetrics {
  /** A running change or log tail could not record that its process is alive. */
  heartbeatFailed(kind: 'change' | 'tail'): void;
}
