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

export interface RequestFilter {
  states?: readonly RequestState[] | undefined;
  kinds?: readonly string[] | undefined;
  service?: string | undefined;
  env?: string | undefined;
  /** Default oldest first; status and history views want the newest. */
  newestFirst?: boolean | undefined;
  limit?: number | undefined;
}

/** A live log tail: its own session, owned by one replica through a heartbeat. */
export type TailState =
  /** Following; `stopping` once someone clicked Stop, until the owner closes it with its summary. */
  | 'running'
  | 'stopping'
  | 'stopped'
  /** Reached its time or line budget. */
  | 'ended'
  | 'failed'
  /** Its replica stopped beating: whoever noticed closed it. */
  | 'interrupted';

export interface NewTail {
  id: string;
  service: string;
  env: string;
  requester: string;
  channel: string;
  /** Where the lines come from, for messages: `CloudWatch /ecs/api-prod (prod)`. */
  source: string;
  runner: string;
  startedAt: Date;
  until: Date;
}

export interface StoredTail extends NewTail {
  state: TailState;
  heartbeatAt: Date;
  message?: { channel: string; ts: string } | undefined;
  stoppedBy?: string | undefined;
  endedAt?: Date | undefined;
  summary?: string | undefined;
}

/**
 * A request could not enter `running`: another change of the same service and environment is running.
 * It is still in the state it was in; `runningId` names the change in the way.
 */
export class TargetBusy extends Error {
  readonly service: string;
  readonly env: string;
  readonly runningId: string;

  constructor(target: { service: string; env: string }, runningId: string) {
    super(`another change (${runningId}) is running on ${target.service} ${target.env}`);
    this.name = 'TargetBusy';
    this.service = target.service;
    this.env = target.env;
    this.runningId = runningId;
  }
}

/** The hash-chained audit log. */
export interface AuditStore {
  /** Appends atomically with the hash chain; throws when it cannot be written (callers fail closed). */
  appendAudit(entry: AuditEntry, at: Date): Promise<AuditRecord>;
  /** Newest first. */
  queryAudit(query: AuditQuery): Promise<AuditRecord[]>;
  /** Oldest first, from `fromSeq` on: for verification and export. */
  readAudit(fromSeq?: number): AsyncIterable<AuditRecord>;
}

/** Change requests and their approvals: every transition is compare-and-set. */
export interface RequestStore {
  createRequest(request: NewRequest): Promise<StoredRequest>;
  getRequest(id: string): Promise<StoredRequest | undefined>;
  /**
   * Compare-and-set: moves the request to `to` only if it is currently in one of `from`.
   * Returns the updated request, or undefined when another actor got there first.
   * Throws `TargetBusy` when `to` is `running` and another request of the same service and environment
   * is running: the store holds at most one, whatever the replicas' clocks say.
   */
  transitionRequest(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: { outcome?: Record<string, unknown> } | undefined,
    at: Date,
  ): Promise<StoredRequest | undefined>;
  setRequestMessage(id: string, message: { channel: string; ts: string }): Promise<void>;
  listRequests(filter: RequestFilter): Promise<StoredRequest[]>;
  /** Marks a running request as alive and owned by `runner`; false when it is no longer running. */
  heartbeat(id: string, runner: string, at: Date): Promise<boolean>;
  /** Records one approval per approver; false when this approver already approved. */
  addApproval(approval: Approval): Promise<boolean>;
  /** Takes an approval back (when its audit entry could not be written). */
  removeApproval(requestId: string, approver: string): Promise<void>;
  listApprovals(requestId: string): Promise<Approval[]>;
}

/** What runs where without a request: locks per service and environment. */
export interface LockStore {
  /** Takes the lock unless someone holds an unexpired one; returns the holder either way. */
  acquireLock(lock: Lock, now: Date): Promise<{ acquired: boolean; lock: Lock }>;
  releaseLock(service: string, env: string): Promise<Lock | undefined>;
  getLock(service: string, env: string, now: Date): Promise<Lock | undefined>;
  listLocks(now: Date): Promise<Lock[]>;
}

/** Live log tails, a session type of their own. */
export interface TailStore {
  createTail(tail: NewTail): Promise<StoredTail>;
  getTail(id: string): Promise<StoredTail | undefined>;
  setTailMessage(id: string, message: { channel: string; ts: string }): Promise<void>;
  /** The owner says it is alive; returns the tail as stored now (so it sees a Stop), or undefined when it is over. */
  tailHeartbeat(id: string, runner: string, at: Date): Promise<StoredTail | undefined>;
  /** Compare-and-set `running → stopping`, by whoever clicked Stop, on any replica; false when it was not running. */
  requestTailStop(id: string, by: string): Promise<boolean>;
  /** Closes a running or stopping tail with how it ended; undefined when it was already closed. */
  endTail(
    id: string,
    end: { state: 'stopped' | 'ended' | 'failed' | 'interrupted'; summary: string },
    at: Date,
  ): Promise<StoredTail | undefined>;
  listTails(filter: { states?: readonly TailState[] }): Promise<StoredTail[]>;
}

/** Slack deliveries already handled, so a retry or a replay has no second effect. */
export interface DeliveryStore {
  /**
   * Records that a Slack delivery (by its `trigger_id`) is being handled; false when it already was, by
   * this replica or another. Keys older than `forgetBefore` are dropped: Slack's signature window
   * refuses replays after that anyway.
   */
  claimDelivery(key: string, at: Date, forgetBefore: Date): Promise<boolean>;
}

/** Everything opsdeck keeps. Consumers take the narrow part they use; only compose sees the whole. */
export interface Store extends AuditStore, RequestStore, LockStore, TailStore, DeliveryStore {
  /** Throws when the store cannot be reached; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
