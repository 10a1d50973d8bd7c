import type { Message } from '../../core/message.ts';
import type { Redactor } from '../../core/redact.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { renderMessage } from '../render.ts';

export interface HomePublisherOptions {
  /** views.publish for one user. */
  publish(userId: string, view: Record<string, unknown>): Promise<void>;
  render(userId: string): Promise<Message>;
  redactor: Redactor;
  clock: Clock;
  log: Logger;
  /** Changes within this long of each other make one publish per user (default 2 s). */
  coalesceMs?: number | undefined;
  /** Homes opened longer ago than this are no longer refreshed on changes (default 1 h). */
  recentMs?: number | undefined;
}

/**
 * Keeps the App Home of people who looked at it recently up to date. Every change coalesces into at most one
 * `views.publish` per person per `coalesceMs`, and only homes opened in the last `recentMs` are refreshed,
 * so a busy day stays far inside Slack's limits for views.publish.
 */
export class HomePublisher {
  readonly #opts: HomePublisherOptions;
  readonly #viewers = new Map<string, number>();
  readonly #due = new Map<string, ReturnType<typeof setTimeout>>();
  #stopped = false;

  constructor(opts: HomePublisherOptions) {
    this.#opts = opts;
  }

  /** The person opened the Home tab: publish for them now, and keep it fresh for a while. */
  opened(userId: string): void {
    this.#viewers.set(userId, this.#opts.clock.now().getTime());
    this.#schedule(userId, 0);
  }

  /** Something a home shows may have changed. */
  changed(): void {
    const now = this.#opts.clock.now().getTime();
    const recentMs = this.#opts.recentMs ?? 60 * 60_000;
    for (const [userId, at] of this.#viewers) {
      if (now - at > recentMs) this.#viewers.delete(userId);
      else this.#schedule(userId, this.#opts.coalesceMs ?? 2000);
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#due.values()) clearTimeout(timer);
    this.#due.clear();
  }

  #schedule(userId: string, delayMs: number): void {
    if (this.#stopped || this.#due.has(userId)) return;
    const timer = setTimeout(() => void this.#publish(userId), delayMs);
    timer.unref();
    this.#due.set(userId, timer);
  }

  async #publish(userId: string): Promise<void> {
    try {
      const message = await this.#opts.render(userId);
      const { blocks } = renderMessage(this.#opts.redactor.deep(message));
      await this.#opts.publish(userId, { type: 'home', blocks });
    } catch (err) {
      this.#opts.log.warn({ err, user: userId }, 'could not publish the App Home');
    } finally {
      this.#due.delete(userId);
    }
  }
}
