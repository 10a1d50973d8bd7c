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

/**
 * What a snapshot read, and what it did not: a reader must be able to tell "no such lines" from
 * "not looked at".
 */
export interface LogSnapshot {
  /** The newest `limit` lines of what was read, oldest first. */
  events: LogEvent[];
  /** Older lines of the range were left out: beyond the line limit, or (pod logs) beyond the lines searched. */
  olderLeftOut: boolean;
  /**
   * Set when reading stopped before the end of the range (a time or page budget): lines stamped after
   * `readUpTo` were not read, so nothing is known about them. `reason` names the budget, for people.
   */
  unread?: { readUpTo: Date; reason: string } | undefined;
}

/**
 * What a follow tells the people watching it besides lines: how it reads (a shared streaming session, or
 * polling and why), and when the backend shows only a sample of the events.
 */
export type FollowNotice =
  /** Following over a streaming session that `viewers` follows (this one included) share. */
  | { kind: 'live'; viewers: number }
  | { kind: 'polling'; reason: string }
  /**
   * `share` is the part of the events shown (0..1) when it is known, `measured` how it was counted: `shown` of
   * the `matched` events stamped from `from` up to before `to`; `perSecond` the most shown a second.
   */
  | {
      kind: 'sampled';
      share: number | undefined;
      perSecond: number;
      measured?: { shown: number; matched: number; from: Date; to: Date } | undefined;
    }
  | { kind: 'unsampled' };

export interface LogSource {
  /** "CloudWatch /ecs/api (prod)" or "pods app=api in api (prod)", for summaries. */
  describe(target: Target): string;
  /**
   * The newest `limit` events from `since` to now, oldest first, and what was left out or not read. A
   * source that cannot be read at all rejects (a BackendError naming it and what it said); it never
   * answers with an empty snapshot.
   */
  snapshot(query: LogQuery, limit: number): Promise<LogSnapshot>;
  /**
   * Delivers events from `since` on, in batches, oldest first, each exactly once, until `signal`
   * aborts (then it resolves). Backend trouble is retried with backoff; a failure that does not
   * clear up rejects with a message naming the source. `notify` hears how it reads, when that is news.
   */
  follow(
    query: LogQuery,
    signal: AbortSignal,
    deliver: (events: LogEvent[]) => void,
    notify?: (notice: FollowNotice) => void,
  ): Promise<void>;
}
