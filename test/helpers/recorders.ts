import type { Logger } from '../../src/ports/logger.ts';
import type { RateLimitMetrics } from '../../src/ports/metrics.ts';

/** A logger keeping each line's level and message. */
export function recordingLog() {
  const lines: { level: string; msg: string }[] = [];
  const log: Logger = {
    debug() {},
    info: (_obj, msg) => void lines.push({ level: 'info', msg: msg ?? '' }),
    warn: (_obj, msg) => void lines.push({ level: 'warn', msg: msg ?? '' }),
    error: (_obj, msg) => void lines.push({ level: 'error', msg: msg ?? '' }),
    child: () => log,
  };
  return { log, lines };
}

/** Rate-limit metrics as lists: the shared gauge's values and each locally limited job's limit. */
export function recordingMetrics() {
  const shared: boolean[] = [];
  const local: string[] = [];
  const metrics: RateLimitMetrics = {
    sharedLimits: (up) => void shared.push(up),
    limitedLocally: (limit) => void local.push(limit),
  };
  return { metrics, shared, local };
}
