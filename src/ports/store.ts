import type { AuditEntry, AuditRecord } from '../core/audit-chain.ts';

export type RequestState =
  | 'pending'
  | 'approved'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'rejected'
  | 'expired'
  | 'cancelled'
  /** Pending, then overtaken: a newer request for the same target, or what runs now changed. */
  | 'superseded';

export interface NewRequest {
  id: string;
  kind: string;
  service: string;
  env: string;
  requester: string;
  channel: string;
  params: Record<string, unknown>;
  /** Hash of the exact change (service, env, sha, replicas…): approvals bind to it. */
  hash: string;
  createdAt: Date;
  expiresAt?: Date | undefined;
}

export interface StoredRequest extends NewRequest {
  state: RequestState;
  updatedAt: Date;
  /** Increments on every change; the basis of compare-and-set. */
  version: number;
  message?: { channel: string; ts: string } | undefined;
  outcome?: Record<string, unknown> | undefined;
  /** The process running it, and when it last said it was alive (running requests only). */
  runner?: string | undefined;
  heartbeatAt?: Date | undefined;
}

export interface Approval {
  requestId: string;
  approver: string;
  at: Date;
}

export interface Lock {
  service: string;
  env: string;
  owner: string;
  reason: string;
  createdAt: Date;
  expiresAt?: Date | undefined;
}

export interface AuditQuery {
  service?: string | undefined;
  env?: string | undefined;
  actor?: string | undefined;
  since?: Date | undefined;
  /** Only entries with seq below this: the cursor for older pages. */
  beforeSeq?: number | undefined;
  limit: number;
}

export interface Store {
  /** Throws when the store cannot be reached; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Appends atomically with the hash chain; throws when it cannot be written (callers fail closed). */
  appendAudit(entry: AuditEntry, at: Date): Promise<AuditRecord>;
  /** Newest first. */
  queryAudit(query: AuditQuery): Promise<AuditRecord[]>;
  /** Oldest first, from `fromSeq` on: for verification and export. */
  readAudit(fromSeq?: number): AsyncIterable<AuditRecord>;

  createRequest(request: NewRequest): Promise<StoredRequest>;
  getRequest(id: string): Promise<StoredRequest | undefined>;
  /**
   * Compare-and-set: moves the request to `to` only if it is currently in one of `from`.
   * Returns the updated request, or undefined when another actor got there first.
   */
  transitionRequest(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: { outcome?: Record<string, unknown> } | undefined,
    at: Date,
  ): Promise<StoredRequest | undefined>;
  setRequestMessage(id: string, message: { channel: string; ts: string }): Promise<void>;
  listRequests(filter: { states?: readonly RequestState[]; service?: string; env?: string }): Promise<StoredRequest[]>;
  /** Marks a running request as alive and owned by `runner`; false when it is no longer running. */
  heartbeat(id: string, runner: string, at: Date): Promise<boolean>;
  /** Records one approval per approver; false when this approver already approved. */
  addApproval(approval: Approval): Promise<boolean>;
  /** Takes an approval back (when its audit entry could not be written). */
  removeApproval(requestId: string, approver: string): Promise<void>;
  listApprovals(requestId: string): Promise<Approval[]>;

  /**
   * Records that a Slack delivery (by its `trigger_id`) is being handled; false when it already was, by
   * this replica or another. Keys older than `forgetBefore` are dropped: Slack's signature window
   * refuses replays after that anyway.
   */
  claimDelivery(key: string, at: Date, forgetBefore: Date): Promise<boolean>;

  /** Takes the lock unless someone holds an unexpired one; returns the holder either way. */
  acquireLock(lock: Lock, now: Date): Promise<{ acquired: boolean; lock: Lock }>;
  releaseLock(service: string, env: string): Promise<Lock | undefined>;
  getLock(service: string, env: string, now: Date): Promise<Lock | undefined>;
  listLocks(now: Date): Promise<Lock[]>;
}
