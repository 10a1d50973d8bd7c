import {
  type CloudWatchLogsClient,
  type LiveTailSessionLogEvent,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Logger } from '../../ports/logger.ts';
import type { LogEvent } from '../../ports/logs.ts';

/** What one Live Tail session reads: follows of the same scope share it. */
export interface LiveScope {
  env: string;
  group: string;
  filterPattern: string | undefined;
  streamPrefix: string | undefined;
}

/** One follow watching a shared session. */
export interface LiveViewer {
  deliver(events: LogEvent[]): void;
  /** CloudWatch started or stopped sampling the session's events. */
  sampled(sampled: boolean): void;
  /** The session ended under the viewer (a streaming failure, a restart that was refused). */
  ended(reason: string): void;
}

export type JoinResult = { joined: true; viewers: number; leave: () => void } | { joined: false; reason: string };

export interface LiveTailHubOptions {
  client: CloudWatchLogsClient;
  /** Sessions this process keeps open at once for the client's account and region (CloudWatch allows 15). */
  maxSessions: number;
  log: Logger;
}

/** CloudWatch sends at most this many events in an update, one update a second, and samples above it. */
export const LIVE_TAIL_EVENTS_PER_SECOND = 500;

/**
 * One StartLiveTail session per scope (log group, filter, streams, environment), shared by every follow of
 * it whatever channel it posts to: sessions are billed per minute and capped per account and region. A
 * session opens with its first viewer and is closed when the last one leaves; one that times out (3 h) while
 * watched is opened again. Starting beyond `maxSessions` is refused here, before CloudWatch is asked.
 */
export class LiveTailHub {
  readonly #options: LiveTailHubOptions;
  readonly #sessions = new Map<string, Upstream>();

  constructor(options: LiveTailHubOptions) {
    this.#options = options;
  }

  /** Sessions open now (for tests and metrics). */
  get open(): number {
    return this.#sessions.size;
  }

  get maxSessions(): number {
    return this.#options.maxSessions;
  }

  async join(scope: LiveScope, viewer: LiveViewer): Promise<JoinResult> {
    const key = JSON.stringify([scope.env, scope.group, scope.filterPattern ?? '', scope.streamPrefix ?? '']);
    let upstream = this.#sessions.get(key);
    if (!upstream) {
      if (this.#sessions.size >= this.#options.maxSessions) {
        return {
          joined: false,
          reason:
            `all ${this.#options.maxSessions} Live Tail sessions opsdeck may hold for this AWS account and region ` +
            'are in use',
        };
      }
      upstream = new Upstream(this.#options, scope, () => this.#sessions.delete(key));
      this.#sessions.set(key, upstream);
    }
    const started = await upstream.started;
    if (started !== true) return { joined: false, reason: started };
    // The last viewer may have left while this one waited for the start: open a session of its own.
    if (upstream.closed) return this.join(scope, viewer);
    upstream.viewers.add(viewer);
    return { joined: true, viewers: upstream.viewers.size, leave: () => upstream.leave(viewer) };
  }
}

class Upstream {
  readonly viewers = new Set<LiveViewer>();
  /** `true` once CloudWatch accepted the session, else why it did not. */
  started: Promise<true | string>;
  readonly #options: LiveTailHubOptions;
  readonly #scope: LiveScope;
  readonly #forget: () => void;
  #abort = new AbortController();
  #sampled = false;
  #closed = false;
  #seq = 0;

  constructor(options: LiveTailHubOptions, scope: LiveScope, forget: () => void) {
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

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.message && err.message !== err.name ? `${err.name}: ${err.message}` : err.name;
}
