import type { AuditRecord } from '../../core/audit-chain.ts';
import type { StoredReview } from '../../ports/review-store.ts';
import type { Approval, Lock, StoredRequest, StoredTail } from '../../ports/store.ts';
import { rowsOf, STORE_TABLES, type StoreContents, type StoreTable, tableName } from '../../ports/store-contents.ts';
import { ALERT_GROUP_COLUMNS, alertGroupValues } from '../store-rows.ts';
import { ALERT_GROUP_TYPES } from './alert-groups.ts';
import { auditValues } from './audit.ts';
import type { Db, Run } from './db.ts';
import { REVIEW_COLUMNS } from './reviews.ts';
import { APPROVAL_COLUMNS, AUDIT_COLUMNS, LOCK_COLUMNS, REQUEST_COLUMNS, TAIL_COLUMNS } from './columns.ts';

/** The target already holds a store: an import never merges into one. */
export class TargetNotEmptyError extends Error {
  readonly counts: Partial<Record<StoreTable, number>>;

  constructor(counts: Partial<Record<StoreTable, number>>) {
    const held = Object.entries(counts).map(([table, n]) => `${n} ${tableName(table)}`);
    super(`it already holds ${held.join(', ')}`);
    this.counts = counts;
  }
}

const BATCH = 1000;
const iso = (d: Date | undefined) => d?.toISOString() ?? null;

// Each table as its columns (named as its reads name them), the array type of each for unnest, and a row's values.
const SHAPES = {
  audit: {
    columns: AUDIT_COLUMNS,
    types: ['bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'],
    values: auditValues,
  },
  requests: {
    columns: REQUEST_COLUMNS,
    types: [
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'timestamptz',
      'timestamptz',
    ].concat([
      'timestamptz',
      'integer',
      'text',
      'text',
      'text',
      'text',
      'timestamptz',
      'bigint',
      'timestamptz',
      'text',
    ]),
    values: (r: StoredRequest) => [
      r.id,
      r.kind,
      r.service,
      r.env,
      r.requester,
      r.channel,
      JSON.stringify(r.params),
      r.hash,
      r.state,
      iso(r.createdAt),
      iso(r.updatedAt),
      iso(r.expiresAt),
      r.version,
      r.message?.channel ?? null,
      r.message?.ts ?? null,
      r.outcome ? JSON.stringify(r.outcome) : null,
      r.runner ?? null,
      iso(r.renewedAt),
      r.leaseToken ?? null,
      iso(r.leaseExpiresAt),
      r.lateOutcome ? JSON.stringify(r.lateOutcome) : null,
    ],
  },
  approvals: {
    columns: APPROVAL_COLUMNS,
    types: ['text', 'text', 'timestamptz'],
    values: (a: Approval) => [a.requestId, a.approver, iso(a.at)],
  },
  locks: {
    columns: LOCK_COLUMNS,
    types: ['text', 'text', 'text', 'text', 'timestamptz', 'timestamptz'],
    values: (l: Lock) => [l.service, l.env, l.owner, l.reason, iso(l.createdAt), iso(l.expiresAt)],
  },
  tails: {
    columns: TAIL_COLUMNS,
    types: ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'timestamptz', 'timestamptz'].concat([
      'timestamptz',
      'text',
      'text',
      'text',
      'timestamptz',
      'text',
      'bigint',
      'timestamptz',
    ]),
    values: (t: StoredTail) => [
      t.id,
      t.service,
      t.env,
      t.requester,
      t.channel,
      t.source,
      t.runner,
      t.state,
      iso(t.startedAt),
      iso(t.until),
      iso(t.renewedAt),
      t.message?.channel ?? null,
      t.message?.ts ?? null,
      t.stoppedBy ?? null,
      iso(t.endedAt),
      t.summary ?? null,
      t.leaseToken,
      iso(t.leaseExpiresAt),
    ],
  },
  deliveries: {
    columns: 'key, at',
    types: ['text', 'timestamptz'],
    values: (d: { key: string; at: Date }) => [d.key, iso(d.at)],
  },
  reviews: {
    columns: REVIEW_COLUMNS,
    types: ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'timestamptz'].concat([
      'timestamptz',
      'text',
      'timestamptz',
      'timestamptz',
    ]),
    values: (r: StoredReview) => [
      r.id,
      r.requestId,
      r.kind,
      r.service,
      r.env,
      r.requester,
      r.reason,
      r.message?.channel ?? null,
      r.message?.ts ?? null,
      iso(r.openedAt),
      iso(r.dueAt),
      r.acknowledgedBy ?? null,
      iso(r.acknowledgedAt),
      iso(r.overdueAt),
    ],
  },
  reminders: {
    columns: 'request_id, at',
    types: ['text', 'timestamptz'],
    values: (r: { requestId: string; at: Date }) => [r.requestId, iso(r.at)],
  },
  alert_groups: { columns: ALERT_GROUP_COLUMNS, types: ALERT_GROUP_TYPES, values: alertGroupValues },
} as const;

/**
 * Copies `source` into an empty store in one transaction: all of it or nothing. The audit log keeps
 * its seq, times and hashes, and the chain head is set to its last entry. The tables are locked for
 * the copy, so a bot already started on the target waits instead of writing in between.
 */
export async function importContents(
  db: Db,
  s: string,
  source: StoreContents,
  progress: (table: StoreTable, done: number, total: number) => void,
): Promise<Record<StoreTable, number>> {
  const totals = source.counts();
  return db.transaction(async (run) => {
    await run(`LOCK TABLE ${STORE_TABLES.map((t) => `${s}.${t}`).join(', ')}, ${s}.audit_head IN EXCLUSIVE MODE`);
    const held: Partial<Record<StoreTable, number>> = {};
    for (const table of STORE_TABLES) {
      const [row] = (await run(`SELECT count(*)::int AS n FROM ${s}.${table}`)).rows;
      if (Number(row?.n)) held[table] = Number(row?.n);
    }
    if (Object.keys(held).length) throw new TargetNotEmptyError(held);
    let head: AuditRecord | undefined;
    const copied = {} as Record<StoreTable, number>;
    for (const table of STORE_TABLES) {
      const rows = table === 'audit' ? tap(source.audit(), (r) => (head = r)) : rowsOf(source, table);
      copied[table] = await copy(run, s, table, rows as Iterable<never>, (done) =>
        progress(table, done, totals[table]),
      );
    }
    if (head) await run(`UPDATE ${s}.audit_head SET seq = $1, hash = $2`, [head.seq, head.hash]);
    return copied;
  });
}

async function copy<T>(
  run: Run,
  s: string,
  table: StoreTable,
  rows: Iterable<T>,
  progress: (done: number) => void,
): Promise<number> {
  const shape = SHAPES[table] as unknown as { columns: string; types: string[]; values: (row: T) => unknown[] };
  const params = shape.types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  const sql = `INSERT INTO ${s}.${table} (${shape.columns}) SELECT * FROM unnest(${params})`;
  let done = 0;
  let batch: unknown[][] = [];
  const flush = async () => {
    if (!batch.length) return;
    await run(
      sql,
      shape.types.map((_, i) => batch.map((values) => values[i])),
    );
    done += batch.length;
    batch = [];
    progress(done);
  };
  for (const row of rows) {
    batch.push(shape.values(row));
    if (batch.length === BATCH) await flush();
  }
  await flush();
  return done;
}

function* tap<T>(items: Iterable<T>, see: (item: T) => void): Iterable<T> {
  for (const item of items) {
    see(item);
    yield item;
  }
}
