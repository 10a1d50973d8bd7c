import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditTarget {
  service?: string;
  env?: string;
}

/** What a caller asks to record; the store assigns seq, at, prevHash and hash. */
export interface AuditEntry {
  actor: string;
  action: string;
  target: AuditTarget;
  requestId: string;
  details: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

/** hash = sha256(prevHash + canonical JSON of the record without `hash`). */
export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  const body = {
    seq: record.seq,
    at: record.at,
    actor: record.actor,
    action: record.action,
    target: record.target,
    requestId: record.requestId,
    details: record.details,
    prevHash: record.prevHash,
  };
  return createHash('sha256')
    .update(record.prevHash + canonicalJson(body))
    .digest('hex');
}

export function sealRecord(prev: { seq: number; hash: string } | undefined, entry: AuditEntry, at: Date): AuditRecord {
  const unsealed = {
    ...entry,
    seq: (prev?.seq ?? 0) + 1,
    at: at.toISOString(),
    prevHash: prev?.hash ?? GENESIS_HASH,
  };
  return { ...unsealed, hash: hashRecord(unsealed) };
}

export type ChainVerdict =
  | { ok: true; count: number; head: { seq: number; hash: string } | undefined }
  | { ok: false; seq: number; problem: string; count: number };

/**
 * Walks records in ascending seq order. An edited record breaks its own hash, a deleted one
 * leaves a gap in seq, a reordered or re-inserted one breaks the link to its predecessor.
 */
export async function verifyChain(records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>): Promise<ChainVerdict> {
  let prev: { seq: number; hash: string } | undefined;
  let count = 0;
  for await (const record of records) {
    const expectedSeq = (prev?.seq ?? 0) + 1;
    if (record.seq !== expectedSeq) {
      const problem =
        record.seq > expectedSeq
          ? `entries ${expectedSeq}..${record.seq - 1} are missing (deleted?)`
          : `sequence number ${record.seq} appears out of order after ${prev?.seq}`;
      return { ok: false, seq: Math.min(record.seq, expectedSeq), problem, count };
    }
    if (record.prevHash !== (prev?.hash ?? GENESIS_HASH)) {
      return {
        ok: false,
        seq: record.seq,
        problem: 'does not link to the previous entry (reordered or replaced)',
        count,
      };
    }
    if (hashRecord(record) !== record.hash) {
      return { ok: false, seq: record.seq, problem: 'content does not match its hash (edited)', count };
    }
    prev = { seq: record.seq, hash: record.hash };
    count++;
  }
  return { ok: true, count, head: prev };
}
