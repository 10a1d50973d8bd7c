import { parentPort, workerData } from 'node:worker_threads';
import { analyse, FIELDS } from '../../core/runbooks/runbook-fields.ts';
import { TextIndex } from '../../core/runbooks/text-index.ts';

// The runbook index thread (thread-index-builder.ts): field texts in batches, then 'finish', answered with
// the index as plain data, its large arrays transferred rather than copied.
const port = parentPort!;
const builder = TextIndex.builder(FIELDS.length, analyse, (workerData as { expected: number }).expected);
port.on('message', (message: Array<readonly string[]> | 'finish') => {
  if (message !== 'finish') {
    for (const texts of message) builder.add(texts);
    return;
  }
  const state = builder.finish().state();
  port.postMessage(state, [state.slab.buffer, state.starts.buffer]);
});
