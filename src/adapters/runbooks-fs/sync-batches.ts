import { closeSync, openSync, readSync } from 'node:fs';

// How many file calls run back to back before the event loop gets a turn: a millisecond or two of work.
const BATCH = 64;

type Settled<O> = { value: O } | { error: unknown };

/**
 * Runs small synchronous file calls in batches, one batch per turn of the event loop. Listing and reading
 * 10,000 runbooks through `fs/promises` costs an open, a stat, reads and a close per file, each a round
 * trip to libuv's four-thread pool, and took seconds; the same calls made synchronously take a fraction
 * of that. Batching keeps what they block short, so requests are still answered during a reload.
 */
export class SyncBatches<I, O> {
  readonly #batch: (inputs: readonly I[]) => Settled<O>[];
  readonly #queue: Array<{ input: I; resolve: (value: O) => void; reject: (error: unknown) => void }> = [];
  #scheduled = false;

  /** `batch` answers each input of a batch in order, with a value or an error of its own. */
  constructor(batch: (inputs: readonly I[]) => Settled<O>[]) {
    this.#batch = batch;
  }

  run(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#queue.length) this.#schedule();
      const jobs = this.#queue.splice(0, BATCH);
      let answers: Settled<O>[];
      try {
        answers = this.#batch(jobs.map((job) => job.input));
      } catch (error) {
        answers = jobs.map(() => ({ error }));
      }
      answers.forEach((settled, i) => {
        if ('value' in settled) jobs[i]!.resolve(settled.value);
        else jobs[i]!.reject(settled.error);
      });
    });
  }
}

/** Each input through `call`, its error caught as its own. */
export const eachOf =
  <I, O>(call: (input: I) => O) =>
  (inputs: readonly I[]): Settled<O>[] =>
    inputs.map((input) => {
      try {
        return { value: call(input) };
      } catch (error) {
        return { error };
      }
    });

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
