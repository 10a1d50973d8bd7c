import { type AuditEntry, type AuditRecord, sealRecord } from '../../core/audit-chain.ts';
import type { Db } from './db.ts';
import { auditFromRow } from '../store-rows.ts';
import { AUDIT_COLUMNS } from './columns.ts';

/**
 * One append, in one transaction. The row lock on `audit_head` is the turn: a second writer, on any
 * replica, waits there and then reads the head the first one left. The entry is stamped with the
 * database's time, read while holding that turn, so times follow the chain's order whatever the
 * replicas' clocks say (to the millisecond, as the chain hashes them).
 */
export async function appendAudit(db: Db, s: string, entry: AuditEntry): Promise<AuditRecord> {
  return db.transaction(async (run) => {
    const { rows } = await run(
      `SELECT seq, hash, date_trunc('milliseconds', clock_timestamp()) AS now FROM ${s}.audit_head FOR UPDATE`,
    );
    const head = rows[0];
    if (!head) throw new Error(`${s}.audit_head has no row: the chain head is missing`);
    const record = sealRecord({ seq: Number(head.seq), hash: String(head.hash) }, entry, head.now as Date);
    await run(
      `INSERT INTO ${s}.audit (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      auditValues(record),
    );
    await run(`UPDATE ${s}.audit_head SET seq = $1, hash = $2`, [record.seq, record.hash]);
    return record;
  });
}

/** A record as the audit table's columns, in AUDIT_COLUMNS order. */
export function auditValues(record: AuditRecord): unknown[] {
  return [
    record.seq,
    record.at,
    record.actor,
    record.action,
    record.target.service ?? null,
    record.target.env ?? null,
    record.requestId,
    JSON.stringify(record.details),
    record.prevHash,
    record.hash,
  ];
}

/** Oldest first, a page per statement, so no cursor stays open across the consumer's awaits. */
export async function* readAuditPages(db: Pick<Db, 'query'>, s: string, fromSeq: number): AsyncIterable<AuditRecord> {
  let next = fromSeq;
  for (;;) {
    const rows = await db.query(`SELECT ${AUDIT_COLUMNS} FROM ${s}.audit WHERE seq >= $1 ORDER BY seq LIMIT 500`, [
      next,
    ]);
    if (!rows.length) return;
    for (const row of rows) yield auditFromRow(row);
    next = Number(rows[rows.length - 1]!.seq) + 1;
  }
}
