import type { Logger } from '../ports/logger.ts';
import type { FailureMetrics } from '../ports/metrics.ts';
import type { LeaseStore } from '../ports/store.ts';
import { leaseLost } from './leases.ts';

const LEASE = 'sweep';

export interface SweeperDeps {
  leases: LeaseStore;
  log: Logger;
  metrics?: FailureMetrics | undefined;
  /** This process, as the holder of the sweep lease. */
  holder: string;
  /** How long the lease lasts unless renewed: longer than the time between rounds. */
  leaseMs: number;
  /** One round of sweeping: expiring requests, recovering interrupted changes and tails. */
  work(): Promise<void>;
}

/**
 * The expiry sweep, on exactly one replica at a time: each round renews (or takes) the `sweep` lease and
 * sweeps only while holding it. Each expiry and recovery is a compare-and-set besides, so a replica that
 * lost the lease mid-round changes nothing twice; the lease spares the others the work and the noise.
 */
export class Sweeper {
  readonly #deps: SweeperDeps;
  #token: number | undefined;
  #busy = false;

  constructor(deps: SweeperDeps) {
    this.#deps = deps;
  }

  /** One round; true when this replica held the lease and swept. A round still going makes this one a no-op. */
  async tick(): Promise<boolean> {
    if (this.#busy) return false;
    this.#busy = true;
    try {
      if (!(await this.#hold())) return false;
      await this.#deps.work();
      return true;
    } finally {
      this.#busy = false;
    }
  }

  /** Gives the lease up (on shutdown), so another replica sweeps at its next round. */
  async stop(): Promise<void> {
    const token = this.#token;
    this.#token = undefined;
    if (token !== undefined) {
      await this.#deps.leases.releaseLease(LEASE, token).catch((err: unknown) => {
        this.#deps.log.warn({ err }, 'could not release the sweep lease; another replica takes it when it runs out');
      });
    }
  }

  async #hold(): Promise<boolean> {
    const { leases, holder, leaseMs, log } = this.#deps;
    try {
      if (this.#token !== undefined) {
        if (await leases.renewLease(LEASE, this.#token, leaseMs)) return true;
        this.#token = undefined;
        leaseLost(log, this.#deps.metrics, 'sweep', 'another replica took the sweep over');
      }
      this.#token = await leases.acquireLease(LEASE, holder, leaseMs);
      return this.#token !== undefined;
    } catch (err) {
      log.warn({ err }, 'could not take or renew the sweep lease; skipping this round');
      return false;
    }
  }
}
