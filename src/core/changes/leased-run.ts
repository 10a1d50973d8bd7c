import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { FailureMetrics } from '../../ports/metrics.ts';
import type { LeasedRequest, RequestStore, StoredRequest } from '../../ports/store.ts';
import type { AuditLog } from '../audit-log.ts';
import { leaseLost, renewalInterval } from '../leases.ts';
import { concat, emoji, mention, t } from '../text.ts';
import { every } from '../timers.ts';
import { endStateOf, type Outcome, outcomeDetails, storedOutcome } from './outcomes.ts';
import type { RequestBoard } from './request-board.ts';

export interface LeasedRunDeps {
  requests: RequestStore;
  clock: Clock;
  audit: AuditLog;
  board: RequestBoard;
  log: Logger;
  metrics?: FailureMetrics | undefined;
  /** This process, as the holder of its leases. */
  runner: string;
  /** How long a lease lasts unless renewed; renewed every third of it. */
  leaseMs: number;
}

/** How the outcome of a run reached the store. */
export type Recorded =
  /** As the request's outcome: the lease was still this run's. */
  | 'recorded'
  /** Beside what another replica reported after taking the lease over. */
  | 'late'
  /** Not at all: the store could not be written (logged as an error). */
  | 'unrecorded';

const FINISH_ATTEMPTS = 3;

/**
 * A change running under a lease: it renews the lease until the change ends, and records the outcome
 * with its fencing token. A renewal that fails does not stop the change (stopping a rollout halfway
 * is worse); the outcome still reaches the store, and if another replica took the lease over and
 * reported the change in the meantime, it is kept beside that report, audited, and said in the thread.
 */
export class LeasedRun {
  readonly request: StoredRequest;
  readonly token: number;
  readonly #deps: LeasedRunDeps;
  readonly #log: Logger;
  readonly #stopRenewing = new AbortController();
  readonly #renewing: Promise<void>;
  #lastRenewed: number;
  #lost = false;

  /** `approved → running` under a new lease; undefined when it was not approved. Throws `TargetBusy`. */
  static async start(deps: LeasedRunDeps, request: StoredRequest): Promise<LeasedRun | undefined> {
    const leased = await deps.requests.startRun(request.id, deps.runner, deps.leaseMs, deps.clock.now());
    return leased && new LeasedRun(deps, leased);
  }

  private constructor(deps: LeasedRunDeps, leased: LeasedRequest) {
    this.#deps = deps;
    this.request = leased.request;
    this.token = leased.token;
    this.#log = deps.log.child({ requestId: leased.request.id, runner: deps.runner, token: leased.token });
    this.#lastRenewed = deps.clock.now().getTime();
    this.#renewing = every(deps.clock, renewalInterval(deps.leaseMs), this.#stopRenewing.signal, () => this.#renew());
  }

  async #renew(): Promise<void> {
    const { requests, clock, leaseMs } = this.#deps;
    try {
      if (await requests.renewRun(this.request.id, this.token, leaseMs, clock.now())) {
        this.#lastRenewed = clock.now().getTime();
        return;
      }
      this.#lose('another replica took this change over; it keeps running and its outcome will be kept');
      this.#stopRenewing.abort();
    } catch (err) {
      this.#log.warn({ err }, 'could not renew the lease of a running change; trying again');
      if (clock.now().getTime() - this.#lastRenewed >= leaseMs) {
        this.#lose('not renewed for a whole term, so another replica may take this change over', err);
      }
    }
  }

  #lose(why: string, err?: unknown): void {
    if (this.#lost) return;
    this.#lost = true;
    leaseLost(this.#log, this.#deps.metrics, 'change', why, err);
  }

  /** Stops renewing and records the outcome with this run's token, or beside the report of whoever took over. */
  async finish(outcome: Outcome): Promise<Recorded> {
    this.#stopRenewing.abort();
    await this.#renewing;
    const { requests, clock, audit, board } = this.#deps;
    const { id, kind, requester } = this.request;
    const state = endStateOf(outcome);
    const stored = storedOutcome(outcome);
    const finished = await this.#persist(() => requests.finishRun(id, this.token, state, stored, clock.now()));
    if (finished === 'failed') return 'unrecorded';
    const entry = { actor: requester, target: this.request, requestId: id };
    if (finished) {
      await audit.record({ ...entry, action: `${kind}.${state}`, details: outcomeDetails(finished, outcome) });
      await board.refresh(finished);
      return 'recorded';
    }
    this.#lose('another replica took this change over before it finished');
    const late = await this.#persist(() => requests.recordLateOutcome(id, { ...stored, ok: outcome.ok }, clock.now()));
    await audit.record({
      ...entry,
      action: `${kind}.finished-after-takeover`,
      details: { ...outcomeDetails(this.request, outcome), ok: outcome.ok, token: this.token },
    });
    const now = late && late !== 'failed' ? late : await requests.getRequest(id).catch(() => undefined);
    if (now) await board.refresh(now);
    const said = outcome.ok ? 'succeeded' : 'failed';
    const text = concat(
      t`${mention(requester)} ${emoji('warning')} This change ${said} after another opsdeck replica had taken it `,
      t`over and reported it: ${outcome.summary} The request keeps the state that replica recorded, `,
      'with this outcome beside it.',
    );
    await board.tell(this.request, text);
    return 'late';
  }

  /** A write of the outcome, tried again while the store cannot be reached; `failed` when it never could. */
  async #persist<T>(write: () => Promise<T>): Promise<T | 'failed'> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (attempt >= FINISH_ATTEMPTS) {
          this.#log.error({ err }, 'could not record the outcome of a change; the store could not be written');
          return 'failed';
        }
        this.#log.warn({ err, attempt }, 'could not record the outcome of a change yet; trying again');
        await this.#deps.clock.sleep(renewalInterval(this.#deps.leaseMs));
      }
    }
  }
}
