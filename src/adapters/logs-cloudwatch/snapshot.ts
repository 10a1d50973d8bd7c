import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { timeoutSignal } from '../../core/timers.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LogEvent } from '../../ports/logs.ts';
import { type FilterScope, filterPage } from './filter-page.ts';
import { type RetryPolicy, withRetry } from './retry.ts';
import { Ring } from './ring.ts';

export interface SnapshotRun {
  client: CloudWatchLogsClient;
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
 * Pages FilterLogEvents over since..until until `nextToken` is absent (empty pages can carry one), keeping
 * only the newest `limit` events. When the budget runs out first, what was read is returned with `more`: the
 * newest events of the range may then be missing, which the warning says.
 */
export async function snapshot(run: SnapshotRun): Promise<{ events: LogEvent[]; more: boolean }> {
  const started = run.clock.now().getTime();
  const budget = timeoutSignal(run.clock, run.budgetMs);
  try {
    return await readPages(run, budget.signal, started);
  } finally {
    budget.clear();
  }
}

async function readPages(run: SnapshotRun, budget: AbortSignal, started: number): Promise<{ events: LogEvent[]; more: boolean }> {
  const ring = new Ring<LogEvent>(run.limit);
  let pages = 0;
  let cut = false;
  let nextToken: string | undefined;
  for (;;) {
    if (pages >= run.maxPages) {
      cut = true;
      break;
    }
    const window = { startTime: run.since, endTime: run.until, nextToken };
    const page = await withRetry(() => filterPage(run.client, run.scope, window, budget), budget, run.retry);
    if (page === undefined) {
      cut = true;
      break;
    }
    pages += 1;
    for (const event of page.events) ring.push(event);
    nextToken = page.nextToken;
    if (nextToken === undefined) break;
  }
  if (cut) {
    const read = ring.items().at(-1)?.timestamp;
    run.log.warn(
      { pages, elapsedMs: run.clock.now().getTime() - started, readUpTo: read === undefined ? undefined : new Date(read).toISOString() },
      'CloudWatch snapshot stopped at its time or page budget; newer events of the range were not read',
    );
  }
  return { events: ring.items(), more: cut || ring.dropped > 0 };
}
