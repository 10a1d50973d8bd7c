import type { AuditEntry, AuditRecord } from '../core/audit-chain.ts';
import type { AlertStore } from './alert-store.ts';
import type { ReviewStore } from './review-store.ts';

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
  /** The process holding the run's lease, and its fencing token: each new holder gets a higher one. */
  runner?: string | undefined;
  leaseToken?: number | undefined;
  /** When the lease runs out, by the store's clock (PostgreSQL's, or the SQLite host's). */
  leaseExpiresAt?: Date | undefined;
  /** When the holder last renewed the lease, by its own clock: for people, never for deciding. */
  renewedAt?: Date | undefined;
  /**
   * The outcome a run recorded after another replica had taken its lease over and reported it: the
   * request stays as the taker left it (failed), and this says how the change really ended.
   */
  lateOutcome?: Record<string, unknown> | undefined;
}

/** A request whose run this process now holds: `token` fences every later write about the run. */
export interface LeasedRequest {
  request: StoredRequest;
  token: number;
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
  /** Only requests whose state has not changed for this long, by the store's clock. */
  idleForMs?: number | undefined;
  /** Default oldest first; status and history views want the newest. */
  newestFirst?: boolean | undefined;
  limit?: number | undefined;
}

/** A live log tail: its own session, owned by one replica through a lease. */
export type TailState =
  /** Following; `stopping` once someone clicked Stop, until the owner closes it with its summary. */
  | 'running'
  | 'stopping'
  | 'stopped'
  /** Reached its time or line budget. */
  | 'ended'
  | 'failed'
  /** Its replica's lease ran out: whoever took it over closed it. */
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
  /** The lease of the replica following it: fencing token and expiry by the store's clock. */
  leaseToken: number;
  leaseExpiresAt: Date;
  /** When the holder last renewed the lease, by its own clock: for people, never for deciding. */
  renewedAt: Date;
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
  /**
   * Appends atomically with the hash chain; throws when it cannot be written (callers fail closed).
   * `at` is the caller's time; a store several replicas share stamps the database's time instead, so
   * the times along the chain follow its order.
   */
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
   * Entering or leaving `running` is refused (it throws): those moves go through the lease methods below.
   */
  transitionRequest(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: { outcome?: Record<string, unknown> } | undefined,
    at: Date,
  ): Promise<StoredRequest | undefined>;
  /**
   * `approved → running`, with a lease of `ttlMs` held by `runner`; undefined when the request was not
   * approved. Throws `TargetBusy` when another request of the same service and environment is running:
   * the store holds at most one, whatever the replicas' clocks say.
   */
  startRun(id: string, runner: string, ttlMs: number, at: Date): Promise<LeasedRequest | undefined>;
  /** Extends the lease to `ttlMs` from now by the store's clock; false when `token` no longer holds it. */
  renewRun(id: string, token: number, ttlMs: number, at: Date): Promise<boolean>;
  /**
   * Takes the lease of a running request whose lease has run out by the store's clock, with a higher
   * token; undefined while the lease is live (whatever `at` says) or the request is not running.
   */
  takeOverRun(id: string, runner: string, ttlMs: number, at: Date): Promise<LeasedRequest | undefined>;
  /** `running → to` with the outcome, only for the holder of the current token; undefined otherwise. */
  finishRun(
    id: string,
    token: number,
    to: 'succeeded' | 'failed',
    outcome: Record<string, unknown>,
    at: Date,
  ): Promise<StoredRequest | undefined>;
  /**
   * Keeps the outcome of a run that finished after losing its lease, as `lateOutcome`, without changing
   * the state the taker reported; undefined when the request is unknown or already has one.
   */
  recordLateOutcome(id: string, outcome: Record<string, unknown>, at: Date): Promise<StoredRequest | undefined>;
  setRequestMessage(id: string, message: { channel: string; ts: string }): Promise<void>;
  listRequests(filter: RequestFilter): Promise<StoredRequest[]>;
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

/** Live log tails, a session type of their own, each followed by the replica holding its lease. */
export interface TailStore {
  /** Stores a running tail with a lease of `ttlMs` for `tail.runner`; its `leaseToken` fences later writes. */
  createTail(tail: NewTail, ttlMs: number): Promise<StoredTail>;
  getTail(id: string): Promise<StoredTail | undefined>;
  setTailMessage(id: string, message: { channel: string; ts: string }): Promise<void>;
  /**
   * Extends the lease; returns the tail as stored now (so the holder sees a Stop), or undefined when
   * `token` no longer holds it or the tail is over.
   */
  renewTail(id: string, token: number, ttlMs: number, at: Date): Promise<StoredTail | undefined>;
  /** Takes the lease of an open tail whose lease ran out by the store's clock, with a higher token. */
  takeOverTail(id: string, runner: string, ttlMs: number, at: Date): Promise<StoredTail | undefined>;
  /** Compare-and-set `running → stopping`, by whoever clicked Stop, on any replica; false when it was not running. */
  requestTailStop(id: string, by: string): Promise<boolean>;
  /** Closes an open tail with how it ended, for the holder of `token`; undefined otherwise. */
  endTail(
    id: string,
    token: number,
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

/**
 * Named leases for work one replica at a time should do (the expiry sweep). Expiry is judged by the
 * store's clock; a token is higher than every one given out before under that name.
 */
export interface LeaseStore {
  /** The lease for `holder` when it is free or has run out; undefined while someone holds it. */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<number | undefined>;
  /** Extends it to `ttlMs` from now; false when `token` no longer holds it. */
  renewLease(name: string, token: number, ttlMs: number): Promise<boolean>;
  /** Gives it up at once, so another replica need not wait for it to run out. */
  releaseLease(name: string, token: number): Promise<void>;
}

/** Everything opsdeck keeps. Consumers take the narrow part they use; only compose sees the whole. */
export interface Store
  extends AuditStore,
    RequestStore,
    LockStore,
    TailStore,
    DeliveryStore,
    LeaseStore,
    AlertStore,
    ReviewStore {
  /** Throws when the store cannot be reached; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Throws when a plain transition would enter or leave `running`: a run moves only with its lease. */
export function refuseRunningMove(from: readonly RequestState[], to: RequestState): void {
  if (to === 'running' || from.includes('running')) {
    throw new Error('a request enters and leaves `running` only through startRun, finishRun and takeOverRun');
  }
}
