import type { LogEvent } from '../../ports/logs.ts';
import { compareStamps, type Stamp } from './log-line.ts';

interface Pending {
  event: LogEvent;
  stamp: Stamp;
}

/**
 * Gathers lines from all pod streams and hands them over in small batches (every `maxWaitMs` or `maxLines`),
 * each ordered by time. Nothing is delivered once `signal` aborted. A throwing `deliver` goes to `onError`.
 */
export class Batcher {
  readonly #deliver: (events: LogEvent[]) => void;
  readonly #signal: AbortSignal;
  readonly #onError: (error: unknown) => void;
  readonly #maxLines: number;
  readonly #maxWaitMs: number;
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: {
    deliver: (events: LogEvent[]) => void;
    signal: AbortSignal;
    onError: (error: unknown) => void;
    maxLines: number;
    maxWaitMs: number;
  }) {
    this.#deliver = options.deliver;
    this.#signal = options.signal;
    this.#onError = options.onError;
    this.#maxLines = options.maxLines;
    this.#maxWaitMs = options.maxWaitMs;
  }

  push(event: LogEvent, stamp: Stamp): void {
    if (this.#signal.aborted) return;
    this.#pending.push({ event, stamp });
    if (this.#pending.length >= this.#maxLines) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.#maxWaitMs);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending.sort((a, b) => compareStamps(a.stamp, b.stamp)).map((p) => p.event);
    this.#pending = [];
    if (batch.length === 0 || this.#signal.aborted) return;
    try {
      this.#deliver(batch);
    } catch (error) {
      this.#onError(error);
    }
  }

  /** Drops what is pending: the follow ended. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
  }
}
