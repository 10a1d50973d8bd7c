import { alreadyExists, groupNotFound, streamNotFound } from './errors.ts';
import { violation } from './params.ts';
import { insertSorted } from './sorted.ts';

export interface StoredEvent {
  /** Ingestion order across the emulator; breaks timestamp ties like AWS's ingestion order does. */
  readonly seq: number;
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
  readonly eventId: string;
}

export interface LogStream {
  readonly name: string;
  readonly creationTime: number;
  /** Sorted by timestamp, then ingestion. */
  readonly events: StoredEvent[];
  /** How many batches it took; the sequence token is derived from it. */
  batches: number;
  lastIngestionTime?: number;
}

export interface LogGroup {
  readonly name: string;
  readonly creationTime: number;
  readonly streams: Map<string, LogStream>;
  /** Every event of every stream, sorted by timestamp, then ingestion: what FilterLogEvents scans. */
  readonly events: StoredEvent[];
}

export interface NewEvent {
  readonly timestamp: number;
  readonly message: string;
}

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
const STREAM_NAME = /^[^:*]+$/;

/** Log groups, their streams and events; every mutation of emulator state goes through here. */
/** Told of every stored batch, as it is stored (Live Tail sessions listen). */
export type AppendListener = (group: LogGroup, events: readonly StoredEvent[]) => void;

export class LogStore {
  readonly #groups = new Map<string, LogGroup>();
  readonly #listeners = new Set<AppendListener>();
  #seq = 0;

  /** Calls `listener` with every batch stored from now on, until the returned function is called. */
  onAppend(listener: AppendListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** All groups, by name. */
  groups(): LogGroup[] {
    return [...this.#groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  findGroup(name: string): LogGroup | undefined {
    return this.#groups.get(name);
  }

  group(name: string): LogGroup {
    const group = this.#groups.get(name);
    if (!group) throw groupNotFound();
    return group;
  }

  stream(group: LogGroup, name: string): LogStream {
    const stream = group.streams.get(name);
    if (!stream) throw streamNotFound();
    return stream;
  }

  createGroup(name: string, now: number): LogGroup {
    checkName(name, 'logGroupName', GROUP_NAME);
    if (this.#groups.has(name)) throw alreadyExists('log group');
    const group: LogGroup = { name, creationTime: now, streams: new Map(), events: [] };
    this.#groups.set(name, group);
    return group;
  }

  createStream(group: LogGroup, name: string, now: number): LogStream {
    checkName(name, 'logStreamName', STREAM_NAME);
    if (group.streams.has(name)) throw alreadyExists('log stream');
    const stream: LogStream = { name, creationTime: now, events: [], batches: 0 };
    group.streams.set(name, stream);
    return stream;
  }

  /** Stores one batch, all ingested at `now`, in the order given. */
  append(group: LogGroup, stream: LogStream, batch: readonly NewEvent[], now: number): StoredEvent[] {
    stream.batches += 1;
    stream.lastIngestionTime = now;
    const stored = batch.map(({ timestamp, message }) => {
      const seq = ++this.#seq;
      const event = {
        seq,
        logStreamName: stream.name,
        timestamp,
        message,
        ingestionTime: now,
        eventId: eventId(timestamp, seq),
      };
      insertSorted(stream.events, event);
      insertSorted(group.events, event);
      return event;
    });
    for (const listener of this.#listeners) listener(group, stored);
    return stored;
  }

  clear(): void {
    this.#groups.clear();
  }
}

// AWS event ids are 56 decimal digits; these stay unique and stable for as long as the event is stored.
const eventId = (timestamp: number, seq: number): string =>
  `${String(timestamp).padStart(20, '0')}${String(seq).padStart(36, '0')}`;

/** The (ignored since 2023, still returned) sequence token after a stream's latest batch. */
export const sequenceToken = (stream: LogStream): string => String(stream.batches).padStart(56, '0');

function checkName(name: string, member: string, pattern: RegExp): void {
  if (name.length < 1 || name.length > 512) throw violation(name, member, 'Member must have length between 1 and 512');
  if (!pattern.test(name)) {
    throw violation(name, member, `Member must satisfy regular expression pattern: ${pattern.source.slice(1, -1)}`);
  }
}
