import type { Clock } from '../../ports/clock.ts';
import type { Progress } from '../../ports/backends.ts';
import type { Logger } from '../../ports/logger.ts';

/** Consecutive failed reads tolerated while waiting: an API server blip should not fail a rollout. */
const MAX_CONSECUTIVE_FAILURES = 3;

export interface PollOptions<T> {
  read: () => Promise<T>;
  /** Where things stand; `line` goes to `progress` whenever it changes. */
  judge: (value: T) => { state: 'waiting' | 'done' | 'failed'; line: string };
  progress: Progress;
  clock: Clock;
  pollMs: number;
  timeoutMs: number;
  log: Logger;
}

export interface PollResult<T> {
  state: 'done' | 'failed' | 'timeout';
  value: T;
  line: string;
}

/**
 * Reads every `pollMs` until `judge` settles or `timeoutMs` passes. A read that keeps failing
 * (MAX_CONSECUTIVE_FAILURES in a row) or fails at the deadline is thrown, so a dead backend ends the wait.
 */
export async function pollUntilSettled<T>(options: PollOptions<T>): Promise<PollResult<T>> {
  const deadline = options.clock.now().getTime() + options.timeoutMs;
  let lastLine: string | undefined;
  let failures = 0;
  for (;;) {
    let value: T;
    try {
      value = await options.read();
      failures = 0;
    } catch (error) {
      failures += 1;
      if (failures >= MAX_CONSECUTIVE_FAILURES || options.clock.now().getTime() >= deadline) throw error;
      options.log.warn({ err: error, failures }, 'reading rollout state failed; retrying');
      await options.clock.sleep(options.pollMs);
      continue;
    }
    const { state, line } = options.judge(value);
    if (line !== lastLine) {
      lastLine = line;
      await report(options.progress, options.log, line);
    }
    if (state !== 'waiting') return { state, value, line };
    const left = deadline - options.clock.now().getTime();
    if (left <= 0) return { state: 'timeout', value, line };
    await options.clock.sleep(Math.min(options.pollMs, left));
  }
}

/** Progress goes to chat; a failed message edit must not abort the rollout being watched. */
async function report(progress: Progress, log: Logger, line: string): Promise<void> {
  try {
    await progress(line);
  } catch (error) {
    log.warn({ err: error }, 'progress update failed');
  }
}
