import type { Redis } from 'ioredis';
import type { Message } from '../core/message.ts';
import type { Chat } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';

// Slack accepts about one message per second per channel (chat.postMessage, "special" tier).
const MIN_GAP_MS = 1100;

/**
 * Spaces posts and uploads in each channel at least `minGapMs` apart, for every tail and request
 * in that channel together, in the order they were asked for. With Redis, each post first takes
 * the channel's slot (`SET … NX PX gap`), so the spacing holds across all replicas.
 */
export class RateLimitedChat implements Chat {
  readonly #inner: Chat;
  readonly #gapMs: number;
  readonly #redis: Redis | undefined;
  readonly #clock: Clock;
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #last = new Map<string, number>();

  constructor(inner: Chat, options: { clock: Clock; redis?: Redis; minGapMs?: number }) {
    this.#inner = inner;
    this.#clock = options.clock;
    this.#gapMs = options.minGapMs ?? MIN_GAP_MS;
    this.#redis = options.redis;
  }

  post(channel: string, message: Message, threadTs?: string): Promise<{ ts: string }> {
    return this.#paced(channel, () => this.#inner.post(channel, message, threadTs));
  }

  upload(channel: string, file: { filename: string; title: string; content: string; comment: string }, threadTs?: string): Promise<void> {
    return this.#paced(channel, () => this.#inner.upload(channel, file, threadTs));
  }

  update(channel: string, ts: string, message: Message): Promise<void> {
    return this.#inner.update(channel, ts, message);
  }

  #paced<T>(channel: string, send: () => Promise<T>): Promise<T> {
    const turn = (this.#chains.get(channel) ?? Promise.resolve()).catch(() => undefined).then(async () => {
      const wait = (this.#last.get(channel) ?? Number.NEGATIVE_INFINITY) + this.#gapMs - this.#clock.now().getTime();
      if (wait > 0) await this.#clock.sleep(wait);
      await this.#slot(channel);
      this.#last.set(channel, this.#clock.now().getTime());
      return send();
    });
    this.#chains.set(channel, turn);
    return turn;
  }

  /** Waits for the channel's shared slot in Redis; without Redis the local spacing is enough. */
  async #slot(channel: string): Promise<void> {
    if (!this.#redis) return;
    const key = `opsdeck:chat-slot:${channel}`;
    for (let attempt = 0; attempt < 30; attempt++) {
      if ((await this.#redis.set(key, '1', 'PX', this.#gapMs, 'NX')) === 'OK') return;
      const ttl = await this.#redis.pttl(key);
      // Redis expires the slot on its own clock, so this wait is in real time whatever our clock says.
      await sleep(Math.max(10, ttl));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
