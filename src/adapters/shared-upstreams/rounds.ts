import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';

export interface RoundsOptions {
  clock: Clock;
  /** The upstream's lease term: a round comes every third of it. */
  leaseMs: number;
  /** Ends the loop when aborted. */
  signal: AbortSignal;
  round: () => Promise<void>;
  log: Logger;
  /** What the rounds are of, for the warning when one fails. */
  what: string;
}

/**
 * The rounds of an upstream shared across replicas (count the follows, renew or take the lease): one at a
 * time, from a loop every third of the lease term, and at once when asked (the last follow here left).
 */
export class Rounds {
  readonly #options: RoundsOptions;
  #chain: Promise<void> = Promise.resolve();

  constructor(options: RoundsOptions) {
    this.#options = options;
  }

  start(): void {
    void this.#loop();
  }

  queue(): Promise<void> {
    const { round, log, what } = this.#options;
    this.#chain = this.#chain.then(round).catch((err: unknown) => log.warn({ err }, `a round of ${what} failed`));
    return this.#chain;
  }

  async #loop(): Promise<void> {
    const { clock, leaseMs, signal } = this.#options;
    while (!signal.aborted) {
      await clock.sleep(Math.max(1, Math.floor(leaseMs / 3)), signal);
      if (signal.aborted) return;
      await this.queue();
    }
  }
}
