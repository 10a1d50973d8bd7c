import { Worker } from 'node:worker_threads';
import type { TextIndexBuilder } from '../../core/runbooks/index-builder.ts';
import { analyse, FIELDS } from '../../core/runbooks/runbook-fields.ts';
import { TextIndex } from '../../core/runbooks/text-index.ts';
import type { TextIndexPart } from '../../core/runbooks/text-index-part.ts';

// Built, the thread's module is JavaScript next to this one (bundled, next to the chunk that holds this code:
// scripts/bundle.ts writes every file to one folder); from source (tsx, tests) it is TypeScript.
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './index-worker.ts' : './index-worker.js', import.meta.url);
// Runbooks are handed over a few dozen at a time: a message each would cost more than the words it carries,
// and the texts of a few hundred outlived the thread's young generation and filled its old one.
const BATCH = 32;
// A batch's claim (`ThreadData.claims`): still free, taken by the thread, taken by the caller.
export const FREE = 0;
export const BY_THREAD = 1;
const BY_CALLER = 2;

/** What the thread starts with. */
export interface ThreadData {
  expected: number;
  /** One claim per batch, shared: whichever side takes a batch first indexes it. */
  claims: SharedArrayBuffer;
}

/** Batch `batch`: runbooks `first`, `first + 1`, … of the index, as their field texts. */
export interface ThreadBatch {
  batch: number;
  first: number;
  texts: Array<readonly string[]>;
}

/**
 * Indexes runbooks on a thread of its own, started now, while the caller parses the next ones. Every batch
 * is sent to the thread as it fills; once the caller has parsed them all, it indexes the batches the thread
 * has not reached yet, each side claiming a batch before indexing it, and the two parts make one index. So
 * the load takes about as long as parsing and indexing shared over both cores, whichever side is faster on
 * the machine. The thread ends with the build; `finish` rejects when it failed, and the caller indexes here.
 */
export async function startThreadIndexBuild(expected: number): Promise<TextIndexBuilder> {
  const claims = new Int32Array(new SharedArrayBuffer(4 * Math.ceil(expected / BATCH)));
  const worker = new Worker(WORKER, {
    // No resourceLimits: V8's flags are the process's, and under the image's --optimize-for-size a thread's
    // young generation stays small whatever its limits ask; without the flag the thread sizes it as the bot's
    // own thread does (loads measured the same with and without a 48 MB limit).
    workerData: { expected, claims: claims.buffer } satisfies ThreadData,
  });
  let failed = false;
  const part = new Promise<TextIndexPart>((resolve, reject) => {
    const fail = (error: unknown) => {
      failed = true;
      reject(error);
    };
    worker.once('message', resolve);
    worker.once('messageerror', fail);
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the runbook index thread stopped (exit code ${code})`)));
  });
  // While the caller parses, the thread does not keep a stopping process alive (after the listeners, which
  // would ref it again); `finish` refs it while it waits for the index.
  worker.unref();
  // Until `finish` awaits it, a failure is only recorded.
  part.catch(() => undefined);
  // Each runbook's texts in the order added; the caller indexes the batches the thread did not claim. Runbooks
  // beyond `expected` have no claim, and are never sent.
  const texts: Array<readonly string[]> = [];
  const batches = () => Math.ceil(texts.length / BATCH);
  const batch = (number: number): ThreadBatch => ({
    batch: number,
    first: number * BATCH,
    texts: texts.slice(number * BATCH, (number + 1) * BATCH),
  });
  // This side indexes what is left once every runbook is parsed, usually a small share: sized for a quarter,
  // its stream grows if it takes more.
  const here = TextIndex.builder(FIELDS.length, analyse, Math.ceil(expected / 4));
  return {
    add(text) {
      texts.push(text);
      if (texts.length % BATCH === 0 && batches() <= claims.length) worker.postMessage(batch(batches() - 1));
    },
    async finish() {
      worker.ref();
      try {
        if (texts.length % BATCH !== 0 && batches() <= claims.length) worker.postMessage(batch(batches() - 1));
        worker.postMessage('finish');
        // A batch at a time, letting other work run in between.
        for (let number = 0; number < batches() && !failed; number++) {
          if (number < claims.length && Atomics.compareExchange(claims, number, FREE, BY_CALLER) !== FREE) continue;
          const { first, texts: taken } = batch(number);
          taken.forEach((text, at) => {
            here.add(text, first + at);
          });
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        return here.finish([await part]);
      } finally {
        void worker.terminate();
      }
    },
    cancel() {
      void worker.terminate();
    },
  };
}
