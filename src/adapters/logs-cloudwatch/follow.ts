import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { Clock } from '../../ports/clock.ts';
import type { LogEvent } from '../../ports/logs.ts';
import { type FilterAdmission, type FilterScope, filterPage } from './filter-page.ts';
import { type RetryPolicy, withRetry } from './retry.ts';

export interface FollowRun {
  client: CloudWatchLogsClient;
  admit: FilterAdmission;
  scope: FilterScope;
  since: number;
  pollMs: number;
  /** How far before the newest timestamp seen each poll starts again; with 0 it restarts there, as `aws logs tail`. */
  lateArrivalMs: number;
  retry: RetryPolicy;
  clock: Clock;
  signal: AbortSignal;
  deliver: (events: LogEvent[]) => void;
}

// How far before a poll's start the next one may begin when nothing newer matched.
const IDLE_WINDOW_MS = 60_000;

/**
 * The `aws logs tail --follow` loop: page FilterLogEvents from `startTime` while `nextToken` is present
 * (empty pages can carry one), delivering each page's unseen events; then poll again from the newest
 * timestamp seen, without the token, after `pollMs`. Re-reading that boundary returns events already
 * delivered, so eventIds are remembered per timestamp and skipped.
 *
 * One generalisation: the CLI restarts exactly at the newest timestamp, which loses events that are stored
 * after it but stamped earlier (log agents buffer for seconds, and across streams). Restarting
 * `lateArrivalMs` earlier and remembering the eventIds of that window catches them, still exactly once.
 * Transient failures retry the same request (same startTime and token), so no position is lost.
 *
 * When nothing matched for a while (a --grep on a busy group), the CLI keeps restarting at `since` and
 * rescans ever more events each poll; here the start also moves up to IDLE_WINDOW_MS before the last
 * complete poll began, which bounds the rescan and still covers ingestion lag and modest clock skew.
 */
export async function follow(run: FollowRun): Promise<void> {
  const { signal } = run;
  const seen = new Map<number, Set<string>>();
  let startTime = run.since;
  let newest = Number.NEGATIVE_INFINITY;
  while (!signal.aborted) {
    const pollStarted = run.clock.now().getTime();
    let nextToken: string | undefined;
    do {
      const window = { startTime, nextToken };
      const caller = { client: run.client, admit: run.admit, urgency: 'bulk' as const };
      const page = await withRetry(() => filterPage(caller, run.scope, window, signal), signal, run.retry);
      if (page === undefined || signal.aborted) return;
      const fresh: LogEvent[] = [];
      for (const event of page.events) {
        const ids = seen.get(event.timestamp) ?? new Set<string>();
        if (ids.has(event.id)) continue;
        ids.add(event.id);
        seen.set(event.timestamp, ids);
        fresh.push(event);
        newest = Math.max(newest, event.timestamp);
      }
      if (fresh.length > 0) run.deliver(fresh);
      // Later requests start at or after this horizon, so ids older than it can never come back.
      const horizon = newest - run.lateArrivalMs;
      for (const timestamp of seen.keys()) if (timestamp < horizon) seen.delete(timestamp);
      nextToken = page.nextToken;
    } while (nextToken !== undefined && !signal.aborted);
    startTime = Math.max(
      startTime,
      newest - run.lateArrivalMs,
      pollStarted - Math.max(IDLE_WINDOW_MS, run.lateArrivalMs),
    );
    await run.clock.sleep(run.pollMs, signal);
  }
}
