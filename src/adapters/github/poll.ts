import type { Clock } from '../../ports/clock.ts';

export const DEFAULT_POLL_MS = 5_000;
export const DEFAULT_FOLLOW_TIMEOUT_MS = 30 * 60_000;

export interface PollTiming {
  clock: Clock;
  pollMs: number;
  /** Epoch ms after which following gives up. */
  deadline: number;
}

/** Calls `check` every `pollMs` until it returns a value; undefined once the deadline passes without one. */
export async function pollUntil<T>(timing: PollTiming, check: () => Promise<T | undefined>): Promise<T | undefined> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    const left = timing.deadline - timing.clock.now().getTime();
    if (left <= 0) return undefined;
    await timing.clock.sleep(Math.min(timing.pollMs, left));
  }
}
