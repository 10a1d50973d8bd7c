import { randomUUID } from 'node:crypto';
import { EventStreamCodec, type MessageHeaders } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { invalidParameter, sessionLimit } from './errors.ts';
import { compileFilterPattern } from './filter-pattern.ts';
import type { ResponseSink } from './http-server.ts';
import type { Params } from './params.ts';
import { groupOfIdentifier } from './resources.ts';
import type { LogStore, StoredEvent } from './store.ts';

export interface LiveTailOptions {
  /** Concurrent sessions (per account and region on AWS); one more is refused with LimitExceededException. */
  readonly maxSessions?: number;
  /** Time between updates; AWS sends one a second. */
  readonly updateMs?: number;
  /** Events per update; above it the update is sampled down to this many (AWS: 500). */
  readonly maxEventsPerUpdate?: number;
  /** A session ends with SessionTimeoutException once this long has passed on the emulator's clock (AWS: 3 h). */
  readonly maxSessionMs?: number;
}

/** A Live Tail session as tests see it. */
export interface LiveTailSessionInfo {
  readonly sessionId: string;
  readonly logGroupIdentifiers: readonly string[];
  readonly logEventFilterPattern?: string | undefined;
  readonly logStreamNames?: readonly string[] | undefined;
  readonly logStreamNamePrefixes?: readonly string[] | undefined;
  readonly startedAt: number;
  /** How it ended: `client` (the caller went away), `timeout`, `ended` (ended by the emulator's owner). */
  endedBy?: 'client' | 'timeout' | 'ended';
  /** Updates sent, and how many of them were sampled. */
  updates: number;
  sampledUpdates: number;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);
// A second's events held for sampling; beyond it they are counted and dropped, as AWS drops what a client lags on.
const MAX_HELD = 50_000;

/**
 * StartLiveTail over the AWS event stream encoding (`application/vnd.amazon.eventstream`): a `sessionStart`
 * event at once, then a `sessionUpdate` every `updateMs` with what was stored since (sampled down to
 * `maxEventsPerUpdate`, `sessionMetadata.sampled` set), until the caller goes away or the session times out.
 */
export class LiveTails {
  readonly #sessions: LiveTailSessionInfo[] = [];
  readonly #active = new Map<LiveTailSessionInfo, (endedBy: 'timeout' | 'ended', exception?: string) => void>();
  readonly #store: LogStore;
  readonly #now: () => number;
  readonly #options: Required<LiveTailOptions>;

  constructor(store: LogStore, now: () => number, options: LiveTailOptions = {}) {
    this.#store = store;
    this.#now = now;
    this.#options = {
      maxSessions: options.maxSessions ?? 15,
      updateMs: options.updateMs ?? 1000,
      maxEventsPerUpdate: options.maxEventsPerUpdate ?? 500,
      maxSessionMs: options.maxSessionMs ?? 3 * 60 * 60 * 1000,
    };
  }

  /** Every session started, oldest first. */
  get sessions(): readonly LiveTailSessionInfo[] {
    return this.#sessions;
  }

  get activeCount(): number {
    return this.#active.size;
  }

  /** Checks the request and takes a slot; the returned function streams the session into a response. */
  start(params: Params): (sink: ResponseSink) => void {
    const identifiers = params.strings('logGroupIdentifiers', { min: 1, max: 10 });
    if (identifiers === undefined) throw invalidParameter('logGroupIdentifiers is required.');
    const names = params.strings('logStreamNames', { min: 1, max: 100 });
    const prefixes = params.strings('logStreamNamePrefixes', { min: 1, max: 100 });
    const pattern = params.string('logEventFilterPattern', { max: 1024 });
    if (names !== undefined && prefixes !== undefined) {
      throw invalidParameter('logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.');
    }
    if ((names !== undefined || prefixes !== undefined) && identifiers.length > 1) {
      throw invalidParameter('Log stream names or prefixes can be given only with a single log group.');
    }
    const groups = new Map(identifiers.map((id) => [this.#store.group(groupOfIdentifier(id)).name, id]));
    const matches = compileFilterPattern(pattern ?? '');
    const inStreams = (stream: string) =>
      names ? names.includes(stream) : prefixes ? prefixes.some((p) => stream.startsWith(p)) : true;
    if (this.#active.size >= this.#options.maxSessions) throw sessionLimit();

    const info: LiveTailSessionInfo = {
      sessionId: randomUUID(),
      logGroupIdentifiers: identifiers,
      logEventFilterPattern: pattern,
      logStreamNames: names,
      logStreamNamePrefixes: prefixes,
      startedAt: this.#now(),
      updates: 0,
      sampledUpdates: 0,
    };
    this.#sessions.push(info);
    // The slot is taken now, so a burst of starts cannot all pass the check before their streams begin.
    this.#active.set(info, () => {});
    return (sink) => this.#run(info, sink, { groups, matches, inStreams });
  }

  /** Ends every open session with a SessionStreamingException, as when the service fails mid-stream. */
  failAll(): void {
    for (const end of [...this.#active.values()]) end('ended', 'SessionStreamingException');
  }

  /** Ends every open session, closing their streams. */
  endAll(): void {
    for (const end of [...this.#active.values()]) end('ended');
  }

  #run(
    info: LiveTailSessionInfo,
    sink: ResponseSink,
    scope: { groups: Map<string, string>; matches: (m: string) => boolean; inStreams: (s: string) => boolean },
  ): void {
    let held: { event: StoredEvent; group: string }[] = [];
    const unsubscribe = this.#store.onAppend((group, events) => {
      const id = scope.groups.get(group.name);
      if (id === undefined) return;
      for (const event of events) {
        if (held.length >= MAX_HELD) return;
        if (scope.inStreams(event.logStreamName) && scope.matches(event.message)) held.push({ event, group: id });
      }
    });
    const finish = (endedBy: 'client' | 'timeout' | 'ended', exception?: string, message?: string) => {
      if (!this.#active.has(info)) return;
      this.#active.delete(info);
      info.endedBy = endedBy;
      clearInterval(timer);
      unsubscribe();
      if (exception) sink.write(encodeException(exception, message ?? 'The session ended.'));
      sink.end();
    };
    this.#active.set(info, (endedBy, exception) =>
      finish(endedBy, exception, exception ? 'Internal error while streaming the session.' : undefined),
    );
    sink.onClose(() => finish('client'));
    sink.write(
      encodeEvent('sessionStart', {
        requestId: randomUUID(),
        sessionId: info.sessionId,
        logGroupIdentifiers: info.logGroupIdentifiers,
        ...(info.logStreamNames ? { logStreamNames: info.logStreamNames } : {}),
        ...(info.logStreamNamePrefixes ? { logStreamNamePrefixes: info.logStreamNamePrefixes } : {}),
        ...(info.logEventFilterPattern !== undefined ? { logEventFilterPattern: info.logEventFilterPattern } : {}),
      }),
    );
    const timer = setInterval(() => {
      if (this.#now() - info.startedAt >= this.#options.maxSessionMs) {
        finish('timeout', 'SessionTimeoutException', 'Session timed out after 3 hours.');
        return;
      }
      const batch = held.sort((a, b) => a.event.timestamp - b.event.timestamp || a.event.seq - b.event.seq);
      held = [];
      const shown = sample(batch, this.#options.maxEventsPerUpdate);
      const sampled = shown.length < batch.length;
      info.updates += 1;
      if (sampled) info.sampledUpdates += 1;
      sink.write(
        encodeEvent('sessionUpdate', {
          sessionMetadata: { sampled },
          sessionResults: shown.map(({ event, group }) => ({
            logStreamName: event.logStreamName,
            logGroupIdentifier: group,
            message: event.message,
            timestamp: event.timestamp,
            ingestionTime: event.ingestionTime,
          })),
        }),
      );
    }, this.#options.updateMs);
  }
}

/** `max` items spread evenly over `all`, in order. */
function sample<T>(all: readonly T[], max: number): T[] {
  if (all.length <= max) return [...all];
  const step = all.length / max;
  return Array.from({ length: max }, (_, i) => all[Math.floor(i * step)] as T);
}

const stringHeader = (value: string) => ({ type: 'string' as const, value });

function encodeEvent(type: string, payload: unknown): Uint8Array {
  const headers: MessageHeaders = {
    ':message-type': stringHeader('event'),
    ':event-type': stringHeader(type),
    ':content-type': stringHeader('application/json'),
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
}

function encodeException(type: string, message: string): Uint8Array {
  const headers: MessageHeaders = {
    ':message-type': stringHeader('exception'),
    ':exception-type': stringHeader(type),
    ':content-type': stringHeader('application/json'),
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify({ message })) });
}
