import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { formatDuration } from '../../core/duration.ts';
import { timeoutSignal } from '../../core/timers.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LogEvent, LogSnapshot } from '../../ports/logs.ts';
import { type FilterAdmission, type FilterScope, filterPage, type Page } from './filter-page.ts';
import { type RetryPolicy, withRetry } from './retry.ts';
import { Ring } from './ring.ts';

export interface SnapshotRun {
  client: CloudWatchLogsClient;
  admit: FilterAdmission;
  scope: FilterScope;
  since: number;
  until: number;
  limit: number;
  /** Whole-snapshot bounds: a chat command must answer even when the range holds millions of events. */
  budgetMs: number;
  maxPages: number;
  retry: RetryPolicy;
  clock: Clock;
  log: Logger;
}

/**
 * Pages FilterLogEvents over since..until, oldest first, until `nextToken` is absent (empty pages can carry
 * one), keeping only the newest `limit` events. When a budget runs out first, what was read is returned
 * with the point reached: the events after it were not read. When CloudWatch never answered, or kept
 * failing until the budget ran out before anything was read, the snapshot rejects: an outage is not an
 * empty range.
 */
export async function snapshot(run: SnapshotRun): Promise<LogSnapshot> {
  const started = run.clock.now().getTime();
  const timer = timeoutSignal(run.clock, run.budgetMs);
  try {
    return await readPages(run, timer.signal, started);
  } finally {
    timer.clear();
  }
}

async function readPages(run: SnapshotRun, budget: AbortSignal, started: number): Promise<LogSnapshot> {
  const ring = new Ring<LogEvent>(run.limit);
  let pages = 0;
  let readUpTo = run.since;
  let stopped: string | undefined;
  // The last failure CloudWatch answered with since the last page it served; cleared by a success.
  let failing: unknown;
  const attempt = async (window: Parameters<typeof filterPage>[2]): Promise<Page> => {
    try {
      const caller = { client: run.client, admit: run.admit, urgency: 'prompt' as const };
      const page = await filterPage(caller, run.scope, window, budget);
      failing = undefined;
      return page;
    } catch (error) {
      if (!budget.aborted) failing = error;
      throw error;
    }
  };
  let nextToken: string | undefined;
  for (;;) {
    if (pages >= run.maxPages) {
      stopped = `its page budget (${run.maxPages} pages)`;
      break;
    }
    const window = { startTime: run.since, endTime: run.until, nextToken };
    const page = await withRetry(() => attempt(window), budget, run.retry);
    if (page === undefined) {
      if (pages === 0) throw failing ?? noAnswer(run.budgetMs);
      stopped =
        failing === undefined
          ? `its time budget (${wait(run.budgetMs)})`
          : `its time budget (${wait(run.budgetMs)}) while CloudWatch kept failing (${describe(failing)})`;
      break;
    }
    pages += 1;
    for (const event of page.events) {
      ring.push(event);
      readUpTo = Math.max(readUpTo, event.timestamp);
    }
    nextToken = page.nextToken;
    if (nextToken === undefined) break;
  }
  const events = ring.items();
  const olderLeftOut = ring.dropped > 0;
  if (stopped === undefined) return { events, olderLeftOut };
  run.log.warn(
    { pages, elapsedMs: run.clock.now().getTime() - started, readUpTo: new Date(readUpTo).toISOString(), stopped },
    'CloudWatch snapshot stopped at a budget; events after the point reached were not read',
  );
  return { events, olderLeftOut, unread: { readUpTo: new Date(readUpTo), reason: stopped } };
}

function noAnswer(budgetMs: number): Error {
  const error = new Error(`no answer within the snapshot's ${wait(budgetMs)}`);
  error.name = 'TimeoutError';
  return error;
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

// Whole seconds as people say them (`20s`); anything finer (tests, tight configs) in ms, not rounded away.
const wait = (ms: number): string => (ms % 1000 === 0 ? formatDuration(ms) : `${ms} ms`);
