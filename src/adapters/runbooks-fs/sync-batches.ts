import { closeSync, openSync, readSync } from 'node:fs';

// How many file calls run back to back before the event loop gets a turn: a millisecond or two of work.
const BATCH = 64;

/**
 * Runs small synchronous file calls in batches, one batch per turn of the event loop. Listing and reading
 * 10,000 runbooks through `fs/promises` costs an open, a stat, reads and a close per file, each a round
 * trip to libuv's four-thread pool, and took seconds; the same calls made synchronously take a fraction
 * of that. Batching keeps what they block short, so requests are still answered during a reload. A call
 * that throws fails its own promise only.
 */
export class SyncBatches {
  readonly #queue: Array<() => void> = [];
  #scheduled = false;

  run<T>(call: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => {
        try {
          resolve(call());
        } catch (error) {
          reject(error);
        }
      });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#queue.length > BATCH) this.#schedule();
      for (const job of this.#queue.splice(0, BATCH)) job();
    });
  }
}

const BUFFER = 1 << 20;
let buffer = Buffer.allocUnsafe(BUFFER);

/** A whole file as UTF-8, read into one reused buffer (grown for a longer file) with no stat call. */
export function readText(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let size = 0;
    for (;;) {
      if (size === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, size, buffer.length - size, null);
      if (read === 0) return buffer.toString('utf8', 0, size);
      size += read;
    }
  } finally {
    closeSync(fd);
    // One long file should not keep its buffer for good.
    if (buffer.length > BUFFER) buffer = Buffer.allocUnsafe(BUFFER);
  }
}
