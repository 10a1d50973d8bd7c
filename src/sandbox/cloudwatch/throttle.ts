interface Bucket {
  tokens: number;
  at: number;
}

/** Per-operation token buckets: a burst of `tps` calls, refilled continuously at `tps` per second. */
export class Throttle {
  readonly #limits: Readonly<Record<string, number>>;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limits: Readonly<Record<string, number>>, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Spends a token of `operation`'s bucket; false when it is empty. Operations without a limit always pass. */
  take(operation: string): boolean {
    const tps = this.#limits[operation];
    if (tps === undefined) return true;
    const capacity = Math.max(1, tps);
    const now = this.#now();
    const bucket = this.#buckets.get(operation) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) * tps) / 1000);
    bucket.at = now;
    this.#buckets.set(operation, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.#buckets.clear();
  }
}
