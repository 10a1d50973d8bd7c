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
// Past this many bytes a batch's text is decoded in more than one string (a string holds at most 512 MB).
const CHUNK = 8 << 20;
let buffer = Buffer.allocUnsafe(BUFFER);

/**
 * Whole files as UTF-8 text, read one after another into one buffer and decoded at once, each file's
 * text a slice of the one string. Ten thousand strings of a few kilobytes each are copied by every young
 * generation collection they live through, which took a good part of loading 10,000 runbooks; one string
 * of a batch's size is allocated where V8 never moves it. A file holding a NUL is decoded on its own, and
 * a batch of long files in several strings.
 */
export function readTexts(paths: readonly string[]): Settled<string>[] {
  const texts: Settled<string>[] = [];
  const pending: Array<{ start: number; end: number }> = [];
  let size = 0;
  const decode = () => {
    let parts: string[] | undefined;
    try {
      parts = buffer.toString('utf8', 0, size).split('\0');
    } catch {
      // Too long for one string: each file on its own, so only a file too long by itself fails.
    }
    let part = 0;
    for (const { start, end } of pending) {
      const bytes = buffer.subarray(start, end);
      let nuls = 0;
      for (let at = bytes.indexOf(0); at >= 0; at = bytes.indexOf(0, at + 1)) nuls += 1;
      texts.push(parts && !nuls ? { value: parts[part]! } : decodeAlone(bytes));
      part += nuls + 1;
    }
    pending.length = 0;
    size = 0;
  };
  for (const path of paths) {
    try {
      const end = readInto(path, size);
      pending.push({ start: size, end });
      buffer[end] = 0;
      size = end + 1;
    } catch (error) {
      decode();
      texts.push({ error });
      continue;
    }
    if (size > CHUNK) decode();
  }
  decode();
  // One long file should not keep its buffer for good.
  if (buffer.length > BUFFER) buffer = Buffer.allocUnsafe(BUFFER);
  return texts;
}

function decodeAlone(bytes: Buffer): Settled<string> {
  try {
    return { value: bytes.toString('utf8') };
  } catch (error) {
    return { error };
  }
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
