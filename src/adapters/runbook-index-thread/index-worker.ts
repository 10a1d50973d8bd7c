import { parentPort, workerData } from 'node:worker_threads';
import { analyse, FIELDS } from '../../core/runbooks/runbook-fields.ts';
import { TextIndex } from '../../core/runbooks/text-index.ts';
import { transferable } from '../../core/runbooks/text-index-part.ts';
import { BY_THREAD, FREE, type ThreadBatch, type ThreadData } from './thread-index-builder.ts';

// The runbook index thread (thread-index-builder.ts): batches of field texts, each indexed here unless the
// caller claimed it first, then 'finish', answered with what was indexed here as plain data, its arrays
// transferred.
const port = parentPort!;
const { expected, claims } = workerData as ThreadData;
const claimed = new Int32Array(claims);
const builder = TextIndex.builder(FIELDS.length, analyse, expected);
port.on('message', (message: ThreadBatch | 'finish') => {
  if (message !== 'finish') {
    if (Atomics.compareExchange(claimed, message.batch, FREE, BY_THREAD) !== FREE) return;
    message.texts.forEach((texts, at) => {
      builder.add(texts, message.first + at);
    });
    return;
  }
  const part = builder.part();
  port.postMessage(part, transferable(part));
});
