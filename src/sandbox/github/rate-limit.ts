const WINDOW_MS = 3_600_000;

interface Budget {
  limit: number;
  remaining: number;
  used: number;
  reset: number;
  resource: string;
}

/** GitHub's primary REST limit: a request budget per hour window, reported on every response. */
export class RateLimit {
  readonly #limit: number;
  #used = 0;
  #resetAt = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Counts one request; false when the budget was already spent. */
  take(now: number): boolean {
    this.#roll(now);
    if (this.#used >= this.#limit) return false;
    this.#used += 1;
    return true;
  }

  headers(now: number, exhausted = false): Record<string, string> {
    this.#roll(now);
    return {
      'x-ratelimit-limit': String(this.#limit),
      'x-ratelimit-remaining': exhausted ? '0' : String(this.#limit - this.#used),
      'x-ratelimit-used': String(this.#used),
      'x-ratelimit-reset': String(Math.ceil(this.#resetAt / 1000)),
      'x-ratelimit-resource': 'core',
    };
  }

  /** The body of `GET /rate_limit`: the core budget, under `resources.core` and (deprecated) `rate`. */
  status(now: number): { resources: { core: Budget }; rate: Budget } {
    this.#roll(now);
    const core = {
      limit: this.#limit,
      remaining: this.#limit - this.#used,
      used: this.#used,
      reset: Math.ceil(this.#resetAt / 1000),
      resource: 'core',
    };
    return { resources: { core }, rate: core };
  }

  reset(): void {
    this.#used = 0;
    this.#resetAt = 0;
  }

  #roll(now: number): void {
    if (now < this.#resetAt) return;
    this.#used = 0;
    this.#resetAt = now + WINDOW_MS;
  }
}
