import type Bottleneck from 'bottleneck';
import type { Logger } from '../../ports/logger.ts';
import type { RateLimitMetrics } from '../../ports/metrics.ts';
import { LimitGroup, type LimitSettings, type LimitsHost } from './limit-group.ts';
import type { openRedisLink, RedisLink } from './redis-link.ts';

export interface SharedLimitsOptions {
  /**
   * REDIS_URL: limits are shared by every replica through it. Without it, each replica keeps its own.
   * With it, build the limits with `SharedLimits.open`, which loads the Redis client.
   */
  redisUrl?: string | undefined;
  /** Opens the Redis link; `SharedLimits.open` passes it, so ioredis is loaded only when REDIS_URL is set. */
  openLink?: typeof openRedisLink | undefined;
  log: Logger;
  metrics?: RateLimitMetrics | undefined;
  /** Prefix of every limiter id in Redis (default `opsdeck-`); tests make theirs unique. */
  prefix?: string | undefined;
  /** How often Redis is asked whether it is there (default 2 s), and how long it may take to say so (500 ms). */
  watchdogMs?: number | undefined;
  pingTimeoutMs?: number | undefined;
  /** Shared limiters unused this long are let go, and their Redis keys expire after twice as long; default 5 min. */
  idleMs?: number | undefined;
}

/**
 * The rate limits of every replica, kept by Bottleneck and shared through Redis (`REDIS_URL`): one Bottleneck
 * connection for all limiters, and a watchdog that pings Redis. While Redis answers, each job also takes its
 * turn in a clustered limiter; while it does not, each replica keeps the same limits alone, says so once per
 * outage (a warning and `opsdeck_rate_limits_shared` 0) and counts every job it limited alone. Nothing waits
 * on Redis: Bottleneck's connection never fails while Redis is down, it only waits, so only the watchdog's
 * answer decides.
 */
export class SharedLimits implements LimitsHost {
  readonly prefix: string;
  readonly keyTtlMs: number;
  readonly log: Logger;
  readonly metrics: RateLimitMetrics | undefined;
  readonly #link: RedisLink | undefined;
  readonly #pingTimeoutMs: number;
  readonly #groups: LimitGroup[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  #state: 'starting' | 'up' | 'down' = 'starting';
  #checking: Promise<void> | undefined;

  /** The limits, with the Redis client loaded first when `redisUrl` is set. */
  static async open(options: SharedLimitsOptions): Promise<SharedLimits> {
    if (!options.redisUrl) return new SharedLimits(options);
    const { openRedisLink } = await import('./redis-link.ts');
    return new SharedLimits({ ...options, openLink: openRedisLink });
  }

  constructor(options: SharedLimitsOptions) {
    this.prefix = options.prefix ?? 'opsdeck-';
    const idleMs = options.idleMs ?? 5 * 60_000;
    this.keyTtlMs = idleMs * 2;
    this.log = options.log;
    this.metrics = options.metrics;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 500;
    if (!options.redisUrl) return;
    if (!options.openLink) throw new Error('SharedLimits with a Redis URL: build it with SharedLimits.open()');
    const link = options.openLink(options.redisUrl, Math.max(this.#pingTimeoutMs * 4, 1000));
    this.#link = link;
    this.metrics?.sharedLimits(false);
    // Bottleneck listens for the client's errors too; the watchdog is what reports them.
    link.client.on('error', () => undefined);
    link.client.on('close', () => this.#down(new Error('the connection to Redis closed')));
    link.client.on('ready', () => void this.check());
    this.#timers.push(
      setInterval(() => void this.check(), options.watchdogMs ?? 2000),
      setInterval(() => {
        for (const group of this.#groups) group.sweep();
      }, idleMs),
    );
    for (const timer of this.#timers) timer.unref();
    void this.check();
  }

  get configured(): boolean {
    return this.#link !== undefined;
  }

  get up(): boolean {
    return this.#state === 'up';
  }

  /** Bottleneck's Redis connection, for libraries that build their own limiters on it; none without Redis. */
  get connection(): Bottleneck.IORedisConnection | undefined {
    return this.#link?.connection;
  }

  /** A limit per key with these settings; `name` names it in Redis and in `opsdeck_rate_limited_locally_total`. */
  group(name: string, settings: LimitSettings): LimitGroup {
    const group = new LimitGroup(this, name, settings);
    this.#groups.push(group);
    return group;
  }

  /** Asks Redis now; concurrent callers share one ping. */
  check(): Promise<void> {
    if (!this.#link) return Promise.resolve();
    this.#checking ??= this.#ping(this.#link).finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    for (const group of this.#groups) group.dropShared();
    this.#state = 'down';
    await this.#link?.connection.disconnect(false);
  }

  async #ping(link: RedisLink): Promise<void> {
    if (this.#timers.length === 0) return;
    try {
      await bounded(Promise.all([link.ready, link.client.ping()]), this.#pingTimeoutMs);
      this.#up();
    } catch (err) {
      this.#down(err);
    }
  }

  #up(): void {
    if (this.#state === 'up') return;
    const recovered = this.#state === 'down';
    this.#state = 'up';
    this.metrics?.sharedLimits(true);
    if (recovered) this.log.info({}, 'Redis is back: rate limits are shared across replicas again');
  }

  #down(err: unknown): void {
    if (this.#state === 'down') return;
    // The gauge starts at 0: only a fall from shared limits changes it.
    if (this.#state === 'up') this.metrics?.sharedLimits(false);
    this.#state = 'down';
    for (const group of this.#groups) group.dropShared();
    this.log.warn(
      { err },
      'Redis is unreachable: each replica keeps the rate limits (Slack, GitHub, CloudWatch) alone, ' +
        'so together they may exceed them until it is back',
    );
  }
}

/** The call's answer, or a rejection once `ms` have passed without one. */
function bounded<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}
