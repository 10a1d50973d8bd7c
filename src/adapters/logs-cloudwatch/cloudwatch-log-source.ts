import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { UserError } from '../../core/errors.ts';
import type { Target } from '../../ports/backends.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { FollowNotice, LogEvent, LogQuery, LogSnapshot, LogSource } from '../../ports/logs.ts';
import { describeFailure } from './cloudwatch-errors.ts';
import { type FilterAdmission, type FilterScope, unlimited } from './filter-page.ts';
import { follow } from './follow.ts';
import { followLive } from './live-follow.ts';
import type { LiveTailHub } from './live-tail-hub.ts';
import type { RetryPolicy } from './retry.ts';
import { snapshot } from './snapshot.ts';

export interface CloudWatchLogSourceOptions {
  /**
   * Built by the caller (see createCloudWatchClient). Its SDK retries (standard mode, `maxAttempts` 3) absorb
   * short throttling; this source backs off on top of them when throttling outlasts those.
   */
  client: CloudWatchLogsClient;
  /** Waits for the account's FilterLogEvents quota before each call (see `filterLogEventsLimit`); default none. */
  admit?: FilterAdmission | undefined;
  /** The log group of the service in an environment. */
  group: (env: string) => string;
  streamPrefix?: string | undefined;
  /**
   * Follows go over the account's shared Live Tail sessions when given; without it, or when Live Tail is
   * refused or fails, they poll FilterLogEvents.
   */
  liveTail?: LiveTailHub | undefined;
  /** Follow polls this often; default 5 s, like `aws logs tail --follow`. */
  pollMs?: number | undefined;
  /** Follow re-reads this much before the newest event seen, for events stored late; default 5 s. */
  lateArrivalMs?: number | undefined;
  /** A snapshot stops paging after this long (default 20 s) or this many pages (default 200). */
  snapshotBudgetMs?: number | undefined;
  snapshotMaxPages?: number | undefined;
  /** The end of a snapshot's range, poll pacing, backoff and the snapshot's time budget. */
  clock: Clock;
  log: Logger;
}

const BACKOFF_CAP_MS = 30_000;
// With the cap, about four minutes of continuous throttling or 5xx before a follow gives up.
const MAX_FAILURES = 10;

/** Logs from a CloudWatch Logs group through FilterLogEvents (one source per service). */
export class CloudWatchLogSource implements LogSource {
  readonly #options: CloudWatchLogSourceOptions;
  readonly #pollMs: number;

  constructor(options: CloudWatchLogSourceOptions) {
    this.#options = options;
    this.#pollMs = options.pollMs ?? 5_000;
  }

  describe(target: Target): string {
    const streams = this.#options.streamPrefix ? ` streams ${this.#options.streamPrefix}*` : '';
    return `CloudWatch ${this.#options.group(target.env)}${streams} (${target.env})`;
  }

  async snapshot(query: LogQuery, limit: number): Promise<LogSnapshot> {
    const scope = this.#scope(query);
    const log = this.#log(scope);
    try {
      return await snapshot({
        client: this.#options.client,
        admit: this.#options.admit ?? unlimited,
        scope,
        since: query.since.getTime(),
        until: this.#options.clock.now().getTime(),
        limit,
        budgetMs: this.#options.snapshotBudgetMs ?? 20_000,
        maxPages: this.#options.snapshotMaxPages ?? 200,
        retry: this.#retry(log),
        clock: this.#options.clock,
        log,
      });
    } catch (error) {
      throw describeFailure(error, scope.group, query.grep);
    }
  }

  async follow(
    query: LogQuery,
    signal: AbortSignal,
    deliver: (events: LogEvent[]) => void,
    notify: (notice: FollowNotice) => void = () => {},
  ): Promise<void> {
    const scope = this.#scope(query);
    const log = this.#log(scope);
    try {
      let since = query.since.getTime();
      const hub = this.#options.liveTail;
      if (hub) {
        const fallback = await followLive({
          hub,
          client: this.#options.client,
          admit: this.#options.admit ?? unlimited,
          scope: { ...scope, env: query.target.env },
          since,
          retry: this.#retry(log),
          clock: this.#options.clock,
          signal,
          deliver: (events) => {
            if (!signal.aborted) deliver(events);
          },
          notify,
        });
        if (!fallback || signal.aborted) return;
        log.warn({ reason: fallback.reason }, 'following by polling instead of Live Tail');
        notify({ kind: 'polling', reason: fallback.reason });
        since = fallback.resumeFrom;
      }
      await follow({
        client: this.#options.client,
        admit: this.#options.admit ?? unlimited,
        scope,
        since,
        pollMs: this.#pollMs,
        lateArrivalMs: this.#options.lateArrivalMs ?? 5_000,
        retry: this.#retry(log),
        clock: this.#options.clock,
        signal,
        // A deliver callback may abort (a line budget reached): nothing is delivered after that.
        deliver: (events) => {
          if (!signal.aborted) deliver(events);
        },
      });
    } catch (error) {
      if (signal.aborted) return;
      throw describeFailure(error, scope.group, query.grep);
    }
  }

  #scope(query: LogQuery): FilterScope {
    if (query.pod !== undefined || query.container !== undefined) {
      throw new UserError('--pod and --container apply to Kubernetes logs; this service logs to CloudWatch.');
    }
    return {
      group: this.#options.group(query.target.env),
      filterPattern: query.grep,
      streamPrefix: this.#options.streamPrefix,
    };
  }

  #log(scope: FilterScope): Logger {
    return this.#options.log.child({ source: 'cloudwatch', group: scope.group });
  }

  #retry(log: Logger): RetryPolicy {
    return { baseMs: this.#pollMs, capMs: BACKOFF_CAP_MS, maxFailures: MAX_FAILURES, clock: this.#options.clock, log };
  }
}
