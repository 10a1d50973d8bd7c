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
  /**
   * The newest audit sequence number, looked at every `watchMs` while anyone's home is kept fresh: changes
   * made by other replicas are audited in the shared store but heard of only there.
   */
  latestChange?: (() => Promise<number | undefined>) | undefined;
  watchMs?: number | undefined;
  /** Called when `latestChange` moved on, before the homes are drawn again. */
  onRemoteChange?: (() => void) | undefined;
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
  #watch: ReturnType<typeof setInterval> | undefined;
  #seen: number | undefined;

  constructor(opts: HomePublisherOptions) {
    this.#opts = opts;
    if (opts.latestChange) {
      this.#watch = setInterval(() => void this.#look(), opts.watchMs ?? 5000);
      this.#watch.unref();
    }
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
    clearInterval(this.#watch);
    for (const timer of this.#due.values()) clearTimeout(timer);
    this.#due.clear();
  }

  async #look(): Promise<void> {
    if (this.#stopped || this.#viewers.size === 0) return;
    try {
      const latest = await this.#opts.latestChange?.();
      const moved = latest !== undefined && this.#seen !== undefined && latest > this.#seen;
      this.#seen = latest ?? this.#seen;
      if (!moved) return;
      this.#opts.onRemoteChange?.();
      this.changed();
    } catch (err) {
      this.#opts.log.warn({ err }, 'could not look for changes to show in App Home');
    }
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
