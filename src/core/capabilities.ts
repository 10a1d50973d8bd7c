import type { AlertStore } from '../ports/alert-store.ts';
import type { Backends } from '../ports/backends.ts';
import type { Clock } from '../ports/clock.ts';
import type { Directory } from '../ports/directory.ts';
import type { CommitChecks } from '../ports/commit-checks.ts';
import type { ReviewStore } from '../ports/review-store.ts';
import type { AuditStore, LockStore, RequestStore, TailStore } from '../ports/store.ts';
import type { AuditLog } from './audit-log.ts';
import type { Catalog } from './catalog.ts';
import type { CommandList } from './command-list.ts';
import type { LogCenter } from './logs/log-center.ts';
import type { Permissions } from './policy.ts';
import type { Runbooks } from './runbooks/library.ts';

/**
 * Everything a command or a button may be given, each a narrow port owned by its users. A command
 * declares the few it needs (`needs: ['catalog', 'locks']`) and the dispatcher hands it exactly those:
 * what a command can touch is written on its first lines, and its tests build nothing else.
 */
export interface Capabilities {
  catalog: Catalog;
  clock: Clock;
  permissions: Permissions;
  /** User groups: who approves, as mentions and people. */
  directory: Directory;
  commands: CommandList;
  locks: LockStore;
  /** Audit entries to read (`/ops audit`); writing goes through `audit`. */
  auditTrail: Pick<AuditStore, 'queryAudit'>;
  /** Past and pending requests, for status and history. */
  requests: Pick<RequestStore, 'listRequests' | 'getRequest'>;
  tails: Pick<TailStore, 'getTail'>;
  backends: Backends;
  /** What CI says about a commit (the deploy gate). */
  commitChecks: CommitChecks;
  runbooks: Runbooks;
  logs: LogCenter;
  audit: AuditLog;
  /** Alert groups, for the buttons on their messages. */
  alerts: Pick<AlertStore, 'getAlertGroup'>;
  /** Emergency self-approvals not yet acknowledged (`/ops reviews`). */
  reviews: Pick<ReviewStore, 'listOpenReviews'>;
}

export type Capability = keyof Capabilities;

/** Exactly the declared capabilities: a handler cannot reach anything it did not ask for. */
export function pick<K extends Capability>(all: Capabilities, needs: readonly K[]): Pick<Capabilities, K> {
  return Object.fromEntries(needs.map((k) => [k, all[k]])) as Pick<Capabilities, K>;
}
