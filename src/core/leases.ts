import type { Logger } from '../ports/logger.ts';
import type { FailureMetrics, LeaseKind } from '../ports/metrics.ts';

/** How often a holder renews a lease of `leaseMs`: three chances before it runs out. */
export function renewalInterval(leaseMs: number): number {
  return Math.max(1, Math.floor(leaseMs / 3));
}

/**
 * A lease this process held is gone (taken over, or not renewed for a whole term): logged with what it
 * was for and counted, never passed over, since another replica may now act on what this one does.
 */
export function leaseLost(
  log: Logger,
  metrics: FailureMetrics | undefined,
  kind: LeaseKind,
  why: string,
  err?: unknown,
): void {
  metrics?.leaseLost(kind);
  log.warn({ err, lease: kind }, `${kind} lease lost: ${why}`);
}
