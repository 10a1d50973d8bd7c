import Bottleneck from 'bottleneck';
import type { Logger } from '../../ports/logger.ts';
import type { RateLimitMetrics } from '../../ports/metrics.ts';

/** What a job may say about itself: Bottleneck's priority (0 first … 9 last) and weight. */
export interface JobOptions {
  priority?: number | null | undefined;
  weight?: number | null | undefined;
}

/** The limiter settings a group applies to every key, locally and in Redis alike. */
export type LimitSettings = Pick<
  Bottleneck.ConstructorOptions,
  | 'maxConcurrent'
  | 'minTime'
  | 'reservoir'
  | 'reservoirIncreaseInterval'
  | 'reservoirIncreaseAmount'
  | 'reservoirIncreaseMaximum'
>;

/** What a group needs from `SharedLimits`. */
export interface LimitsHost {
  /** Redis is configured (REDIS_URL): running without it is a choice, not an outage. */
  readonly configured: boolean;
  /** Redis answered the last check. */
  readonly up: boolean;
  readonly connection: Bottleneck.IORedisConnection | undefined;
  /** Prefix of every limiter id, which names its Redis keys. */
  readonly prefix: string;
  /** Redis keys of a limiter nobody uses expire after this long. */
  readonly keyTtlMs: number;
  readonly log: Logger;
  readonly metrics: RateLimitMetrics | undefined;
  /** A shared limiter failed: ask Redis now rather than at the next tick. */
  check(): Promise<void>;
}

// A job holds its slot in Redis at most this long: Bottleneck frees the slots of a replica that died mid-call
// only when they expire, and until then a limit of one at a time (a channel's posts, GitHub's writes) waits
// for it on every replica. Longer than one call takes (Slack and GitHub time out after 10 s); a call that
// retries past it may overlap the next one, which the limit's spacing still keeps apart. At 60 s, a replica
// killed while posting held its channel's posts for a minute.
const SHARED_JOB_EXPIRATION_MS = 15_000;

interface SharedEntry {
  limiter: Bottleneck;
  used: boolean;
}

/**
 * One limit per key (a channel, an account and region, a GitHub id), kept by Bottleneck. Every job first
 * takes its turn in this replica's own limiter (priorities, order, the limit itself while Redis is down),
 * then, while Redis is up, in the clustered limiter of the same settings that every replica shares. A job
 * the shared limiter could not take (Redis went away, or its keys were lost) runs on its local turn, counted.
 */
export class LimitGroup {
  readonly name: string;
  readonly #host: LimitsHost;
  readonly #settings: LimitSettings;
  readonly #local: Bottleneck.Group;
  readonly #shared = new Map<string, SharedEntry>();

  constructor(host: LimitsHost, name: string, settings: LimitSettings) {
    this.#host = host;
    this.name = name;
    this.#settings = settings;
    this.#local = new Bottleneck.Group({ ...settings });
  }

  /**
   * Runs `task` once the limit of `key` allows it; its own failures are passed on as they are. Its outcome is
   * passed on as soon as it settles, not after Bottleneck's bookkeeping (which takes a few timer turns): a
   * caller that stores what a post returned must not be later than a person clicking on that post.
   */
  schedule<T>(key: string, options: JobOptions, task: () => T | PromiseLike<T>): Promise<T> {
    const job = { priority: options.priority ?? null, weight: options.weight ?? null };
    return new Promise<T>((resolve, reject) => {
      const turn = async () => {
        try {
          resolve(await this.#throughShared(key, job, task));
        } catch (err) {
          reject(err);
        }
      };
      this.#local.key(key).schedule(job, turn).catch(reject);
    });
  }

  /** The shape `@octokit/plugin-throttling` uses: `group.key(id).schedule(options, fn, ...args)`. */
  key(key: string): {
    schedule<A extends unknown[], T>(
      options: JobOptions,
      fn: (...args: A) => T | PromiseLike<T>,
      ...args: A
    ): Promise<T>;
  } {
    return { schedule: (options, fn, ...args) => this.schedule(key, options, () => fn(...args)) };
  }

  /** Redis is down: jobs waiting in shared limiters move to their local turn, and the limiters are let go. */
  dropShared(): void {
    for (const [key, entry] of this.#shared) this.#drop(key, entry.limiter);
  }

  /** Lets go of shared limiters no job used since the last sweep. */
  sweep(): void {
    for (const [key, entry] of this.#shared) {
      const counts = entry.limiter.counts();
      const busy = (counts.RECEIVED ?? 0) + (counts.QUEUED ?? 0) + (counts.RUNNING ?? 0) + (counts.EXECUTING ?? 0);
      if (!entry.used && busy === 0) this.#drop(key, entry.limiter);
      entry.used = false;
    }
  }

  #throughShared<T>(key: string, job: JobOptions, task: () => T | PromiseLike<T>): Promise<T> {
    const shared = this.#sharedLimiter(key);
    if (!shared) return Promise.resolve(this.#alone(task));
    return new Promise<T>((resolve, reject) => {
      let started = false;
      const turn = async () => {
        started = true;
        try {
          resolve(await task());
        } catch (err) {
          reject(err);
        }
      };
      shared.schedule({ ...job, expiration: SHARED_JOB_EXPIRATION_MS }, turn).catch((err: unknown) => {
        // Once the task started, its own outcome settles this (an expired slot in Redis does not);
        // before that, the failure is the shared limiter's, and the task runs on its local turn.
        if (started) return;
        this.#drop(key, shared, err);
        Promise.resolve()
          .then(() => this.#alone(task))
          .then(resolve, reject);
      });
    });
  }

  #alone<T>(task: () => T | PromiseLike<T>): T | PromiseLike<T> {
    if (this.#host.configured) this.#host.metrics?.limitedLocally(this.name);
    return task();
  }

  #sharedLimiter(key: string): Bottleneck | undefined {
    const connection = this.#host.connection;
    if (!this.#host.up || !connection) return undefined;
    const known = this.#shared.get(key);
    if (known) {
      known.used = true;
      return known.limiter;
    }
    const limiter = new Bottleneck({
      ...this.#settings,
      id: `${this.#host.prefix}${this.name}-${key}`,
      connection,
      timeout: this.#host.keyTtlMs,
    });
    // Heartbeat failures while Redis is down land here; the watchdog reports the outage once.
    limiter.on('error', (err: unknown) => this.#host.log.debug({ err, limit: this.name }, 'shared limiter error'));
    limiter.ready().catch((err: unknown) => this.#drop(key, limiter, err));
    this.#shared.set(key, { limiter, used: true });
    return limiter;
  }

  /**
   * Stops a shared limiter (its waiting jobs fail over to their local turn) and makes the next job create a
   * new one. A new limiter initialises its keys again, which Bottleneck's own recovery fails to do on Redis 7.
   */
  #drop(key: string, limiter: Bottleneck, err?: unknown): void {
    if (this.#shared.get(key)?.limiter === limiter) this.#shared.delete(key);
    if (err !== undefined) {
      this.#host.log.debug({ err, limit: this.name, key }, 'a shared limiter failed; the next job makes a new one');
      void this.#host.check();
    }
    limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
    void limiter.disconnect(false);
  }
}
