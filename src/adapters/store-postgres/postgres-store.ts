import pg from 'pg';
import type { AuditEntry, AuditRecord } from '../../core/audit-chain.ts';
import type { Clock } from '../../ports/clock.ts';
import type { NewReview, StoredReview } from '../../ports/review-store.ts';
import type { StoreContents, StoreTable } from '../../ports/store-contents.ts';
import type { AlertGroupFilter, AlertGroupStatus, NewAlertGroup, StoredAlertGroup } from '../../ports/alert-store.ts';
import {
  type Approval,
  type AuditQuery,
  type LeasedRequest,
  type NewRequest,
  type RequestFilter,
  type RequestState,
  type Store,
  type StoredRequest,
  refuseRunningMove,
} from '../../ports/store.ts';
import { PostgresAlertGroups } from './alert-groups.ts';
import { appendAudit, readAuditPages } from './audit.ts';
import { type PostgresTarget, parseDatabaseUrl } from './connection.ts';
import { Db } from './db.ts';
import { importContents } from './import.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { approvalFromRow, auditFromRow, requestFromRow } from '../store-rows.ts';
import { AUDIT_COLUMNS, REQUEST_COLUMNS } from './columns.ts';
import { PostgresReviews } from './reviews.ts';
import { PostgresRuns } from './runs.ts';
import { PostgresSessions } from './sessions.ts';

/** The store could not be opened: unreachable, refused, or its schema could not be brought up to date. */
export class PostgresOpenError extends Error {}

/** How long past statement_timeout a statement may go unanswered before its connection is dropped. */
const DEADLINE_MARGIN_MS = 5000;

export interface PostgresStoreOptions {
  /** Hears errors of idle pooled connections (the pool replaces them). */
  onIdleError?: (err: Error) => void;
  /** Tests add their own to see each applied once. */
  migrations?: readonly Migration[];
}

/**
 * The shared store for several replicas. Every rule that replicas must agree on is the database's:
 * compare-and-set transitions, one running change per target (a partial unique index), one holder per
 * lock, one claim per Slack delivery, and audit appends that take turns on the chain head's row.
 */
export class PostgresStore extends PostgresSessions implements Store {
  readonly target: PostgresTarget;
  readonly #runs: PostgresRuns;
  readonly #alerts: PostgresAlertGroups;
  readonly #reviews: PostgresReviews;

  private constructor(db: Db, target: PostgresTarget) {
    super(db, `"${target.schema}"`);
    this.target = target;
    this.#runs = new PostgresRuns(db, this.s);
    this.#alerts = new PostgresAlertGroups(db, this.s);
    this.#reviews = new PostgresReviews(db, this.s);
  }

  /** Connects, creates the schema when missing and applies pending migrations; `clock` stamps them. */
  static async open(url: string, clock: Clock, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const target = parseDatabaseUrl(url);
    const pool = new pg.Pool(target.pool);
    pool.on('error', (err) => options.onIdleError?.(err));
    try {
      await migrate(pool, target.schema, options.migrations ?? MIGRATIONS, clock.now());
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new PostgresOpenError(`cannot open the PostgreSQL store ${target.display}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return new PostgresStore(new Db(pool, target.statementTimeoutMs + DEADLINE_MARGIN_MS), target);
  }

  /** Copies another store's contents into this one, which must be empty (`opsdeck store migrate`). */
  async importContents(
    source: StoreContents,
    progress: (table: StoreTable, done: number, total: number) => void = () => undefined,
  ): Promise<Record<StoreTable, number>> {
    return importContents(this.db, this.s, source, progress);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /** Stamped with the database's time, not the caller's: the replicas' clocks may disagree. */
  async appendAudit(entry: AuditEntry, _callerTime?: Date): Promise<AuditRecord> {
    return appendAudit(this.db, this.s, entry);
  }

  async queryAudit(q: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      values.push(value);
      where.push(clause.replace('?', `$${values.length}`));
    };
    if (q.service) add('service = ?', q.service);
    if (q.env) add('env = ?', q.env);
    if (q.actor) add('actor = ?', q.actor);
    if (q.since) add('at >= ?', q.since.toISOString());
    if (q.beforeSeq !== undefined) add('seq < ?', q.beforeSeq);
    values.push(q.limit);
    const clauses = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const sql = `SELECT ${AUDIT_COLUMNS} FROM ${this.s}.audit ${clauses} ORDER BY seq DESC LIMIT $${values.length}`;
    return (await this.db.query(sql, values)).map(auditFromRow);
  }

  async *readAudit(fromSeq = 1): AsyncIterable<AuditRecord> {
    yield* readAuditPages(this.db, this.s, fromSeq);
  }

  async createRequest(r: NewRequest): Promise<StoredRequest> {
    const [row] = await this.db.query(
      `INSERT INTO ${this.s}.requests (id, kind, service, env, requester, channel, params, hash, state, created_at,
       updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9, $10)
       RETURNING ${REQUEST_COLUMNS}`,
      [
        r.id,
        r.kind,
        r.service,
        r.env,
        r.requester,
        r.channel,
        JSON.stringify(r.params),
        r.hash,
        r.createdAt.toISOString(),
        r.expiresAt?.toISOString() ?? null,
      ],
    );
    return requestFromRow(row!);
  }

  async getRequest(id: string): Promise<StoredRequest | undefined> {
    const [row] = await this.db.query(`SELECT ${REQUEST_COLUMNS} FROM ${this.s}.requests WHERE id = $1`, [id]);
    return row ? requestFromRow(row) : undefined;
  }

  async transitionRequest(
    id: string,
    from: readonly RequestState[],
    to: RequestState,
    patch: { outcome?: Record<string, unknown> } | undefined,
    at: Date,
  ): Promise<StoredRequest | undefined> {
    refuseRunningMove(from, to);
    if (!from.length) return undefined;
    const outcome = patch?.outcome ? JSON.stringify(patch.outcome) : null;
    const [row] = await this.db.query(
      `UPDATE ${this.s}.requests SET state = $1, updated_at = $2, changed_at = clock_timestamp(),
       version = version + 1, outcome = COALESCE($3, outcome) WHERE id = $4 AND state = ANY($5::text[])
       RETURNING ${REQUEST_COLUMNS}`,
      [to, at.toISOString(), outcome, id, from],
    );
    return row ? requestFromRow(row) : undefined;
  }

  async startRun(id: string, runner: string, ttlMs: number, at: Date): Promise<LeasedRequest | undefined> {
    return this.#runs.start(id, runner, ttlMs, at);
  }

  async renewRun(id: string, token: number, ttlMs: number, at: Date): Promise<boolean> {
    return this.#runs.renew(id, token, ttlMs, at);
  }

  async takeOverRun(id: string, runner: string, ttlMs: number, at: Date): Promise<LeasedRequest | undefined> {
    return this.#runs.takeOver(id, runner, ttlMs, at);
  }

  async finishRun(
    id: string,
    token: number,
    to: 'succeeded' | 'failed',
    outcome: Record<string, unknown>,
    at: Date,
  ): Promise<StoredRequest | undefined> {
    return this.#runs.finish(id, token, to, outcome, at);
  }

  async recordLateOutcome(id: string, outcome: Record<string, unknown>, at: Date): Promise<StoredRequest | undefined> {
    return this.#runs.recordLate(id, outcome, at);
  }

  async setRequestMessage(id: string, message: { channel: string; ts: string }): Promise<void> {
    await this.db.query(`UPDATE ${this.s}.requests SET message_channel = $1, message_ts = $2 WHERE id = $3`, [
      message.channel,
      message.ts,
      id,
    ]);
  }

  async listRequests(filter: RequestFilter): Promise<StoredRequest[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const among = (column: string, wanted: readonly string[] | undefined) => {
      if (!wanted?.length) return;
      values.push(wanted);
      where.push(`${column} = ANY($${values.length}::text[])`);
    };
    among('state', filter.states);
    among('kind', filter.kinds);
    among('service', filter.service === undefined ? undefined : [filter.service]);
    among('env', filter.env === undefined ? undefined : [filter.env]);
    if (filter.idleForMs !== undefined) {
      values.push(filter.idleForMs);
      const ago = `clock_timestamp() - $${values.length}::bigint * interval '1 millisecond'`;
      where.push(`COALESCE(changed_at, updated_at) <= ${ago}`);
    }
    const order = filter.newestFirst ? 'created_at DESC, id DESC' : 'created_at, id';
    if (filter.limit !== undefined) values.push(filter.limit);
    const limit = filter.limit === undefined ? '' : ` LIMIT $${values.length}`;
    const clauses = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const sql = `SELECT ${REQUEST_COLUMNS} FROM ${this.s}.requests ${clauses} ORDER BY ${order}${limit}`;
    return (await this.db.query(sql, values)).map(requestFromRow);
  }

  async addApproval(a: Approval): Promise<boolean> {
    const added = await this.db.count(
      `INSERT INTO ${this.s}.approvals (request_id, approver, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [a.requestId, a.approver, a.at.toISOString()],
    );
    return added === 1;
  }

  async removeApproval(requestId: string, approver: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.s}.approvals WHERE request_id = $1 AND approver = $2`, [
      requestId,
      approver,
    ]);
  }

  async listApprovals(requestId: string): Promise<Approval[]> {
    const rows = await this.db.query(
      `SELECT request_id, approver, at FROM ${this.s}.approvals WHERE request_id = $1 ORDER BY at, approver`,
      [requestId],
    );
    return rows.map(approvalFromRow);
  }

  openAlertGroup(group: NewAlertGroup): Promise<{ group: StoredAlertGroup; created: boolean }> {
    return this.#alerts.openAlertGroup(group);
  }

  getAlertGroup(id: string): Promise<StoredAlertGroup | undefined> {
    return this.#alerts.getAlertGroup(id);
  }

  latestAlertGroup(key: string): Promise<StoredAlertGroup | undefined> {
    return this.#alerts.latestAlertGroup(key);
  }

  updateAlertGroup(
    id: string,
    version: number,
    patch: { status: AlertGroupStatus; content: Record<string, unknown>; resolvedAt?: Date | undefined },
    at: Date,
  ): Promise<StoredAlertGroup | undefined> {
    return this.#alerts.updateAlertGroup(id, version, patch, at);
  }

  setAlertGroupMessage(id: string, message: { channel: string; ts: string }): Promise<void> {
    return this.#alerts.setAlertGroupMessage(id, message);
  }

  listAlertGroups(filter: AlertGroupFilter): Promise<StoredAlertGroup[]> {
    return this.#alerts.listAlertGroups(filter);
  }

  countAlertGroups(filter: AlertGroupFilter): Promise<number> {
    return this.#alerts.countAlertGroups(filter);
  }

  createReview(review: NewReview): Promise<StoredReview> {
    return this.#reviews.createReview(review);
  }

  getReview(id: string): Promise<StoredReview | undefined> {
    return this.#reviews.getReview(id);
  }

  acknowledgeReview(id: string, by: string, at: Date): Promise<StoredReview | undefined> {
    return this.#reviews.acknowledgeReview(id, by, at);
  }

  markReviewOverdue(id: string, at: Date): Promise<StoredReview | undefined> {
    return this.#reviews.markReviewOverdue(id, at);
  }

  listOpenReviews(): Promise<StoredReview[]> {
    return this.#reviews.listOpenReviews();
  }

  claimReminder(requestId: string, at: Date): Promise<boolean> {
    return this.#reviews.claimReminder(requestId, at);
  }
}
