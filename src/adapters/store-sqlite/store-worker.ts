// The SQLite store's own thread: `node:sqlite` is synchronous, and each commit waits for the disk
// (`synchronous=FULL`), so the store runs here and the bot's event loop only exchanges messages with it.
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditRecord } from '../../core/audit-chain.ts';
import type { Clock } from '../../ports/clock.ts';
import { SqliteStore } from './sqlite-store.ts';
import { AUDIT_PAGE, type Call, type Reply, serializeError } from './worker-protocol.ts';

const port = parentPort!;
const { path, now } = workerData as { path: string; now: number };

// The caller's clock, as of the call being served: calls are served one at a time, each with its time.
let current = now;
const relayed: Clock = {
  now: () => new Date(current),
  sleep: () => Promise.reject(new Error('the store thread does not wait')),
};

let store: SqliteStore;
try {
  store = SqliteStore.open(path, relayed);
  port.postMessage({ id: 0, ok: true } satisfies Reply);
} catch (err) {
  port.postMessage({ id: 0, ok: false, error: serializeError(err) } satisfies Reply);
  process.exit(0);
}

async function auditPage(fromSeq: number): Promise<AuditRecord[]> {
  const page: AuditRecord[] = [];
  for await (const record of store.readAudit(fromSeq)) {
    page.push(record);
    if (page.length === AUDIT_PAGE) break;
  }
  return page;
}

port.on('message', async (call: Call) => {
  current = call.now;
  try {
    const value =
      call.method === 'auditPage'
        ? await auditPage(call.args[0] as number)
        : await (store[call.method] as (...args: unknown[]) => Promise<unknown>).apply(store, call.args);
    port.postMessage({ id: call.id, ok: true, value } satisfies Reply);
    if (call.method === 'close') port.close();
  } catch (err) {
    port.postMessage({ id: call.id, ok: false, error: serializeError(err) } satisfies Reply);
  }
});
