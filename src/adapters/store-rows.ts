import type { AuditRecord } from '../core/audit-chain.ts';
import type { AlertGroupKind, AlertGroupStatus, NewAlertGroup, StoredAlertGroup } from '../ports/alert-store.ts';
import type { StoredReview } from '../ports/review-store.ts';
import type { Approval, Lock, RequestState, StoredRequest, StoredTail, TailState } from '../ports/store.ts';

// The records of both stores from their rows. SQLite and PostgreSQL keep the same columns and differ in what a
// column comes back as: a timestamp is the ISO text SQLite stores and a Date from PostgreSQL, a bigint a string
// from PostgreSQL (hence Number()). JSON is text in both.

type Row = Record<string, unknown>;

const absent = (v: unknown): v is null | undefined => v === null || v === undefined;
const str = (v: unknown) => (absent(v) ? undefined : String(v));
const at = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const date = (v: unknown) => (str(v) ? at(v) : undefined);
const json = (v: unknown) => JSON.parse(String(v)) as Record<string, unknown>;
const jsonIfAny = (v: unknown) => (str(v) ? json(v) : undefined);

/** The Slack message a row points at, when it has both halves. */
function message(row: Row): { channel: string; ts: string } | undefined {
  const channel = str(row.message_channel);
  const ts = str(row.message_ts);
  return channel && ts ? { channel, ts } : undefined;
}

export function auditFromRow(row: Row): AuditRecord {
  const target: AuditRecord['target'] = {};
  if (!absent(row.service)) target.service = String(row.service);
  if (!absent(row.env)) target.env = String(row.env);
  return {
    seq: Number(row.seq),
    // The text the chain hashed, as written: never re-formatted through a Date.
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
    createdAt: at(row.created_at),
    updatedAt: at(row.updated_at),
    expiresAt: date(row.expires_at),
    version: Number(row.version),
    message: message(row),
    outcome: jsonIfAny(row.outcome),
    runner: str(row.runner),
    leaseToken: absent(row.lease_token) ? undefined : Number(row.lease_token),
    leaseExpiresAt: date(row.lease_expires_at),
    renewedAt: date(row.heartbeat_at),
    lateOutcome: jsonIfAny(row.late_outcome),
  };
}

export function approvalFromRow(row: Row): Approval {
  return { requestId: String(row.request_id), approver: String(row.approver), at: at(row.at) };
}

export function lockFromRow(row: Row): Lock {
  return {
    service: String(row.service),
    env: String(row.env),
    owner: String(row.owner),
    reason: String(row.reason),
    createdAt: at(row.created_at),
    expiresAt: date(row.expires_at),
  };
}

export function tailFromRow(row: Row): StoredTail {
  return {
    id: String(row.id),
    service: String(row.service),
    env: String(row.env),
    requester: String(row.requester),
    channel: String(row.channel),
    source: String(row.source),
    runner: String(row.runner),
    state: String(row.state) as TailState,
    startedAt: at(row.started_at),
    until: at(row.until),
    leaseToken: Number(row.lease_token),
    // SQLite's column is nullable (added to a table that had rows): a row without one has its heartbeat's.
    leaseExpiresAt: at(row.lease_expires_at ?? row.heartbeat_at),
    renewedAt: at(row.heartbeat_at),
    message: message(row),
    stoppedBy: str(row.stopped_by),
    endedAt: date(row.ended_at),
    summary: str(row.summary),
  };
}

export function reviewFromRow(row: Row): StoredReview {
  return {
    id: String(row.id),
    requestId: String(row.request_id),
    kind: String(row.kind),
    service: String(row.service),
    env: String(row.env),
    requester: String(row.requester),
    reason: String(row.reason),
    message: message(row),
    openedAt: at(row.opened_at),
    dueAt: at(row.due_at),
    acknowledgedBy: str(row.acknowledged_by),
    acknowledgedAt: date(row.acknowledged_at),
    overdueAt: date(row.overdue_at),
  };
}

export function alertGroupFromRow(row: Row): StoredAlertGroup {
  return {
    id: String(row.id),
    kind: String(row.kind) as AlertGroupKind,
    key: String(row.key),
    channel: String(row.channel),
    service: str(row.service),
    env: str(row.env),
    content: json(row.content),
    summaryId: str(row.summary_id),
    status: String(row.status) as AlertGroupStatus,
    createdAt: at(row.created_at),
    updatedAt: at(row.updated_at),
    resolvedAt: date(row.resolved_at),
    version: Number(row.version),
    message: message(row),
  };
}

// Named, never `*`: a statement prepared by an older replica keeps its result type when a newer one migrates.
export const ALERT_GROUP_COLUMNS =
  'id, kind, key, channel, service, env, content, summary_id, status, created_at, updated_at, resolved_at, ' +
  'version, message_channel, message_ts';

/** A group's values for ALERT_GROUP_COLUMNS, in their order: as it is opened, or as another store holds it. */
export function alertGroupValues(g: StoredAlertGroup): (string | number | null)[] {
  const iso = (d: Date | undefined) => d?.toISOString() ?? null;
  return [
    g.id,
    g.kind,
    g.key,
    g.channel,
    g.service ?? null,
    g.env ?? null,
    JSON.stringify(g.content),
    g.summaryId ?? null,
    g.status,
    iso(g.createdAt),
    iso(g.updatedAt),
    iso(g.resolvedAt),
    g.version,
    g.message?.channel ?? null,
    g.message?.ts ?? null,
  ];
}

/**
 * A new group as both stores open it: firing, first version. Only what a new group has: a caller may pass a
 * stored group, whose message and end are not this one's.
 */
export function openedAlertGroup(g: NewAlertGroup): StoredAlertGroup {
  return { ...g, resolvedAt: undefined, message: undefined, status: 'firing', updatedAt: g.createdAt, version: 1 };
}
