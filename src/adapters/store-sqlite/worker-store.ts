import { Worker } from 'node:worker_threads';
import type { AuditRecord } from '../../core/audit-chain.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../ports/store.ts';
import { StoreOpenError } from './store-open-error.ts';
import { AUDIT_PAGE, type Call, type Method, type Reply, reviveError } from './worker-protocol.ts';

// Built, the thread's module is JavaScript next to this one (bundled, next to the chunk that holds this code:
// scripts/bundle.ts writes every file to one folder); from source (tsx, tests) it is TypeScript.
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './store-worker.ts' : './store-worker.js', import.meta.url);

// Every method of the store but `readAudit`, which is paged: the compiler checks the list is whole.
const FORWARDED = {
  ping: 1,
  close: 1,
  appendAudit: 1,
  queryAudit: 1,
  createRequest: 1,
  getRequest: 1,
  transitionRequest: 1,
  startRun: 1,
  renewRun: 1,
  takeOverRun: 1,
  finishRun: 1,
  recordLateOutcome: 1,
  setRequestMessage: 1,
  listRequests: 1,
  addApproval: 1,
  removeApproval: 1,
  listApprovals: 1,
  acquireLock: 1,
  releaseLock: 1,
  getLock: 1,
  listLocks: 1,
  createTail: 1,
  getTail: 1,
  setTailMessage: 1,
  renewTail: 1,
  takeOverTail: 1,
  requestTailStop: 1,
  endTail: 1,
  listTails: 1,
  claimDelivery: 1,
  acquireLease: 1,
  renewLease: 1,
  releaseLease: 1,
  openAlertGroup: 1,
  getAlertGroup: 1,
  latestAlertGroup: 1,
  updateAlertGroup: 1,
  setAlertGroupMessage: 1,
  listAlertGroups: 1,
  countAlertGroups: 1,
  createReview: 1,
  getReview: 1,
  acknowledgeReview: 1,
  markReviewOverdue: 1,
  listOpenReviews: 1,
  claimReminder: 1,
} satisfies Record<Exclude<keyof Store, 'readAudit'>, 1>;

/**
 * The SQLite store on a thread of its own, so no commit's wait for the disk holds up the event loop
 * (Slack's acks, every other request). Calls are served in order, each with the caller's time; the
 * store's errors arrive as the same classes. If the thread dies, every call fails from then on: the
 * callers fail closed, as when a disk is gone.
 */
export async function openSqliteStore(path: string, clock: Clock): Promise<Store> {
  const worker = new Worker(WORKER, { workerData: { path, now: clock.now().getTime() } });
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  let nextId = 1;
  let gone: Error | undefined;

  const opened = new Promise<void>((resolve, reject) => pending.set(0, { resolve: () => resolve(), reject }));
  worker.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(reviveError(reply.error));
  });
  const fail = (err: Error) => {
    gone ??= err;
    for (const waiter of pending.values()) waiter.reject(gone);
    pending.clear();
  };
  worker.on('error', (err) => fail(new Error(`the SQLite store's thread failed: ${err.message}`)));
  worker.on('exit', (code) => fail(new Error(`the SQLite store's thread stopped (exit code ${code})`)));
  try {
    await opened;
  } catch (err) {
    await worker.terminate();
    throw err instanceof StoreOpenError ? err : new StoreOpenError((err as Error).message);
  }

  const call = (method: Method, args: unknown[]): Promise<unknown> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, args, now: clock.now().getTime() } satisfies Call);
    });
  };
  const store: Record<string, unknown> = {};
  for (const method of Object.keys(FORWARDED) as (keyof typeof FORWARDED)[]) {
    store[method] = (...args: unknown[]) => call(method, args);
  }
  store.close = async () => {
    if (gone) return;
    await call('close', []);
    await worker.terminate();
  };
  store.readAudit = async function* readAudit(fromSeq = 1): AsyncIterable<AuditRecord> {
    let next = fromSeq;
    for (;;) {
      const page = (await call('auditPage', [next])) as AuditRecord[];
      yield* page;
      if (page.length < AUDIT_PAGE) return;
      next = page[page.length - 1]!.seq + 1;
    }
  };
  return store as unknown as Store;
}
