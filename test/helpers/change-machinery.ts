import { AuditLog } from '../../src/core/audit-log.ts';
import type { Catalog } from '../../src/core/catalog.ts';
import { Approvals } from '../../src/core/changes/approvals.ts';
import { ChangeFlow } from '../../src/core/changes/change-flow.ts';
import type { ChangeKind } from '../../src/core/changes/define-change.ts';
import { recoverInterrupted } from '../../src/core/changes/recovery.ts';
import { RequestBoard } from '../../src/core/changes/request-board.ts';
import { Supersession } from '../../src/core/changes/supersession.ts';
import { newId } from '../../src/core/ids.ts';
import { createRedactor } from '../../src/core/redact.ts';
import type { Backends } from '../../src/ports/backends.ts';
import type { Chat } from '../../src/ports/chat.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { FailureMetrics } from '../../src/ports/metrics.ts';
import type { Store } from '../../src/ports/store.ts';

const noBackends = { deployer: () => undefined, scaler: () => undefined, sourceControl: undefined };

/** The change flow, its approvals and recovery on one store, chat and clock, for tests below compose. */
export function changeMachinery(o: {
  store: Store;
  chat: Chat;
  clock: Clock;
  catalog: Catalog;
  kinds: readonly ChangeKind[];
  log: Logger;
  approversBesides?: (env: string, requester: string) => Promise<number | undefined>;
  /** The drivers changes run on (default: none, so executing a change fails). */
  backends?: Backends;
  /** Lease term of running changes (default 30 s). */
  leaseMs?: number;
  /** This replica, as the holder of leases (default a fresh id). */
  runner?: string;
  metrics?: FailureMetrics;
}) {
  const { store: requests, chat, clock, catalog, log } = o;
  const leaseMs = o.leaseMs ?? 30_000;
  const runner = o.runner ?? newId('run');
  const backends = o.backends ?? noBackends;
  const audit = new AuditLog({ store: requests, clock, redactor: createRedactor(), log });
  const kinds = Object.fromEntries(o.kinds.map((k) => [k.kind, k]));
  const board = new RequestBoard({ requests, chat, catalog, log });
  const supersession = new Supersession({ requests, clock, audit, board, backends, kinds });
  const flow = new ChangeFlow({
    requests,
    chat,
    clock,
    catalog,
    backends,
    audit,
    board,
    supersession,
    kinds,
    ...(o.approversBesides ? { approversBesides: o.approversBesides } : {}),
    log,
    progressIntervalMs: 0,
    leaseMs,
    runner,
    ...(o.metrics ? { metrics: o.metrics } : {}),
  });
  const approvals = new Approvals({ requests, locks: requests, clock, catalog, audit, board, supersession, flow });
  const recovery = {
    requests,
    clock,
    audit,
    board,
    backends,
    kinds,
    log,
    runner,
    runningHere: (id: string) => flow.isRunningHere(id),
    leaseMs,
  };
  const recover = (approvedStaleMs = leaseMs * 2) => recoverInterrupted(recovery, approvedStaleMs);
  return { flow, approvals, recover, audit };
}
