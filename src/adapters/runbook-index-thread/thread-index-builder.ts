import { Worker } from 'node:worker_threads';
import type { TextIndexBuilder } from '../../core/runbooks/index-builder.ts';
import { analyse, FIELDS } from '../../core/runbooks/runbook-fields.ts';
import { TextIndex } from '../../core/runbooks/text-index.ts';
import type { TextIndexState } from '../../core/runbooks/text-index-state.ts';

// Built, the thread's module is JavaScript next to this one (bundled, next to the chunk that holds this code:
// scripts/bundle.ts writes every file to one folder); from source (tsx, tests) it is TypeScript.
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './index-worker.ts' : './index-worker.js', import.meta.url);
// Runbooks are handed over a few dozen at a time: a message each would cost more than the words it carries,
// and the texts of a few hundred outlived the thread's young generation and filled its old one.
const BATCH = 32;

/**
 * Indexes runbooks on a thread of its own, started now, while the caller parses the next ones: a first
 * load of 10,000 runbooks takes about as long as parsing them rather than parsing and indexing one after
 * the other. The thread ends with the build; `finish` rejects when it failed, and the caller indexes here.
 */
export async function startThreadIndexBuild(expected: number): Promise<TextIndexBuilder> {
  const worker = new Worker(WORKER, { workerData: { expected } });
  const built = new Promise<TextIndexState>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('messageerror', reject);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the runbook index thread stopped (exit code ${code})`)));
  });
  // While the caller parses, the thread does not keep a stopping process alive (after the listeners, which
  // would ref it again); `finish` refs it while it waits for the index.
  worker.unref();
  // Until `finish` awaits it, a failure is only recorded.
  built.catch(() => undefined);
  let batch: Array<readonly string[]> = [];
  const send = () => {
    worker.postMessage(batch);
    batch = [];
  };
  return {
    add(texts) {
      batch.push(texts);
      if (batch.length === BATCH) send();
    },
    async finish() {
      send();
      worker.postMessage('finish');
      worker.ref();
      try {
        return new TextIndex(FIELDS.length, analyse, await built);
      } finally {
        void worker.terminate();
      }
    },
    cancel() {
      void worker.terminate();
    },
  };
}
