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
      const jobs = this.#queue.splice(0, BATCH);
      this.#batch(jobs.map((job) => job.input)).forEach((settled, i) => {
        if ('value' in settled) jobs[i]!.resolve(settled.value);
        else jobs[i]!.reject(settled.error);
      });
      if (this.#queue.length) this.#schedule();
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

let buffer = Buffer.allocUnsafe(1 << 20);

/**
 * Whole files as UTF-8 text, read one after another into one buffer and decoded at once, each file's
 * text a slice of the one string. Ten thousand strings of a few kilobytes each are copied by every young
 * generation collection they live through, which took a good part of loading 10,000 runbooks; one string
 * of a batch's size is allocated where V8 never moves it. A file holding a NUL is decoded on its own.
 */
export function readTexts(paths: readonly string[]): Settled<string>[] {
  const ends: Array<number | Error> = [];
  let size = 0;
  for (const path of paths) {
    try {
      size = readInto(path, size);
      ends.push(size);
      buffer[size++] = 0;
    } catch (error) {
      ends.push(error as Error);
    }
  }
  const whole = buffer.toString('utf8', 0, size);
  const parts = whole.split('\0');
  let part = 0;
  let start = 0;
  return ends.map((end) => {
    if (end instanceof Error) return { error: end };
    const bytes = buffer.subarray(start, end);
    start = end + 1;
    if (bytes.includes(0)) {
      part += bytes.filter((b) => b === 0).length + 1;
      return { value: bytes.toString('utf8') };
    }
    return { value: parts[part++]! };
  });
}

/** Appends the file at `path` to the buffer at `at` (growing it for a long file); returns the end. */
function readInto(path: string, at: number): number {
  const fd = openSync(path, 'r');
  try {
    for (let size = at; ; ) {
      if (size + 1 >= buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, size);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, size, buffer.length - size - 1, null);
      if (read === 0) return size;
      size += read;
    }
  } finally {
    closeSync(fd);
  }
}
