import type { AuditRecord } from '../core/audit-chain.ts';
import type { StoredAlertGroup } from './alert-store.ts';
import type { StoredReview } from './review-store.ts';
import type { Approval, Lock, StoredRequest, StoredTail } from './store.ts';

/** The tables a store is copied by (`opsdeck store migrate`), in the order they are copied. */
export const STORE_TABLES = [
  'audit',
  'requests',
  'approvals',
  'locks',
  'tails',
  'deliveries',
  'reviews',
  'reminders',
  'alert_groups',
] as const;
export type StoreTable = (typeof STORE_TABLES)[number];

/** A table as people say it: `alert_groups` is "alert groups". */
export const tableName = (table: string) => table.replaceAll('_', ' ');

/** Each table's rows as `StoreContents` gives them, so an import reads every table the same way. */
export const rowsOf = (contents: StoreContents, table: StoreTable): Iterable<unknown> =>
  table === 'alert_groups' ? contents.alertGroups() : contents[table]();

/** Everything a store holds, table by table, in the port's terms: what one store reads and another imports. */
export interface StoreContents {
  counts(): Record<StoreTable, number>;
  audit(): Iterable<AuditRecord>;
  requests(): Iterable<StoredRequest>;
  approvals(): Iterable<Approval>;
  locks(): Iterable<Lock>;
  tails(): Iterable<StoredTail>;
  deliveries(): Iterable<{ key: string; at: Date }>;
  reviews(): Iterable<StoredReview>;
  reminders(): Iterable<{ requestId: string; at: Date }>;
  /** The `alert_groups` table: each group with the message a repeat or a resolve edits. */
  alertGroups(): Iterable<StoredAlertGroup>;
}
