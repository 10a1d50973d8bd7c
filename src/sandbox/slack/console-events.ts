import type { ServerResponse } from 'node:http';

export type ConsoleEventKind = 'message' | 'update' | 'reset' | 'view';

/** Proxies and browsers drop a stream that stays silent; a comment line every so often keeps it open. */
const HEARTBEAT_MS = 15_000;

/**
 * The console's Server-Sent Events streams. Every change gets the next sequence number as its SSE `id`, and
 * the state endpoint reports the latest one, so a page that loads state while events arrive knows which
 * events its snapshot already contains.
 */
export class ConsoleEvents {
  readonly #streams = new Set<ServerResponse>();
  readonly #heartbeatMs: number;
  #heartbeat: NodeJS.Timeout | undefined;
  #seq = 0;

  constructor(heartbeatMs = HEARTBEAT_MS) {
    this.#heartbeatMs = heartbeatMs;
  }

  get seq(): number {
    return this.#seq;
  }

  get openStreams(): number {
    return this.#streams.size;
  }

  publish(kind: ConsoleEventKind, data: unknown): void {
    this.#seq += 1;
    // JSON.stringify escapes line breaks, so the payload always fits on one `data:` line.
    const frame = `id: ${this.#seq}\nevent: ${kind}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.#streams) res.write(frame);
  }

  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    // Writing at once sends the headers, so EventSource fires `open` without waiting for the first change.
    res.write(`retry: 1000\n: connected at ${this.#seq}\n\n`);
    this.#streams.add(res);
    res.on('close', () => {
      this.#streams.delete(res);
      this.#schedule();
    });
    this.#schedule();
  }

  /** Ends every open stream, so the emulator's server can close without waiting for browsers. */
  close(): void {
    for (const res of this.#streams) res.end();
    this.#streams.clear();
    this.#schedule();
  }

  /** One timer for all streams, running only while there are any. */
  #schedule(): void {
    if (this.#streams.size === 0) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    } else if (this.#heartbeat === undefined) {
      this.#heartbeat = setInterval(() => {
        for (const res of this.#streams) res.write(': heartbeat\n\n');
      }, this.#heartbeatMs);
      this.#heartbeat.unref();
    }
  }
}
