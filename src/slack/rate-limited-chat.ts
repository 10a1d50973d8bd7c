import type { Redis } from 'ioredis';
import type { Message } from '../core/message.ts';
import type { Chat } from '../ports/chat.ts';

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
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #last = new Map<string, number>();

  constructor(inner: Chat, options: { redis?: Redis; minGapMs?: number } = {}) {
    this.#inner = inner;
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
      const wait = (this.#last.get(channel) ?? 0) + this.#gapMs - Date.now();
      if (wait > 0) await sleep(wait);
      await this.#slot(channel);
      this.#last.set(channel, Date.now());
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
      await sleep(Math.max(10, ttl));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
