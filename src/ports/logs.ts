import type { Target } from './backends.ts';

/** One log line, wherever it came from. `id` is unique per source (CloudWatch eventId, pod+offset). */
export interface LogEvent {
  id: string;
  /** Epoch milliseconds. */
  timestamp: number;
  message: string;
  /** Where it came from: a log stream or a pod (and container). */
  origin: string;
}

export interface LogQuery {
  target: Target;
  since: Date;
  /** Source-side filter: a CloudWatch filter pattern, or a plain substring for pod logs. */
  grep?: string | undefined;
  /** Kubernetes only: one pod, one container. */
  pod?: string | undefined;
  container?: string | undefined;
}

export interface LogSource {
  /** "CloudWatch /ecs/api (prod)" or "pods app=api in api (prod)", for summaries. */
  describe(target: Target): string;
  /** The newest `limit` events from `since` to now, oldest first; `more` when older ones were left out. */
  snapshot(query: LogQuery, limit: number): Promise<{ events: LogEvent[]; more: boolean }>;
  /**
   * Delivers events from `since` on, in batches, oldest first, each exactly once, until `signal`
   * aborts (then it resolves). Backend trouble is retried with backoff; a failure that does not
   * clear up rejects with a message naming the source.
   */
  follow(query: LogQuery, signal: AbortSignal, deliver: (events: LogEvent[]) => void): Promise<void>;
}
