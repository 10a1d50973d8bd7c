import type { StoredFile } from './file-store.ts';

export type MessageSource = 'api' | 'response_url' | 'user';

export interface StoredMessage {
  ts: string;
  channel: string;
  threadTs?: string;
  user?: string;
  botId?: string;
  text: string;
  blocks: unknown[];
  ephemeralTo?: string;
  edited?: boolean;
  deleted?: boolean;
  files?: StoredFile[];
  source: MessageSource;
}

export interface MessageQuery {
  channel?: string;
  /** Replies in this thread (the parent itself is not included). */
  threadTs?: string;
  /** What this user would see: public messages plus their own ephemerals, without deleted ones. */
  visibleTo?: string;
}

export type NewMessage = Omit<StoredMessage, 'ts'>;
export type MessageChange = Partial<Pick<StoredMessage, 'text' | 'blocks' | 'edited' | 'deleted'>>;
export type MessageListener = (kind: 'message' | 'update', message: StoredMessage) => void;

/** Formats microseconds since the epoch the way Slack writes message timestamps. */
function formatTs(micros: bigint): string {
  const seconds = micros / 1_000_000n;
  const rest = micros % 1_000_000n;
  return `${seconds}.${rest.toString().padStart(6, '0')}`;
}

/** Messages in post order. Every ts is unique and strictly increasing, even when the clock stands still. */
export class MessageStore {
  readonly #messages: StoredMessage[] = [];
  readonly #now: () => number;
  readonly #onChange: MessageListener;
  #lastMicros = 0n;

  constructor(now: () => number, onChange: MessageListener) {
    this.#now = now;
    this.#onChange = onChange;
  }

  nextTs(): string {
    const fromClock = BigInt(Math.floor(this.#now())) * 1000n;
    this.#lastMicros = fromClock > this.#lastMicros ? fromClock : this.#lastMicros + 1n;
    return formatTs(this.#lastMicros);
  }

  add(message: NewMessage): StoredMessage {
    const stored: StoredMessage = { ts: this.nextTs(), ...message };
    this.#messages.push(stored);
    this.#onChange('message', stored);
    return stored;
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    return this.#messages.find((m) => m.channel === channel && m.ts === ts);
  }

  update(message: StoredMessage, change: MessageChange): StoredMessage {
    Object.assign(message, change);
    this.#onChange('update', message);
    return message;
  }

  list(query: MessageQuery = {}): StoredMessage[] {
    const { channel, threadTs, visibleTo } = query;
    return this.#messages
      .filter(
        (m) =>
          (channel === undefined || m.channel === channel) &&
          (threadTs === undefined || m.threadTs === threadTs) &&
          (visibleTo === undefined || (!m.deleted && (m.ephemeralTo === undefined || m.ephemeralTo === visibleTo))),
      )
      .map((m) => ({ ...m }));
  }

  clear(): void {
    this.#messages.length = 0;
  }
}

/** The message object Slack returns from the Web API and puts in interaction payloads. */
export function toSlackMessage(m: StoredMessage, teamId: string): Record<string, unknown> {
  return {
    type: 'message',
    ts: m.ts,
    text: m.text,
    blocks: m.blocks,
    team: teamId,
    ...(m.user === undefined ? {} : { user: m.user }),
    ...(m.botId === undefined ? {} : { bot_id: m.botId }),
    ...(m.threadTs === undefined ? {} : { thread_ts: m.threadTs }),
    ...(m.edited ? { edited: { user: m.user, ts: m.ts } } : {}),
    ...(m.files === undefined ? {} : { files: m.files.map((f) => ({ id: f.id, name: f.filename, title: f.title })) }),
  };
}
