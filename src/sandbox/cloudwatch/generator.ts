import { randomInt } from 'node:crypto';
import { defaultMessage, type MessageContext } from './log-lines.ts';
import { pick, seededRandom } from './random.ts';
import type { NewEvent } from './store.ts';

export interface ErrorBurst {
  /** A burst starts every `everyMs` from the generator's start… */
  readonly everyMs: number;
  /** …and lasts this long… */
  readonly durationMs: number;
  /** …during which this share (0..1) of events are failures. */
  readonly errorShare: number;
}

export interface GenerateOptions {
  readonly group: string;
  readonly streams: readonly string[];
  readonly eventsPerSecond: number;
  readonly errorBurst?: ErrorBurst;
  /** Builds each message; default: access-log and JSON lines (see log-lines.ts). */
  readonly messages?: (ctx: MessageContext) => string;
  /** Share (0..1) of events outside bursts that are failures; default 0.01. */
  readonly baseErrorShare?: number;
  /** Share (0..1) of events that leak a fake secret; default 0.02. */
  readonly secretShare?: number;
  /** Seed of every random choice; default random. */
  readonly seed?: number;
  /** How often the generator writes what became due, in ms; default 200. */
  readonly tickMs?: number;
}

interface GeneratorDeps {
  readonly now: () => number;
  /** Events are stamped up to this long before they are written, like a log agent's buffering. */
  readonly ingestionDelayMs: number;
  readonly write: (stream: string, events: readonly NewEvent[]) => void;
}

const MAX_BACKFILL_MS = 60_000;

/** Writes `eventsPerSecond` events at the wall clock, spread over the streams, until stopped. */
export class LogGenerator {
  readonly #options: GenerateOptions;
  readonly #deps: GeneratorDeps;
  readonly #random: () => number;
  readonly #started: number;
  readonly #timer: NodeJS.Timeout;
  #last: number;
  #due = 0;
  #index = 0;

  constructor(options: GenerateOptions, deps: GeneratorDeps) {
    if (options.streams.length === 0) throw new Error('generate: give at least one stream');
    if (!(options.eventsPerSecond > 0)) throw new Error('generate: eventsPerSecond must be positive');
    this.#options = options;
    this.#deps = deps;
    this.#random = seededRandom(options.seed ?? randomInt(2 ** 32));
    this.#started = this.#last = deps.now();
    this.#timer = setInterval(() => this.#tick(), options.tickMs ?? 200);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    const now = this.#deps.now();
    // After a suspended laptop wakes up, backfill one minute rather than hours of events in one tick.
    this.#last = Math.max(this.#last, now - MAX_BACKFILL_MS);
    const span = now - this.#last;
    this.#due += (this.#options.eventsPerSecond * span) / 1000;
    const count = Math.floor(this.#due);
    this.#due -= count;
    const batches = new Map<string, NewEvent[]>();
    for (let i = 1; i <= count; i += 1) {
      // Spread over the tick, then pushed back by up to the ingestion delay: events arrive a little late
      // and out of order across streams, so a follower must re-read its newest millisecond.
      const lag = this.#random() * this.#deps.ingestionDelayMs;
      const timestamp = Math.round(Math.min(now, this.#last + (span * i) / count - lag));
      const stream = pick(this.#random, this.#options.streams);
      const batch = batches.get(stream) ?? [];
      batch.push({ timestamp, message: this.#message(stream, timestamp) });
      batches.set(stream, batch);
    }
    this.#last = now;
    for (const [stream, events] of batches) this.#deps.write(stream, events);
  }

  #message(stream: string, timestamp: number): string {
    const { errorBurst, baseErrorShare = 0.01, secretShare = 0.02 } = this.#options;
    // Lagged timestamps can precede the start; the double modulo keeps the phase positive.
    const phase = (period: number) => (((timestamp - this.#started) % period) + period) % period;
    const inBurst = errorBurst !== undefined && phase(errorBurst.everyMs) < errorBurst.durationMs;
    const ctx: MessageContext = {
      group: this.#options.group,
      stream,
      index: this.#index++,
      timestamp,
      error: this.#random() < (inBurst ? errorBurst.errorShare : baseErrorShare),
      secret: this.#random() < secretShare,
      random: this.#random,
    };
    return (this.#options.messages ?? defaultMessage)(ctx);
  }
}
