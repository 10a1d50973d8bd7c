import { systemClock, type Clock } from '../../src/ports/clock.ts';

/** Wednesday 10:00 UTC: a weekday outside every freeze in opsdeck.example.yaml. */
export const WEEKDAY = new Date('2026-11-25T10:00:00Z');
/** Saturday 12:00 UTC: inside the example's `weekend` freeze on prod (Friday 18:00 to Monday 08:00, Berlin). */
export const WEEKEND = new Date('2026-11-28T12:00:00Z');

export interface PinnedClock extends Clock {
  /** Moves the clock `ms` ahead at once; it keeps running at real speed from there. */
  jump(ms: number): void;
}

/**
 * A clock that reads `at` when created and runs at real speed from there, for tests whose backends
 * move in real time.
 */
export function pinnedClock(at: Date | string): PinnedClock {
  let start = new Date(at).getTime();
  const origin = performance.now();
  return {
    now: () => new Date(start + Math.floor(performance.now() - origin)),
    sleep: systemClock.sleep,
    jump: (ms) => {
      start += ms;
    },
  };
}

/** The emulators' form of a clock: epoch milliseconds. */
export const epochMs = (clock: Clock) => (): number => clock.now().getTime();

interface Sleeper {
  at: number;
  seq: number;
  wake(): void;
}

// Real I/O (a store, a socket) may need a few turns of the event loop before code sleeps again.
const TURNS = 10;
const settle = async (): Promise<void> => {
  for (let i = 0; i < TURNS; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** A clock that moves only when the test says so; whatever sleeps on it wakes as time passes its moment. */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #sleepers: Sleeper[] = [];

  constructor(at: Date | string) {
    this.#now = new Date(at).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#remove(sleeper);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** How many waits are pending on this clock. */
  get sleeping(): number {
    return this.#sleepers.length;
  }

  /** Moves time forward by `ms`, waking each sleeper that falls due on the way, in order, and letting it run. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (let next = this.#next(); next && next.at <= target; next = this.#next()) {
      this.#now = Math.max(this.#now, next.at);
      this.#remove(next);
      next.wake();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  /** Jumps from one sleeper to the next until `work` settles, so its waits on this clock pass at once. */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const watched = work.finally(() => (done = true));
    watched.catch(() => undefined);
    await settle();
    while (!done) {
      const next = this.#next();
      if (!next) throw new Error('ManualClock.run: the work has not settled and nothing sleeps on this clock');
      await this.advance(next.at - this.#now);
    }
    return watched;
  }

  #next(): Sleeper | undefined {
    return this.#sleepers.reduce<Sleeper | undefined>(
      (first, s) => (!first || s.at < first.at || (s.at === first.at && s.seq < first.seq) ? s : first),
      undefined,
    );
  }

  #remove(sleeper: Sleeper): void {
    const i = this.#sleepers.indexOf(sleeper);
    if (i >= 0) this.#sleepers.splice(i, 1);
  }
}
