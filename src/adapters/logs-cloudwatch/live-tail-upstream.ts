import {
  type CloudWatchLogsClient,
  type LiveTailSessionLogEvent,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { LogEvent } from '../../ports/logs.ts';
import { type FilterAdmission, filterPage } from './filter-page.ts';
import type { LiveScope, LiveViewer } from './live-tail-hub.ts';
import {
  firstMeasureAt,
  nextMeasureAt,
  type SamplingTiming,
  ShownCounts,
  shareOf,
  shareWindow,
  worthSaying,
} from './sampling-share.ts';

export interface UpstreamOptions {
  client: CloudWatchLogsClient;
  log: Logger;
  /** Measures the share of events shown while CloudWatch samples the session; without it, none is measured. */
  sampling?: SamplingMeasure | undefined;
}

export interface SamplingMeasure {
  /** The account's FilterLogEvents quota, which the counts go through like every other call. */
  admit: FilterAdmission;
  clock: Clock;
  timing: SamplingTiming;
}

// A window with more matching events than these pages hold is not counted: the count would cost too much quota.
const MAX_COUNT_PAGES = 50;

/**
 * One StartLiveTail session and the viewers it feeds: closed when the last viewer leaves; one that times out
 * (3 h) while watched is opened again.
 */
export class Upstream {
  readonly viewers = new Set<LiveViewer>();
  /** `true` once CloudWatch accepted the session, else why it did not. */
  started: Promise<true | string>;
  readonly #options: UpstreamOptions;
  readonly #scope: LiveScope;
  readonly #forget: () => void;
  #abort = new AbortController();
  #sampled = false;
  /** Stops the measurements of the current stretch of sampling. */
  #measuring: AbortController | undefined;
  readonly #shown = new ShownCounts();
  #closed = false;
  #seq = 0;

  constructor(options: UpstreamOptions, scope: LiveScope, forget: () => void) {
    this.#options = options;
    this.#scope = scope;
    this.#forget = forget;
    this.started = this.#open();
  }

  get closed(): boolean {
    return this.#closed;
  }

  leave(viewer: LiveViewer): void {
    this.viewers.delete(viewer);
    if (this.viewers.size === 0) this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopMeasuring();
    this.#forget();
    this.#abort.abort();
  }

  async #open(): Promise<true | string> {
    const { group, filterPattern, streamPrefix } = this.#scope;
    const command = new StartLiveTailCommand({
      logGroupIdentifiers: [group],
      logEventFilterPattern: filterPattern || undefined,
      logStreamNamePrefixes: streamPrefix ? [streamPrefix] : undefined,
    });
    try {
      const output = await this.#options.client.send(command, { abortSignal: this.#abort.signal });
      if (!output.responseStream) throw new Error('CloudWatch answered StartLiveTail without an event stream');
      void this.#read(output.responseStream);
      return true;
    } catch (err) {
      this.#close();
      this.#options.log.warn({ err, group }, 'CloudWatch refused a Live Tail session');
      return `CloudWatch refused Live Tail: ${describe(err)}`;
    }
  }

  async #read(stream: AsyncIterable<StartLiveTailResponseStream>): Promise<void> {
    let reason = 'CloudWatch ended the Live Tail session';
    try {
      for await (const event of stream) {
        const update = event.sessionUpdate;
        if (!update) continue;
        const sampled = update.sessionMetadata?.sampled === true;
        if (sampled !== this.#sampled) {
          this.#sampled = sampled;
          if (sampled) this.#startMeasuring();
          else this.#stopMeasuring();
          for (const viewer of this.viewers) viewer.sampled(sampled);
        }
        const events = (update.sessionResults ?? []).map((e) => this.#toLogEvent(e));
        if (this.#measuring) this.#shown.add(events.map((e) => e.timestamp));
        if (events.length > 0) for (const viewer of this.viewers) viewer.deliver(events);
      }
    } catch (err) {
      if (this.#closed) return;
      if ((err as Error).name === 'SessionTimeoutException' && this.viewers.size > 0) {
        // Sessions last at most 3 hours; the people watching have not stopped, so a new one takes over.
        this.#abort = new AbortController();
        this.#sampled = false;
        this.#stopMeasuring();
        this.started = this.#open();
        const again = await this.started;
        if (again === true) return;
        reason = again;
      } else reason = `the Live Tail session failed: ${describe(err)}`;
    }
    if (this.#closed) return;
    this.#close();
    for (const viewer of this.viewers) viewer.ended(reason);
  }

  #startMeasuring(): void {
    const sampling = this.#options.sampling;
    if (!sampling) return;
    this.#measuring = new AbortController();
    void this.#measure(sampling, this.#measuring.signal);
  }

  #stopMeasuring(): void {
    this.#measuring?.abort();
    this.#measuring = undefined;
    this.#shown.clear();
  }

  /**
   * While sampling lasts: once a whole window after its start has settled, and then every `everyMs`, counts
   * the window's matching events with FilterLogEvents and tells the viewers what share of them the session
   * delivered, when that moved enough since they were last told. A count that fails says nothing more.
   */
  async #measure({ admit, clock, timing }: SamplingMeasure, signal: AbortSignal): Promise<void> {
    let told: number | undefined;
    let at = firstMeasureAt(clock.now().getTime(), timing);
    while (!signal.aborted) {
      await clock.sleep(Math.max(0, at - clock.now().getTime()), signal);
      if (signal.aborted) return;
      const window = shareWindow(clock.now().getTime(), timing);
      const matched = await this.#countMatched(admit, window, signal);
      if (signal.aborted) return;
      const shown = this.#shown.between(window.from, window.to);
      this.#shown.forget(window.to);
      const share = matched === undefined ? undefined : shareOf(shown, matched);
      if (matched !== undefined && share !== undefined && worthSaying(told, share)) {
        told = share;
        for (const viewer of this.viewers) viewer.sampled(true, { shown, matched, ...window });
      }
      at = nextMeasureAt(clock.now().getTime(), window.to, timing);
    }
  }

  /** Events of the scope stamped in the window, by FilterLogEvents; undefined when they could not be counted. */
  async #countMatched(
    admit: FilterAdmission,
    window: { from: number; to: number },
    signal: AbortSignal,
  ): Promise<number | undefined> {
    const caller = { client: this.#options.client, admit, urgency: 'bulk' as const };
    let matched = 0;
    let nextToken: string | undefined;
    try {
      for (let pages = 0; pages < MAX_COUNT_PAGES; pages += 1) {
        const range = { startTime: window.from, endTime: window.to - 1, nextToken };
        const page = await filterPage(caller, this.#scope, range, signal);
        matched += page.events.length;
        nextToken = page.nextToken;
        if (nextToken === undefined) return matched;
      }
      this.#options.log.info({ group: this.#scope.group }, 'too many events to measure the share Live Tail shows');
    } catch (err) {
      if (!signal.aborted) this.#options.log.warn({ err }, 'could not count events to measure the Live Tail share');
    }
    return undefined;
  }

  // Live Tail events carry no eventId; the session's own sequence keeps ids unique.
  #toLogEvent(e: LiveTailSessionLogEvent): LogEvent {
    const timestamp = e.timestamp ?? 0;
    const origin = e.logStreamName ?? this.#scope.group;
    return { id: `live:${origin}:${timestamp}:${++this.#seq}`, timestamp, message: e.message ?? '', origin };
  }
}

export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.message && err.message !== err.name ? `${err.name}: ${err.message}` : err.name;
}
