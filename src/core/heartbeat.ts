import type { Logger } from '../ports/logger.ts';
import type { FailureMetrics } from '../ports/metrics.ts';

/**
 * A heartbeat that could not be written: logged with what it was for and counted. If it keeps
 * failing, other replicas will take the change or tail for dead, so it must never pass silently.
 */
export function heartbeatFailed(
  log: Logger,
  metrics: FailureMetrics | undefined,
  kind: 'change' | 'tail',
  err: unknown,
): void {
  metrics?.heartbeatFailed(kind);
  log.warn(
    { err, heartbeat: kind },
    `${kind} heartbeat failed; if it keeps failing, other replicas will take this ${kind} for interrupted`,
  );
}
