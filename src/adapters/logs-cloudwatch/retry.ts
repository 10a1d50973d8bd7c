import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { isTransient } from './cloudwatch-errors.ts';

export interface RetryPolicy {
  /** First wait after a transient failure; doubles up to `capMs`. */
  baseMs: number;
  capMs: number;
  /** Transient failures in a row after which the last one is thrown: an outage that does not clear up. */
  maxFailures: number;
  clock: Clock;
  log: Logger;
}

/**
 * Runs `attempt` until it succeeds, waiting out transient failures (on top of the SDK's own quick retries)
 * with jittered exponential backoff, so many tails throttled together do not retry in lockstep. Resolves
 * undefined once `signal` aborts, also mid-request; other failures are thrown as they are.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  signal: AbortSignal,
  policy: RetryPolicy,
): Promise<T | undefined> {
  for (let failures = 0; ; ) {
    try {
      return await attempt();
    } catch (error) {
      if (signal.aborted) return undefined;
      failures += 1;
      if (!isTransient(error) || failures >= policy.maxFailures) throw error;
      const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (failures - 1));
      const waitMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      policy.log.warn({ err: error, failures, waitMs }, 'CloudWatch call failed; retrying');
      await policy.clock.sleep(waitMs, signal);
      if (signal.aborted) return undefined;
    }
  }
}
