import type { OperationContext } from './context.ts';
import type { FailureSpec } from './faults.ts';
import { LogGenerator, type GenerateOptions } from './generator.ts';
import { listen, type RunningServer } from './http-server.ts';
import { type LiveTailOptions, LiveTails, type LiveTailSessionInfo } from './live-tail.ts';
import { Protocol, type RequestLogEntry } from './protocol.ts';
import { LogStore, type LogGroup, type NewEvent, type StoredEvent } from './store.ts';
import { Throttle } from './throttle.ts';

export interface CloudWatchLogsEmulatorOptions {
  /** Default 0: a random free port on 127.0.0.1. */
  readonly port?: number;
  readonly host?: string;
  /** Calls per second per operation, e.g. `{ FilterLogEvents: 5 }`; beyond it: ThrottlingException. Default none. */
  readonly throttle?: Readonly<Record<string, number>>;
  /** FilterLogEvents stops scanning at every multiple of this many stored events of a group; default 1000. */
  readonly segmentSize?: number;
  /** Generated events are stamped up to this long before they are stored; default 200. */
  readonly ingestionDelayMs?: number;
  /** The wall clock (epoch ms) for ingestion times, generators and throttling; default `Date.now`. */
  readonly now?: () => number;
  /** StartLiveTail's quotas and pace; AWS's by default (15 sessions, an update a second of at most 500 events, 3 h). */
  readonly liveTail?: LiveTailOptions;
}

/** An event as FilterLogEvents returns it. */
export interface LogEvent {
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
  readonly eventId: string;
}

export interface GeneratorHandle {
  stop(): void;
}

/** An in-process CloudWatch Logs API (AWS JSON 1.1) for the AWS SDK's and CLI's `--endpoint-url`. */
export class CloudWatchLogsEmulator {
  readonly url: string;
  readonly #server: RunningServer;
  readonly #store = new LogStore();
  readonly #protocol: Protocol;
  readonly #liveTails: LiveTails;
  readonly #generators = new Set<LogGenerator>();
  readonly #now: () => number;
  readonly #ingestionDelayMs: number;

  static async start(options: CloudWatchLogsEmulatorOptions = {}): Promise<CloudWatchLogsEmulator> {
    let emulator: CloudWatchLogsEmulator | undefined;
    const server = await listen((req) => {
      if (!emulator) throw new Error('still starting');
      return emulator.#protocol.handle(req);
    }, options);
    emulator = new CloudWatchLogsEmulator(server, options);
    return emulator;
  }

  private constructor(server: RunningServer, options: CloudWatchLogsEmulatorOptions) {
    this.#server = server;
    this.url = server.url;
    this.#now = options.now ?? Date.now;
    this.#ingestionDelayMs = options.ingestionDelayMs ?? 200;
    const segmentSize = options.segmentSize ?? 1000;
    if (!(segmentSize >= 1)) throw new Error('segmentSize must be at least 1');
    const ctx: OperationContext = { store: this.#store, now: this.#now, segmentSize };
    this.#liveTails = new LiveTails(this.#store, this.#now, options.liveTail);
    this.#protocol = new Protocol(ctx, new Throttle(options.throttle ?? {}, this.#now), this.#liveTails);
  }

  /** Every answered call, oldest first. */
  get requests(): readonly RequestLogEntry[] {
    return [...this.#protocol.log];
  }

  /** Every Live Tail session started, oldest first, with how it ended. */
  get liveTailSessions(): readonly LiveTailSessionInfo[] {
    return this.#liveTails.sessions;
  }

  /** Live Tail sessions streaming now. */
  get openLiveTails(): number {
    return this.#liveTails.activeCount;
  }

  /** Ends every open Live Tail session with a SessionStreamingException, as when the service fails mid-stream. */
  failLiveTails(): void {
    this.#liveTails.failAll();
  }

  /** Creates an empty group; fails like CreateLogGroup when it exists or the name is invalid. */
  createGroup(name: string): void {
    this.#store.createGroup(name, this.#now());
  }

  /** Stores events as one batch ingested now, creating the group and stream when missing; any order, no limits. */
  put(group: string, stream: string, events: readonly NewEvent[]): LogEvent[] {
    return this.#store.append(this.#group(group), this.#stream(group, stream), events, this.#now()).map(view);
  }

  /** Starts writing generated events (creating group and streams) until `stop()`, `stopGenerators()` or `close()`. */
  generate(options: GenerateOptions): GeneratorHandle {
    for (const stream of options.streams) this.#stream(options.group, stream);
    const generator = new LogGenerator(options, {
      now: this.#now,
      ingestionDelayMs: this.#ingestionDelayMs,
      write: (stream, events) => this.put(options.group, stream, events),
    });
    this.#generators.add(generator);
    return {
      stop: () => {
        generator.stop();
        this.#generators.delete(generator);
      },
    };
  }

  stopGenerators(): void {
    for (const generator of this.#generators) generator.stop();
    this.#generators.clear();
  }

  /** Snapshot of a group's events in FilterLogEvents order (timestamp, then ingestion). */
  events(group: string): LogEvent[] {
    const found = this.#store.findGroup(group);
    if (!found) throw new Error(`events: no log group ${group}`);
    return found.events.map(view);
  }

  /** Arms a failure for matching calls; returns a function that disarms it. */
  injectFailure(spec: FailureSpec): () => void {
    return this.#protocol.faults.add(spec);
  }

  /** Stops generators and forgets all groups, failures, throttle state and the request log. */
  reset(): void {
    this.stopGenerators();
    this.#liveTails.endAll();
    this.#store.clear();
    this.#protocol.reset();
  }

  async close(): Promise<void> {
    this.stopGenerators();
    this.#liveTails.endAll();
    await this.#server.close();
  }

  #group(name: string): LogGroup {
    return this.#store.findGroup(name) ?? this.#store.createGroup(name, this.#now());
  }

  #stream(group: string, name: string) {
    const found = this.#group(group);
    return found.streams.get(name) ?? this.#store.createStream(found, name, this.#now());
  }
}

const view = (e: StoredEvent): LogEvent => ({
  logStreamName: e.logStreamName,
  timestamp: e.timestamp,
  message: e.message,
  ingestionTime: e.ingestionTime,
  eventId: e.eventId,
});
