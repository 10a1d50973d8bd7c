import type { OpsdeckConfig } from '../config/schema.ts';
import { approversBesides, approversToNotify } from '../core/approvers.ts';
import type { AuditLog } from '../core/audit-log.ts';
import { Approvals } from '../core/changes/approvals.ts';
import { ChangeFlow } from '../core/changes/change-flow.ts';
import type { ChangeKind } from '../core/changes/define-change.ts';
import { recoverInterrupted } from '../core/changes/recovery.ts';
import { remindDue } from '../core/changes/reminders.ts';
import { RequestBoard } from '../core/changes/request-board.ts';
import { Reviews } from '../core/changes/reviews.ts';
import { Supersession } from '../core/changes/supersession.ts';
import type { Policy } from '../core/policy.ts';
import type { Backends } from '../ports/backends.ts';
import type { Chat } from '../ports/chat.ts';
import type { Clock } from '../ports/clock.ts';
import type { CommitChecks } from '../ports/commit-checks.ts';
import type { Directory } from '../ports/directory.ts';
import type { Logger } from '../ports/logger.ts';
import type { ChangeMetrics, FailureMetrics } from '../ports/metrics.ts';
import type { Store } from '../ports/store.ts';

export interface ChangeMachinery {
  flow: ChangeFlow;
  approvals: Approvals;
  /** Reviews of emergency self-approvals, with their Acknowledge button. */
  reviews: Reviews;
  /**
   * Expires due requests, reminds approvers halfway, marks overdue reviews and recovers interrupted
   * changes; the sweeper runs it on one replica at a time.
   */
  sweep(): Promise<void>;
}

/** The change flow, its approvals and its message board, wired to one store and chat. */
export function createChangeMachinery(deps: {
  config: OpsdeckConfig;
  store: Store;
  chat: Chat;
  clock: Clock;
  backends: Backends;
  /** The commits' CI checks, which deploy gates read again when the last approval arrives. */
  commitChecks: CommitChecks;
  kinds: readonly ChangeKind[];
  audit: AuditLog;
  policy: Policy;
  directory: Directory;
  log: Logger;
  metrics: FailureMetrics & ChangeMetrics;
  /** This process, as the holder of the leases of the changes it runs or takes over. */
  runner: string;
  leaseMs: number;
  progressIntervalMs?: number | undefined;
}): ChangeMachinery {
  const { config, store, chat, clock, backends, audit, log } = deps;
  const kinds = Object.fromEntries(deps.kinds.map((k) => [k.kind, k]));
  const board = new RequestBoard({ requests: store, chat, catalog: config, log: log.child({ component: 'changes' }) });
  const gates = { catalog: config, commitChecks: deps.commitChecks, requests: store, clock };
  const supersession = new Supersession({ requests: store, clock, audit, board, backends, kinds, gates });
  const sources = { catalog: config, permissions: deps.policy, directory: deps.directory };
  const approvers = (env: string) => approversToNotify(sources, env);
  const reviews = new Reviews({
    reviews: store,
    requests: store,
    chat,
    clock,
    catalog: config,
    audit,
    approvers,
    log: log.child({ component: 'reviews' }),
  });
  const flow = new ChangeFlow({
    requests: store,
    chat,
    clock,
    catalog: config,
    backends,
    audit,
    board,
    supersession,
    kinds,
    approversBesides: (env, requester) => approversBesides(sources, env, requester),
    log: log.child({ component: 'changes' }),
    progressIntervalMs: deps.progressIntervalMs,
    leaseMs: deps.leaseMs,
    runner: deps.runner,
    metrics: deps.metrics,
    outcomes: deps.metrics,
    reviews,
  });
  const approvals = new Approvals({
    requests: store,
    locks: store,
    clock,
    catalog: config,
    audit,
    board,
    supersession,
    flow,
    outcomes: deps.metrics,
  });
  return {
    flow,
    approvals,
    reviews,
    async sweep() {
      await approvals.expireDue().catch((err: unknown) => log.warn({ err }, 'expiring requests failed'));
      await remindDue({ requests: store, reminders: store, clock, audit, board, approvers }).catch((err: unknown) =>
        log.warn({ err }, 'reminding approvers failed'),
      );
      await reviews.markOverdue().catch((err: unknown) => log.warn({ err }, 'marking overdue reviews failed'));
      const recovery = {
        requests: store,
        clock,
        audit,
        board,
        backends,
        kinds,
        log: log.child({ component: 'recovery' }),
        runner: deps.runner,
        runningHere: (id: string) => flow.isRunningHere(id),
        leaseMs: deps.leaseMs,
      };
      // An approved request starts within moments; one left so for two lease terms lost its replica.
      await recoverInterrupted(recovery, deps.leaseMs * 2).catch((err: unknown) =>
        log.warn({ err }, 'recovering interrupted changes failed'),
      );
    },
  };
}
