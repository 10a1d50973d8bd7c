/** How the share of a sampled Live Tail session is measured; tests shorten it, config does not set it. */
export interface SamplingTiming {
  /** Length of the window whose matching events FilterLogEvents counts. */
  windowMs: number;
  /**
   * How long after a window closes it is counted: Live Tail delivers an event up to an update (a second)
   * after it is stored, and agents stamp events seconds before they store them.
   */
  settleMs: number;
  /** Least time between two measurements while sampling lasts. */
  everyMs: number;
}

export const SAMPLING_TIMING: SamplingTiming = { windowMs: 10_000, settleMs: 5_000, everyMs: 60_000 };

/** A thread is told a new share only when it moved by at least this much (10 points). */
export const SHARE_CHANGE = 0.1;

/** One measurement: `shown` of the `matched` events stamped from `from` up to before `to` reached the session. */
export interface ShareMeasure {
  shown: number;
  matched: number;
  from: number;
  to: number;
}

const SECOND = 1000;

/**
 * The first moment a whole window lies after sampling began at `sampledAt` and has settled: the window starts
 * on the next whole second, so no event of it came before CloudWatch began sampling.
 */
export function firstMeasureAt(sampledAt: number, timing: SamplingTiming): number {
  return Math.ceil(sampledAt / SECOND) * SECOND + timing.windowMs + timing.settleMs;
}

/**
 * When to measure again after counting the window that ended at `countedTo`: `everyMs` from `now`, and no
 * sooner than a whole new window has settled, since the seconds counted are forgotten.
 */
export function nextMeasureAt(now: number, countedTo: number, timing: SamplingTiming): number {
  return Math.max(now + timing.everyMs, countedTo + timing.windowMs + timing.settleMs);
}

/** The newest settled window at `now`, on whole seconds. */
export function shareWindow(now: number, timing: SamplingTiming): { from: number; to: number } {
  const to = Math.floor((now - timing.settleMs) / SECOND) * SECOND;
  return { from: to - timing.windowMs, to };
}

/** The part (0..1) of the matching events that was shown; undefined when none matched. */
export function shareOf(shown: number, matched: number): number | undefined {
  if (matched <= 0) return undefined;
  // Events stored late can reach the session while FilterLogEvents does not list them yet.
  return Math.min(1, shown / matched);
}

/** Whether a thread that was last told `previous` (or nothing) should hear of `next`. */
export function worthSaying(previous: number | undefined, next: number): boolean {
  // A hair under the step, so that 0.35 after 0.25 counts despite floating point.
  return previous === undefined || Math.abs(next - previous) >= SHARE_CHANGE - 1e-9;
}

/** Events a sampled session delivered, by the whole second of their timestamps. */
export class ShownCounts {
  readonly #bySecond = new Map<number, number>();

  add(timestamps: readonly number[]): void {
    for (const t of timestamps) {
      const second = Math.floor(t / SECOND);
      this.#bySecond.set(second, (this.#bySecond.get(second) ?? 0) + 1);
    }
  }

  /** Events stamped from `from` up to before `to` (whole seconds). */
  between(from: number, to: number): number {
    let count = 0;
    for (const [second, n] of this.#bySecond) if (second * SECOND >= from && second * SECOND < to) count += n;
    return count;
  }

  /** Forgets the seconds before `before`, which no window will ask about again. */
  forget(before: number): void {
    for (const second of this.#bySecond.keys()) if (second * SECOND < before) this.#bySecond.delete(second);
  }

  clear(): void {
    this.#bySecond.clear();
  }
}
