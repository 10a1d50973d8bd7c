import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LeaseStore } from '../../ports/store.ts';

export interface LeaseContext {
  leases: LeaseStore;
  holder: string;
  leaseMs: number;
  clock: Clock;
  log: Logger;
}

/** A store lease an upstream's owner holds, with the token that fences it. */
export class HeldLease {
  readonly name: string;
  readonly #token: number;
  readonly #context: LeaseContext;
  #renewedAt: number;

  private constructor(context: LeaseContext, name: string, token: number) {
    this.#context = context;
    this.name = name;
    this.#token = token;
    this.#renewedAt = context.clock.now().getTime();
  }

  /** Takes the lease unless another holder has it. */
  static async acquire(context: LeaseContext, name: string): Promise<HeldLease | undefined> {
    const token = await context.leases.acquireLease(name, context.holder, context.leaseMs);
    return token === undefined ? undefined : new HeldLease(context, name, token);
  }

  /**
   * Renews it; false once another holder has it. When the store does not answer, it holds until a whole
   * term has passed since the last renewal, as the store judges it too.
   */
  async renew(): Promise<boolean> {
    const { leases, leaseMs, clock, log } = this.#context;
    try {
      const kept = await leases.renewLease(this.name, this.#token, leaseMs);
      if (kept) this.#renewedAt = clock.now().getTime();
      return kept;
    } catch (err) {
      log.warn({ err, lease: this.name }, 'could not renew a lease');
      return clock.now().getTime() - this.#renewedAt < leaseMs;
    }
  }

  /** Gives it up for another holder to take at once; a failure is logged, and the lease runs out. */
  async release(): Promise<void> {
    await this.#context.leases
      .releaseLease(this.name, this.#token)
      .catch((err: unknown) => this.#context.log.warn({ err, lease: this.name }, 'could not release a lease'));
  }
}
