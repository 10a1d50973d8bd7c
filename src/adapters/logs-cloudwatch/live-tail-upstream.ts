import {
  type CloudWatchLogsClient,
  type LiveTailSessionLogEvent,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Logger } from '../../ports/logger.ts';
import type { LogEvent } from '../../ports/logs.ts';
import type { LiveScope, LiveViewer } from './live-tail-hub.ts';

export interface UpstreamOptions {
  client: CloudWatchLogsClient;
  log: Logger;
}

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
          for (const viewer of this.viewers) viewer.sampled(sampled);
        }
        const events = (update.sessionResults ?? []).map((e) => this.#toLogEvent(e));
        if (events.length > 0) for (const viewer of this.viewers) viewer.deliver(events);
      }
    } catch (err) {
      if (this.#closed) return;
      if ((err as Error).name === 'SessionTimeoutException' && this.viewers.size > 0) {
        // Sessions last at most 3 hours; the people watching have not stopped, so a new one takes over.
        this.#abort = new AbortController();
        this.#sampled = false;
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
