import type { Redis } from 'ioredis';
import type { Message } from '../core/message.ts';
import type { Text } from '../core/text.ts';
import type { Chat } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';

// Slack accepts about one message per second per channel (chat.postMessage, "special" tier).
const MIN_GAP_MS = 1100;
// A slot call slower than this counts as Redis being down: a post must never wait on it for long.
const REDIS_TIMEOUT_MS = 500;
// While Redis is down, it is asked again this often; the posts in between are paced locally.
const REDIS_RETRY_MS = 5_000;

/** What the pacer reports, so an outage of the shared pacing shows on a dashboard. */
export interface PacingMetrics {
  /** True while posts take their slot in Redis, false while they fall back to local pacing. */
  sharedPacing(up: boolean): void;
  /** One post paced locally because Redis could not be reached. */
  pacedLocally(): void;
}

export interface RateLimitedChatOptions {
  clock: Clock;
  redis?: Redis;
  minGapMs?: number;
  /** Needed with `redis`: its outages and recoveries are logged, once each. */
  log?: Logger;
  metrics?: PacingMetrics;
  redisTimeoutMs?: number;
  redisRetryMs?: number;
}

/**
 * Spaces posts and uploads in each channel at least `minGapMs` apart, for every tail and request
 * in that channel together, in the order they were asked for. With Redis, each post first takes
 * the channel's slot (`SET … NX PX gap`), so the spacing holds across all replicas. Redis is an
 * aid, never a dependency: when it fails or is slow, posts go on with this replica's own pacing
 * (logged once per outage and counted) and it is tried again every few seconds.
 */
export class RateLimitedChat implements Chat {
  readonly #inner: Chat;
  readonly #gapMs: number;
  readonly #options: RateLimitedChatOptions;
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #last = new Map<string, number>();
  /** Set while Redis is considered down: when to ask it again. */
  #redisDownUntil: number | undefined;

  constructor(inner: Chat, options: RateLimitedChatOptions) {
    this.#inner = inner;
    this.#gapMs = options.minGapMs ?? MIN_GAP_MS;
    this.#options = options;
    if (!options.redis) return;
    options.metrics?.sharedPacing(true);
    // The client reports its own connection failures and recoveries; without a listener it prints each
    // failed reconnect to stderr, and with this one posts need not wait for a slot call to learn of them.
    options.redis.on('error', (err: unknown) => this.#down(err));
    options.redis.on('ready', () => this.#up());
  }

  post(channel: string, message: Message, threadTs?: string): Promise<{ ts: string }> {
    return this.#paced(channel, () => this.#inner.post(channel, message, threadTs));
  }

  upload(
    channel: string,
    file: { filename: string; title: string; content: string; comment: Text },
    threadTs?: string,
  ): Promise<void> {
    return this.#paced(channel, () => this.#inner.upload(channel, file, threadTs));
  }

  update(channel: string, ts: string, message: Message): Promise<void> {
    return this.#inner.update(channel, ts, message);
  }

  #paced<T>(channel: string, send: () => Promise<T>): Promise<T> {
    const turn = (this.#chains.get(channel) ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        const wait =
          (this.#last.get(channel) ?? Number.NEGATIVE_INFINITY) + this.#gapMs - this.#options.clock.now().getTime();
        if (wait > 0) await this.#options.clock.sleep(wait);
        await this.#slot(channel);
        this.#last.set(channel, this.#options.clock.now().getTime());
        return send();
      });
    this.#chains.set(channel, turn);
    return turn;
  }

  /** Waits for the channel's shared slot in Redis; without Redis, or while it is down, the local spacing is enough. */
  async #slot(channel: string): Promise<void> {
    const redis = this.#options.redis;
    if (!redis) return;
    if (this.#redisDownUntil !== undefined && this.#options.clock.now().getTime() < this.#redisDownUntil) {
      this.#options.metrics?.pacedLocally();
      return;
    }
    try {
      await this.#takeSlot(redis, `opsdeck:chat-slot:${channel}`);
    } catch (err) {
      this.#down(err);
      this.#options.metrics?.pacedLocally();
      return;
    }
    this.#up();
  }

  async #takeSlot(redis: Redis, key: string): Promise<void> {
    const timeoutMs = this.#options.redisTimeoutMs ?? REDIS_TIMEOUT_MS;
    for (let attempt = 0; attempt < 30; attempt++) {
      if ((await bounded(redis.set(key, '1', 'PX', this.#gapMs, 'NX'), timeoutMs)) === 'OK') return;
      const ttl = await bounded(redis.pttl(key), timeoutMs);
      // Redis expires the slot on its own clock, so this wait is in real time whatever our clock says.
      await sleep(Math.max(10, ttl));
    }
  }

  #down(err: unknown): void {
    const first = this.#redisDownUntil === undefined;
    this.#redisDownUntil = this.#options.clock.now().getTime() + (this.#options.redisRetryMs ?? REDIS_RETRY_MS);
    if (!first) return;
    this.#options.metrics?.sharedPacing(false);
    this.#options.log?.warn(
      { err },
      'Redis is unreachable: pacing Slack posts locally, ' +
        "so replicas may together exceed a channel's limit until it is back",
    );
  }

  #up(): void {
    if (this.#redisDownUntil === undefined) return;
    this.#redisDownUntil = undefined;
    this.#options.metrics?.sharedPacing(true);
    this.#options.log?.info({}, "Redis is back: Slack posts share each channel's pace across replicas again");
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
