import type { AuditRecord } from '../../core/audit-chain.ts';
import type { Approval, Lock, RequestState, StoredRequest, StoredTail, TailState } from '../../ports/store.ts';

type Row = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
const date = (v: unknown) => (v === null || v === undefined ? undefined : new Date(String(v)));

export function auditFromRow(row: Row): AuditRecord {
  const target: AuditRecord['target'] = {};
  if (row.service !== null && row.service !== undefined) target.service = String(row.service);
  if (row.env !== null && row.env !== undefined) target.env = String(row.env);
  return {
    seq: Number(row.seq),
    at: String(row.at),
    actor: String(row.actor),
    action: String(row.action),
    target,
    requestId: String(row.request_id),
    details: JSON.parse(String(row.details)) as Record<string, unknown>,
    prevHash: String(row.prev_hash),
    hash: String(row.hash),
  };
}

export function requestFromRow(row: Row): StoredRequest {
  const channel = str(row.message_channel);
  const ts = str(row.message_ts);
  const outcome = str(row.outcome);
  return {
    id: String(row.id),
    kind: String(row.kind),
    service: String(row.service),
    env: String(row.env),
    requester: String(row.requester),
    channel: String(row.channel),
    params: JSON.parse(String(row.params)) as Record<string, unknown>,
    hash: String(row.hash),
    state: String(row.state) as RequestState,
    createdAt: new Date(String(row.created_at)),
    updatedAt: new Date(String(row.updated_at)),
    expiresAt: date(row.expires_at),
    version: Number(row.version),
    message: channel && ts ? { channel, ts } : undefined,
    outcome: outcome ? (JSON.parse(outcome) as Record<string, unknown>) : undefined,
    runner: str(row.runner),
    leaseToken: row.lease_token === null || row.lease_token === undefined ? undefined : Number(row.lease_token),
    leaseExpiresAt: date(row.lease_expires_at),
    renewedAt: date(row.heartbeat_at),
    lateOutcome: str(row.late_outcome) ? (JSON.parse(String(row.late_outcome)) as Record<string, unknown>) : undefined,
  };
}

export function approvalFromRow(row: Row): Approval {
  return { requestId: String(row.request_id), approver: String(row.approver), at: new Date(String(row.at)) };
}

export function lockFromRow(row: Row): Lock {
  return {
    service: String(row.service),
    env: String(row.env),
    owner: String(row.owner),
    reason: String(row.reason),
    createdAt: new Date(String(row.created_at)),
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
    startedAt: new Date(String(row.started_at)),
    until: new Date(String(row.until)),
    leaseToken: Number(row.lease_token),
    leaseExpiresAt: new Date(String(row.lease_expires_at ?? row.heartbeat_at)),
    renewedAt: new Date(String(row.heartbeat_at)),
    message: channel && ts ? { channel, ts } : undefined,
    stoppedBy: str(row.stopped_by),
    endedAt: date(row.ended_at),
    summary: str(row.summary),
  };
}
