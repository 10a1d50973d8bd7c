import type { AuditRecord } from '../../core/audit-chain.ts';
import type { Approval, Lock, RequestState, StoredRequest, StoredTail, TailState } from '../../ports/store.ts';
import type { Row } from './db.ts';

// Columns are named, never `*`: a statement prepared by an older replica must keep its result type when a
// newer one adds a column during a rolling upgrade.
export const AUDIT_COLUMNS = 'seq, at, actor, action, service, env, request_id, details, prev_hash, hash';
export const REQUEST_COLUMNS =
  'id, kind, service, env, requester, channel, params, hash, state, created_at, updated_at, expires_at, version, ' +
  'message_channel, message_ts, outcome, runner, heartbeat_at, lease_token, lease_expires_at, late_outcome';
export const APPROVAL_COLUMNS = 'request_id, approver, at';
export const LOCK_COLUMNS = 'service, env, owner, reason, created_at, expires_at';
export const TAIL_COLUMNS =
  'id, service, env, requester, channel, source, runner, state, started_at, until, heartbeat_at, ' +
  'message_channel, message_ts, stopped_by, ended_at, summary, lease_token, lease_expires_at';

const str = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
const date = (v: unknown) => (v === null || v === undefined ? undefined : (v as Date));
const json = (v: unknown) => JSON.parse(String(v)) as Record<string, unknown>;

export function auditFromRow(row: Row): AuditRecord {
  const target: AuditRecord['target'] = {};
  if (row.service !== null) target.service = String(row.service);
  if (row.env !== null) target.env = String(row.env);
  return {
    seq: Number(row.seq),
    at: String(row.at),
    actor: String(row.actor),
    action: String(row.action),
    target,
    requestId: String(row.request_id),
    details: json(row.details),
    prevHash: String(row.prev_hash),
    hash: String(row.hash),
  };
}

export function requestFromRow(row: Row): StoredRequest {
  const channel = str(row.message_channel);
  const ts = str(row.message_ts);
  return {
    id: String(row.id),
    kind: String(row.kind),
    service: String(row.service),
    env: String(row.env),
    requester: String(row.requester),
    channel: String(row.channel),
    params: json(row.params),
    hash: String(row.hash),
    state: String(row.state) as RequestState,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    expiresAt: date(row.expires_at),
    version: Number(row.version),
    message: channel && ts ? { channel, ts } : undefined,
    outcome: row.outcome === null ? undefined : json(row.outcome),
    runner: str(row.runner),
    leaseToken: row.lease_token === null ? undefined : Number(row.lease_token),
    leaseExpiresAt: date(row.lease_expires_at),
    renewedAt: date(row.heartbeat_at),
    lateOutcome: row.late_outcome === null ? undefined : json(row.late_outcome),
  };
}

export function approvalFromRow(row: Row): Approval {
  return { requestId: String(row.request_id), approver: String(row.approver), at: row.at as Date };
}

export function lockFromRow(row: Row): Lock {
  return {
    service: String(row.service),
    env: String(row.env),
    owner: String(row.owner),
    reason: String(row.reason),
    createdAt: row.created_at as Date,
    expiresAt: date(row.expires_at),
  };
}

export function tailFromRow(row: Row): StoredTail {
  const channel = str(row.message_channel);
  const ts = str(row.message_ts);
  return {
    id: String(row.id),
    service: String(row.service),
    env: String(row.env),
    requester: String(row.requester),
    channel: String(row.channel),
    source: String(row.source),
    runner: String(row.runner),
    state: String(row.state) as TailState,
    startedAt: row.started_at as Date,
    until: row.until as Date,
    leaseToken: Number(row.lease_token),
    leaseExpiresAt: row.lease_expires_at as Date,
    renewedAt: row.heartbeat_at as Date,
    message: channel && ts ? { channel, ts } : undefined,
    stoppedBy: str(row.stopped_by),
    endedAt: date(row.ended_at),
    summary: str(row.summary),
  };
}
